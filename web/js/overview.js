// The overview: every area × every type as a heat table of the share of the reference met (the benchmark, or the
// London-wide rate where a type has none), coloured on the same gap-first scale as the map, sortable by area or by
// any type, each cell opening that area with that type; beside it, each type's postcode-lottery figures.

import { h, replaceChildren } from './dom.js';
import { STATUS_LABEL, count, num, pct } from './format.js';
import { inkOn, shareColour, shareMet } from './colour.js';
import { typeSymbol } from './markers.js';
import * as api from './api.js';

/** A share as the cell shows it: a whole percentage, "999+" beyond that. */
function cellText(share) {
  if (share === null) return '–';
  const p = Math.round(share * 100);
  return p > 999 ? '999+' : String(p);
}

export class OverviewView {
  /**
   * @param {HTMLElement} container
   * @param {{ open(code: string, typeId: string): void, styleOf(id: string): object }} handlers
   */
  constructor(container, handlers) {
    this.container = container;
    this.handlers = handlers;
    this.sort = { key: 'name', direction: 'ascending' };
  }

  /** Draws the view from the areas collection (every type's coverage) and the types. */
  async show(types, areas) {
    this.types = types;
    this.areas = areas;
    if (!this.lottery) this.lottery = await api.lotteries();
    this.#render();
  }

  #sorted() {
    const rows = this.areas.features.map((f) => f.properties);
    const { key, direction } = this.sort;
    const sign = direction === 'ascending' ? 1 : -1;
    return rows.sort((a, b) => {
      if (key === 'name') return sign * a.name.localeCompare(b.name);
      const [x, y] = [shareMet(a.coverage[key]), shareMet(b.coverage[key])];
      if (x === null) return y === null ? a.name.localeCompare(b.name) : 1;
      if (y === null) return -1;
      return sign * (x - y) || a.name.localeCompare(b.name);
    });
  }

  #sortButton(key, label, title) {
    const active = this.sort.key === key;
    return h(
      'button',
      {
        type: 'button',
        class: 'sort',
        'data-sort': key,
        title,
        onclick: () => {
          const direction = active && this.sort.direction === 'ascending' ? 'descending' : 'ascending';
          this.sort = { key, direction };
          this.#render();
          this.container.querySelector(`button[data-sort="${key}"]`)?.focus();
        },
      },
      label,
      h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, active ? (this.sort.direction === 'ascending' ? '▲' : '▼') : ''),
    );
  }

  #render() {
    const types = this.types;
    const head = h(
      'tr',
      {},
      h('th', { scope: 'col', 'aria-sort': this.sort.key === 'name' ? this.sort.direction : null }, this.#sortButton('name', 'Area', 'Sort by area name')),
      types.map((t) =>
        h(
          'th',
          { scope: 'col', class: 'type-col', 'aria-sort': this.sort.key === t.id ? this.sort.direction : null },
          this.#sortButton(t.id, [typeSymbol(this.handlers.styleOf(t.id), 16), h('span', { class: 'visually-hidden' }, t.label)], `Sort by ${t.label}, worst first`),
        ),
      ),
    );
    const body = this.#sorted().map((p) =>
      h(
        'tr',
        { 'data-code': p.code },
        h('th', { scope: 'row' }, p.name),
        types.map((t) => {
          const c = p.coverage[t.id];
          const share = shareMet(c);
          const colour = c.status === 'no_benchmark' && share === null ? '#c9c9cf' : shareColour(share ?? 0);
          const words = `${p.name}, ${t.label}: ${STATUS_LABEL[c.status]}; ${share === null ? 'no reference' : `${pct(share)} of ${t.benchmark ? 'the benchmark' : 'the London-wide rate'}`}`;
          const link = h(
            'a',
            {
              href: `#type=${encodeURIComponent(t.id)}&view=area&area=${encodeURIComponent(p.code)}`,
              class: `heat status-cell-${c.status}`,
              'data-type': t.id,
              'data-status': c.status,
              title: words,
              'aria-label': words,
              onclick: (event) => {
                event.preventDefault();
                this.handlers.open(p.code, t.id);
              },
            },
            cellText(share),
          );
          const cell = h('td', { class: 'heat-cell' }, link);
          cell.style.background = colour;
          cell.style.color = inkOn(colour);
          return cell;
        }),
      ),
    );
    replaceChildren(
      this.container,
      h('h2', { id: 'overview-title', tabindex: '-1' }, 'Overview: every area, every type'),
      h(
        'p',
        { class: 'muted small', id: 'overview-sentence' },
        'Each cell is the per cent of the benchmark an area meets (capacity share ÷ required), or of the London-wide rate for a type with no benchmark; the darker, the worse, and “–” where nothing can be measured. Choose a cell to open that area and type.',
      ),
      h(
        'p',
        { class: 'downloads', id: 'overview-downloads' },
        h('a', { href: api.exportUrl('areas.csv'), download: '', class: 'download', 'data-format': 'csv' }, 'Every area and type (CSV)'),
        ' ',
        h('a', { href: '/api/areas', download: 'gapmap-areas.geojson', class: 'download', 'data-format': 'geojson' }, 'Every area and type (GeoJSON)'),
      ),
      h(
        'div',
        { class: 'table-fit' },
        h(
          'table',
          { class: 'data-table heat-table', id: 'overview-table' },
          h('caption', { class: 'visually-hidden' }, 'Per cent of the benchmark met, by area (rows) and service type (columns); the key below names each symbol.'),
          h('thead', {}, head),
          h('tbody', {}, body),
        ),
      ),
      h(
        'ul',
        { class: 'legend-key overview-key', id: 'overview-key', 'aria-label': 'Column symbols' },
        types.map((t) => h('li', {}, typeSymbol(this.handlers.styleOf(t.id), 16), ` ${t.label}`)),
      ),
      this.#lotteryTable(),
    );
  }

  #lotteryTable() {
    const byType = new Map((this.lottery?.types ?? []).map((t) => [t.type, t]));
    return h(
      'section',
      { 'aria-labelledby': 'overview-lottery-title' },
      h('h3', { id: 'overview-lottery-title' }, 'Postcode lottery by type'),
      h(
        'div',
        { class: 'table-fit' },
        h(
          'table',
          { class: 'data-table compact', id: 'overview-lottery' },
          h('caption', { class: 'visually-hidden' }, 'For each type: areas in gap, the share of the basis population living in them, the Gini coefficient of area rates and the highest over lowest rate.'),
          h('thead', {}, h('tr', {}, ['Type', 'Areas in gap', 'Living in gap', 'Gini', 'Highest ÷ lowest'].map((t) => h('th', { scope: 'col' }, t)))),
          h(
            'tbody',
            {},
            this.types.map((t) => {
              const l = byType.get(t.id)?.lottery;
              return h(
                'tr',
                { 'data-type': t.id },
                h('th', { scope: 'row' }, t.label),
                h('td', { class: 'num' }, l ? count(l.areas_none + (t.benchmark ? l.areas_below : 0), 'area') : '–'),
                h('td', { class: 'num' }, l ? pct(l.basis_share_in_gap) : '–'),
                h('td', { class: 'num' }, l ? num(l.gini) : '–'),
                h('td', { class: 'num' }, l ? (l.max_min_ratio === null ? 'unbounded' : `${num(l.max_min_ratio)} ×`) : '–'),
              );
            }),
          ),
        ),
      ),
    );
  }
}
