// The gaps view: the areas in gap for the chosen type, worst first, as a sortable table (each row zooms the map to
// its area); a sorted bar chart of the rate by area with the benchmark line; and the postcode-lottery figures.
// With "all areas" ticked, the table lists every area: the text alternative to the map.

import { h, replaceChildren } from './dom.js';
import { STATUS_LABEL, STATUS_SHORT, num, pct, ratePer } from './format.js';
import { rateChart } from './chart.js';
import * as api from './api.js';

const STATUS_ORDER = { none: 0, below: 1, no_benchmark: 2, meets: 3 };

/** The table's columns: how each reads and sorts. `null` values sort last whichever the direction. */
const COLUMNS = [
  { key: 'rank', label: 'Rank', numeric: true, value: (r) => r.rank },
  { key: 'name', label: 'Area', numeric: false, value: (r) => r.name },
  { key: 'status', label: 'Status', numeric: false, value: (r) => STATUS_ORDER[r.status], text: (r) => STATUS_LABEL[r.status] },
  { key: 'rate', label: 'Rate', numeric: true, value: (r) => r.rate },
  { key: 'shortfall', label: 'Shortfall', numeric: true, value: (r) => r.shortfall },
];

function compare(column, direction) {
  return (a, b) => {
    const [x, y] = [column.value(a), column.value(b)];
    if (x === null || x === undefined) return y === null || y === undefined ? 0 : 1;
    if (y === null || y === undefined) return -1;
    const order = column.numeric ? x - y : String(x).localeCompare(String(y));
    return (direction === 'ascending' ? order : -order) || a.name.localeCompare(b.name);
  };
}

export class GapsView {
  /**
   * @param {HTMLElement} container
   * @param {{ zoomTo(code: string): void, openArea(code: string): void }} handlers
   */
  constructor(container, handlers) {
    this.container = container;
    this.handlers = handlers;
    this.sort = { key: 'rank', direction: 'ascending' };
    this.showAll = false;
  }

  /** Loads and draws the view for `type`, with the areas collection already on the map. */
  async show(type, areas) {
    replaceChildren(this.container, h('p', { class: 'muted', role: 'status' }, 'Loading…'));
    const [gaps, lottery] = await Promise.all([api.gaps(type.id), api.lottery(type.id)]);
    const rank = new Map(gaps.features.map((f) => [f.properties.code, f.properties]));
    this.type = type;
    this.rows = areas.features.map((f) => {
      const c = f.properties.coverage[type.id];
      const gap = rank.get(f.properties.code);
      return { ...c, code: f.properties.code, name: f.properties.name, rank: gap ? gap.rank : null };
    });
    this.summary = lottery.types.find((t) => t.type === type.id) ?? null;
    this.#render();
  }

