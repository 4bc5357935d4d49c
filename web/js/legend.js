// The legend: one sentence saying what the colours mean for the chosen type and mode, the scale or the status
// swatches, the benchmark and its source, a key for every site symbol on the map, and how fresh the listings are.
// A Leaflet control, so it sits on the map (and prints with it); its text is ordinary page text for screen readers.

import { h } from './dom.js';
import { STATUS_COLOUR, scaleGradient } from './colour.js';
import { STATUS_LABEL, benchmarkText, count, num, pct, ratePer } from './format.js';
import { typeSymbol } from './markers.js';

const L = window.L;

/** The one sentence that explains the colours. */
export function legendSentence(type, mode, scale) {
  const benchmark = benchmarkText(type);
  if (mode === 'status') {
    return benchmark
      ? `The darker an area, the worse its provision: dark red has no service, orange is below the benchmark of ${benchmark}, the palest meet it.`
      : `Dark red areas have no service; grey areas are served (${type.label} has no benchmark to measure against).`;
  }
  if (mode === 'share') {
    return benchmark
      ? `The darker an area, the further it is below the benchmark of ${benchmark}: the darkest have nothing, the palest meet it.`
      : `The darker an area, the further its rate is below the London-wide rate (no benchmark): the darkest have nothing, the palest match or exceed London.`;
  }
  if (mode === 'access') {
    const noun = type.basis === 'population' ? 'people' : type.basis;
    const above = scale.outliers.length ? `, above it ${scale.outliers.map((o) => `${o.name} (${num(o.rate)})`).join(', ')}` : '';
    return `Access (E2SFCA): the darker an area, the fewer ${type.capacity_unit} ${ratePer(type)} its ${noun} can reach, each site's capacity shared among the ${noun} within its catchment and weighted down with distance, averaged over the area's ${noun}; the scale runs from 0 to ${num(scale.cap)}${above}${benchmark ? ', and ▲ marks the benchmark' : ''}.`;
  }
  const anchor = benchmark ? 'the benchmark' : 'the London-wide rate';
  const outliers = scale.outliers.length
    ? `, above it ${scale.outliers.map((o) => `${o.name} (${num(o.rate)})`).join(', ')}`
    : '';
  return `The darker an area, the fewer ${type.capacity_unit} ${ratePer(type)}: the scale runs from 0 to ${num(scale.cap)}${outliers}, and ▲ marks ${anchor}.`;
}

export class Legend {
  constructor(map) {
    const Control = L.Control.extend({
      onAdd: () => {
        const open = window.matchMedia('(min-width: 760px)').matches;
        this.body = h('div', { class: 'legend-body' });
        // Kept apart from the body, which every restyle rebuilds: the plan's hubs stay until it clears them.
        this.hubKey = h('p', { class: 'legend-hubs', id: 'legend-hubs', hidden: true });
        this.element = h(
          'details',
          { class: 'legend', id: 'legend', open },
          h('summary', {}, 'Legend'),
          this.body,
          this.hubKey,
        );
        L.DomEvent.disableClickPropagation(this.element);
        L.DomEvent.disableScrollPropagation(this.element);
        return this.element;
      },
    });
    new Control({ position: 'bottomright' }).addTo(map);
  }

  /** The key for the plan's new hubs: `count` of them on the map (0 hides it). */
  setHubs(count) {
    this.hubKey.hidden = !count;
    this.hubKey.replaceChildren(
      h('span', { class: 'hub-diamond hub-key', 'aria-hidden': 'true' }, h('span', {}, '1')),
      ` New hub from the plan (${count === 1 ? '1 on the map' : `${count} on the map`}, numbered in the order chosen)`,
    );
  }

  /** Opens the legend (for printing). */
  open() {
    this.element.open = true;
  }

  /**
   * @param {object} type the type from `/api/types`
   * @param {'status'|'share'|'rate'|'access'} mode
   * @param {{ cap: number, outliers: object[], reference: number|null, sites: object|null,
   *   symbols: { label: string, style: object }[], freshness: { latest: string|null, stale: number } }} scale
   */
  update(type, mode, scale) {
    const benchmark = benchmarkText(type);
    const parts = [
      h('p', { class: 'legend-title' }, type.label),
      h('p', { class: 'legend-sentence', id: 'legend-sentence' }, legendSentence(type, mode, scale)),
    ];
    if (mode === 'status') {
      const statuses = benchmark ? ['none', 'below', 'meets'] : ['none', 'no_benchmark'];
      parts.push(
        h(
          'ul',
          { class: 'legend-swatches' },
          statuses.map((s) => {
            const swatch = h('span', { class: 'swatch' });
            swatch.style.background = STATUS_COLOUR[s];
            return h('li', {}, swatch, STATUS_LABEL[s]);
          }),
        ),
      );
    } else {
      const ramp = h('span', { class: 'ramp' });
      ramp.style.background = scaleGradient();
      const share = mode === 'share';
      const marks = [];
      const at = share ? 1 : scale.reference && scale.reference > 0 ? scale.reference / scale.cap : null;
      if (at !== null) {
        const mark = h('span', { class: 'ramp-mark' });
        mark.style.left = `${Math.min(100, at * 100)}%`;
        marks.push(mark);
      }
      parts.push(
        h('div', { class: 'ramp-wrap' }, ramp, marks),
        h(
          'div',
          { class: 'ramp-scale' },
          h('span', {}, share ? '0%' : '0'),
          h('span', {}, share ? (benchmark ? '100% of the benchmark' : '100% of London') : `${num(scale.cap)}+`),
        ),
      );
    }
    parts.push(
      benchmark
        ? h(
            'p',
            { class: 'legend-benchmark' },
            h('strong', {}, 'Benchmark: '),
            benchmark,
            h('span', { class: 'legend-source' }, h('br'), 'Source: ', type.benchmark.source),
          )
        : h(
            'p',
            { class: 'legend-benchmark' },
            h('strong', {}, 'No recognised benchmark. '),
            'Areas are compared with each other and with London as a whole.',
          ),
    );
    if (scale.points) {
      parts.push(h('p', { class: 'legend-points', id: 'legend-points' }, `Dots: ${count(scale.points, 'demand point')} (a 250 m grid), each coloured by its own access on the same scale.`));
    }
    if (scale.sites) {
      parts.push(
        h(
          'ul',
          { class: 'legend-key', id: 'legend-key', 'aria-label': 'Site symbols' },
          scale.symbols.map((s) => h('li', {}, typeSymbol(s.style, 16), ` ${s.label}`)),
          h('li', {}, h('span', { class: 'stale-dot', 'aria-hidden': 'true' }), ' stale listing (not verified within the stale age, 12 months unless the server says otherwise)'),
        ),
        h(
          'p',
          { class: 'legend-sites' },
          count(scale.sites.drawn, 'site'),
          ' on the map',
          scale.sites.confidential
            ? `; ${count(scale.sites.confidential, 'site')} at confidential locations, shown only as the areas they serve`
            : '',
        ),
      );
    }
    const f = scale.freshness;
    if (f) {
      parts.push(
        h(
          'p',
          { class: 'legend-fresh', id: 'legend-fresh' },
          f.latest ? `Listings last verified up to ${f.latest}` : 'No listing has a verification date',
          `; ${count(f.stale, 'listing')} (${pct(f.total ? f.stale / f.total : 0)}) stale.`,
        ),
      );
    }
    this.body.replaceChildren(...parts);
  }
}
