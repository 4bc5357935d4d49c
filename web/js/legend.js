// The legend: what the colours mean for the chosen type and mode, the benchmark and its source, and the symbol of
// the type's sites. A Leaflet control, so it sits on the map; its text is ordinary page text for screen readers.

import { h } from './dom.js';
import { STATUS_COLOUR, viridisGradient } from './colour.js';
import { STATUS_LABEL, benchmarkText, num, ratePer } from './format.js';
import { typeSymbol } from './markers.js';

const L = window.L;

export class Legend {
  constructor(map) {
    const Control = L.Control.extend({
      onAdd: () => {
        const open = window.matchMedia('(min-width: 760px)').matches;
        this.body = h('div', { class: 'legend-body' });
        this.element = h(
          'details',
          { class: 'legend', id: 'legend', open },
          h('summary', {}, 'Legend'),
          this.body,
        );
        L.DomEvent.disableClickPropagation(this.element);
        L.DomEvent.disableScrollPropagation(this.element);
        return this.element;
      },
    });
    new Control({ position: 'bottomright' }).addTo(map);
  }

  /**
   * @param {object} type the type from `/api/types`
   * @param {'status'|'rate'} mode
   * @param {{ max: number, reference: number|null, overallRate: number|null, sites: object|null, style: object }} scale
   */
  update(type, mode, scale) {
    const benchmark = benchmarkText(type);
    const parts = [h('p', { class: 'legend-title' }, type.label)];
    if (mode === 'status') {
      const statuses = benchmark ? ['none', 'below', 'meets'] : ['none', 'no_benchmark'];
      parts.push(
        h('p', { class: 'legend-sub' }, 'Status of each area'),
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
      ramp.style.background = viridisGradient();
      const marks = [];
      if (scale.reference !== null && scale.reference > 0) {
        const mark = h('span', { class: 'ramp-mark' });
        mark.style.left = `${Math.min(100, (scale.reference / scale.max) * 100)}%`;
        marks.push(mark);
      }
      parts.push(
        h('p', { class: 'legend-sub' }, `Rate: ${type.capacity_unit} ${ratePer(type)}`),
        h('div', { class: 'ramp-wrap' }, ramp, marks),
        h('div', { class: 'ramp-scale' }, h('span', {}, '0'), h('span', {}, num(scale.max))),
        scale.reference !== null
          ? h(
              'p',
              { class: 'legend-sub' },
              `▲ marks ${benchmark ? 'the benchmark' : 'the London-wide rate'}, ${num(scale.reference)}`,
            )
          : null,
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
    if (scale.sites) {
      parts.push(
        h(
          'p',
          { class: 'legend-sites' },
          scale.style ? typeSymbol(scale.style, 18) : null,
          ` ${scale.sites.drawn} site${scale.sites.drawn === 1 ? '' : 's'}`,
          scale.sites.confidential
            ? `; ${scale.sites.confidential} at confidential locations, shown only as the areas they serve`
            : '',
        ),
      );
    }
    this.body.replaceChildren(...parts);
  }
}