  #render() {
    const type = this.type;
    const inGap = this.rows.filter((r) => r.rank !== null);
    const l = this.summary?.lottery;
    const reference = type.benchmark
      ? { value: type.benchmark.value, label: 'Benchmark' }
      : this.summary && this.summary.overall_rate > 0
        ? { value: this.summary.overall_rate, label: 'London-wide' }
        : null;
    const basisWord = type.basis === 'population' ? 'people' : type.basis;
    replaceChildren(
      this.container,
      h('h2', { id: 'gaps-title', tabindex: '-1' }, `Gaps: ${type.label}`),
      h(
        'p',
        { class: 'standing', id: 'gaps-summary' },
        `${inGap.length} of ${this.rows.length} areas are in gap`,
        l ? `: ${l.areas_none} with no service${type.benchmark ? `, ${l.areas_below} below the benchmark` : ''}. ` : '. ',
        l ? `${pct(l.basis_share_in_gap)} of London's ${basisWord} live in them.` : '',
      ),
      h(
        'div',
        { class: 'table-head' },
        h('h3', {}, this.showAll ? 'All areas' : 'Areas in gap, worst first'),
        h(
          'label',
          { class: 'toggle' },
          h('input', {
            type: 'checkbox',
            id: 'gaps-all',
            checked: this.showAll,
            onchange: (e) => {
              this.showAll = e.target.checked;
              this.#render();
              document.getElementById('gaps-all')?.focus();
            },
          }),
          ' Show all areas',
        ),
      ),
      this.#downloads(type),
      this.#table(this.showAll ? this.rows : inGap),
      h('h3', {}, `Rate by area (${type.capacity_unit} ${ratePer(type)})`),
      h(
        'div',
        { class: 'chart-wrap' },
        rateChart(this.rows, reference, `${type.capacity_unit} ${ratePer(type)}`, (code) => this.handlers.zoomTo(code)),
      ),
      this.#lotteryFigures(),
    );
  }

  /** Downloads of what the table shows: its type's rows as CSV, and the same areas as GeoJSON. */
  #downloads(type) {
    const geojson = this.showAll
      ? `/api/areas?type=${encodeURIComponent(type.id)}`
      : `/api/gaps?type=${encodeURIComponent(type.id)}&status=none,below`;
    return h(
      'p',
      { class: 'downloads', id: 'gaps-downloads' },
      h('a', { href: api.exportUrl('areas.csv', { type: type.id }), download: '', class: 'download', 'data-format': 'csv' }, `${type.label}: every area (CSV)`),
      ' ',
      h('a', { href: geojson, download: `gapmap-${this.showAll ? 'areas' : 'gaps'}-${type.id}.geojson`, class: 'download', 'data-format': 'geojson' }, this.showAll ? 'These areas (GeoJSON)' : 'Areas in gap (GeoJSON)'),
    );
  }

  #lotteryFigures() {
    const s = this.summary;
    if (!s?.lottery) return null;
    const l = s.lottery;
    const rows = [
      ['London-wide rate', num(s.overall_rate)],
      ['Lowest · median · highest area rate', `${num(l.rate_min)} · ${num(l.rate_median)} · ${num(l.rate_max)}`],
      ['Highest ÷ lowest', l.max_min_ratio === null ? 'unbounded (some area has none)' : `${num(l.max_min_ratio)} ×`],
      ['Coefficient of variation', num(l.coefficient_of_variation)],
      ['Gini coefficient (0 = equal)', num(l.gini)],
    ];
    return h(
      'section',
      { class: 'lottery', 'aria-label': 'Postcode lottery figures' },
      h('h3', {}, 'Postcode lottery'),
      h('dl', { class: 'figures', id: 'lottery-figures' }, rows.map(([t, d]) => [h('dt', {}, t), h('dd', {}, d)])),
    );
  }

  #table(rows) {
    const column = COLUMNS.find((c) => c.key === this.sort.key) ?? COLUMNS[0];
    const sorted = [...rows].sort(compare(column, this.sort.direction));
    if (!sorted.length) {
      return h('p', { class: 'muted', id: 'gaps-empty' }, 'No area is in gap for this type.');
    }
    const head = COLUMNS.map((c) => {
      const active = c.key === this.sort.key;
      return h(
        'th',
        { scope: 'col', 'aria-sort': active ? this.sort.direction : null, class: c.numeric ? 'num' : null },
        h(
          'button',
          {
            type: 'button',
            class: 'sort',
            'data-sort': c.key,
            onclick: () => {
              const direction = active && this.sort.direction === 'ascending' ? 'descending' : 'ascending';
              this.sort = { key: c.key, direction };
              this.#render();
              this.container.querySelector(`button[data-sort="${c.key}"]`)?.focus();
            },
          },
          c.label,
          h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, active ? (this.sort.direction === 'ascending' ? ' ▲' : ' ▼') : ' ↕'),
        ),
      );
    });
    const body = sorted.map((r) =>
      h(
        'tr',
        { 'data-code': r.code, onclick: () => this.handlers.zoomTo(r.code) },
        h('td', { class: 'num', 'data-col': 'rank' }, r.rank === null ? '–' : String(r.rank)),
        h(
          'th',
          { scope: 'row' },
          h('button', { type: 'button', class: 'link', title: `Zoom the map to ${r.name}` }, r.name),
        ),
        h('td', { 'data-col': 'status' }, h('span', { class: `status status-${r.status}`, title: STATUS_LABEL[r.status] }, STATUS_SHORT[r.status])),
        h('td', { class: 'num', 'data-col': 'rate' }, num(r.rate)),
        h('td', { class: 'num', 'data-col': 'shortfall' }, num(r.shortfall)),
      ),
    );
    const table = h(
      'table',
      { class: 'data-table', id: 'gaps-table' },
      h(
        'caption',
        { class: 'visually-hidden' },
        `${this.type.label}: rate in ${this.type.capacity_unit} ${ratePer(this.type)}, shortfall in ${this.type.capacity_unit}. Choose an area to zoom the map to it.`,
      ),
      h('thead', {}, h('tr', {}, head)),
      h('tbody', {}, body),
    );
    return h('div', { class: 'table-scroll' }, table);
  }
}
