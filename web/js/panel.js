// The area panel: one area's figures for every type, the services that serve it, its shortfall against the
// benchmark and a link to its CSV. Everything from the API is inserted as text.

import { h, replaceChildren } from './dom.js';
import { STATUS_LABEL, amount, benchmarkText, count, km, num, pct, people, ratePer } from './format.js';
import { typeSymbol } from './markers.js';
import * as api from './api.js';

function statusBadge(status) {
  return h('span', { class: `status status-${status}` }, STATUS_LABEL[status] ?? status);
}

/** One sentence on where the area stands for the chosen type, with the shortfall in the type's unit. */
function standing(type, c) {
  if (c.status === 'none') {
    return c.required !== null
      ? `No ${type.label.toLowerCase()} serve this area. The benchmark asks for ${amount(type, c.required)}.`
      : `No ${type.label.toLowerCase()} serve this area.`;
  }
  if (c.required === null) {
    return `${count(c.serving, 'site')} serving; ${amount(type, c.capacity_share)} apportioned to this area (no benchmark to compare with).`;
  }
  if (c.status === 'meets') {
    return `Meets the benchmark: ${amount(type, c.capacity_share)} against the ${num(c.required)} required.`;
  }
  return `Shortfall of ${amount(type, c.shortfall)}: ${amount(type, c.capacity_share)} against the ${num(c.required)} required.`;
}

function figures(type, c) {
  const rows = [
    ['Status', statusBadge(c.status)],
    ['Located in the area', String(c.located)],
    ['Serving the area', c.serving_unknown_capacity ? `${c.serving} (${c.serving_unknown_capacity} of unknown capacity)` : String(c.serving)],
    ['Capacity share', amount(type, c.capacity_share)],
    [`Rate (${ratePer(type)})`, num(c.rate)],
    ['Compared with London', c.relative_rate === null ? '–' : `${num(c.relative_rate)} × the London-wide rate`],
    ['Required by the benchmark', c.required === null ? 'no benchmark' : amount(type, c.required)],
    ['Shortfall', c.shortfall === null ? '–' : amount(type, c.shortfall)],
  ];
  if (c.access) {
    rows.push(
      ['Mean distance to nearest site', km(c.access.mean_km)],
      ['90% of the area within', km(c.access.p90_km)],
      [`Within ${num(type.catchment_km)} km of a site`, pct(c.access.within_catchment)],
    );
  }
  return h('dl', { class: 'figures' }, rows.map(([t, d]) => [h('dt', {}, t), h('dd', {}, d)]));
}

function siteLine(site, extra) {
  const where =
    site.location_precision === 'confidential'
      ? `confidential location in ${site.located_in_name}`
      : `in ${site.located_in_name}`;
  return h(
    'li',
    { class: 'site-line', 'data-site': site.id },
    h('span', { class: 'site-name' }, site.name),
    h('span', { class: 'site-meta' }, `${site.provider} · ${where}${extra ? ` · ${extra}` : ''}`),
    site.illustrative ? h('span', { class: 'sample-flag' }, 'sample') : null,
    site.stale ? h('span', { class: 'stale-flag', title: `Last verified ${site.last_verified}` }, `stale: last verified ${site.last_verified}`) : null,
  );
}

function servingList(type, sites) {
  if (!sites.length) return h('p', { class: 'muted' }, 'No service of this type serves the area.');
  return h(
    'ul',
    { class: 'site-list' },
    sites.map((s) =>
      siteLine(
        s,
        s.capacity_share === null
          ? 'capacity unknown'
          : `${pct(s.capacity_fraction)} of its ${amount(type, s.capacity)} = ${num(s.capacity_share)}`,
      ),
    ),
  );
}

function allTypesTable(types, coverage, selected, onType) {
  const table = h(
    'table',
    { class: 'data-table compact' },
    h('caption', {}, 'Every service type in this area'),
    h(
      'thead',
      {},
      h('tr', {}, ['Type', 'Status', 'Serving', 'Capacity share', 'Required', 'Shortfall'].map((t) => h('th', { scope: 'col' }, t))),
    ),
    h(
      'tbody',
      {},
      types
        .filter((t) => coverage[t.id])
        .map((t) => {
          const c = coverage[t.id];
          return h(
            'tr',
            { class: t.id === selected ? 'selected' : null, 'data-type': t.id },
            h(
              'th',
              { scope: 'row' },
              h('button', { type: 'button', class: 'link', onclick: () => onType(t.id), title: `Show ${t.label} on the map` }, t.label),
            ),
            h('td', {}, statusBadge(c.status)),
            h('td', { class: 'num' }, String(c.serving)),
            h('td', { class: 'num' }, num(c.capacity_share)),
            h('td', { class: 'num' }, num(c.required)),
            h('td', { class: 'num' }, num(c.shortfall)),
          );
        }),
    ),
  );
  return h('div', { class: 'table-scroll' }, table);
}

/**
 * Fills `container` with the detail of area `code`.
 * @param {{ types: object[], typeId: string, styleOf(id: string): object, onType(id: string): void, onClose(): void }} ctx
 */
export async function showArea(container, code, ctx) {
  replaceChildren(container, h('p', { class: 'muted', role: 'status' }, 'Loading…'));
  const feature = await api.area(code);
  const p = feature.properties;
  const type = ctx.types.find((t) => t.id === ctx.typeId);
  const c = p.coverage[ctx.typeId];
  const basisRows = Object.entries(p.basis).map(([name, value]) => `${name === 'population' ? 'Population' : name[0].toUpperCase() + name.slice(1)}: ${people(value)}`);
  replaceChildren(
    container,
    h(
      'div',
      { class: 'panel-head' },
      h('h2', { id: 'area-title', tabindex: '-1' }, p.name),
      h('button', { type: 'button', class: 'close', onclick: ctx.onClose, 'aria-label': 'Close the area panel' }, '×'),
    ),
    h('p', { class: 'muted' }, `${p.code} · ${basisRows.join(' · ')}${p.estimated_basis ? ' (some figures estimated)' : ''}`),
    h(
      'p',
      { class: p.stale_listings ? 'stale-note' : 'muted', id: 'area-stale' },
      p.stale_listings
        ? `${count(p.stale_listings, 'listing')} serving ${p.name} ${p.stale_listings === 1 ? 'is' : 'are'} stale (not verified recently): check before relying on ${p.stale_listings === 1 ? 'it' : 'them'}.`
        : `No listing serving ${p.name} is stale.`,
    ),
    h(
      'section',
      { class: 'area-type', 'aria-labelledby': 'area-type-title' },
      h('h3', { id: 'area-type-title' }, typeSymbol(ctx.styleOf(type.id), 20), ` ${type.label}`),
      h('p', { class: 'standing' }, standing(type, c)),
      figures(type, c),
      benchmarkText(type) ? h('p', { class: 'muted small' }, `Benchmark: ${benchmarkText(type)} (${type.benchmark.source}).`) : null,
      h('h4', {}, `Serving ${p.name}`),
      servingList(type, c.serving_sites),
      c.nearest_outside.length
        ? [
            h('h4', {}, 'Nearest outside the area'),
            h(
              'ul',
              { class: 'site-list' },
              c.nearest_outside.map((f) => siteLine(f.properties, `${km(f.properties.distance_km)} from the area's centre`)),
            ),
          ]
        : null,
    ),
    allTypesTable(ctx.types, p.coverage, ctx.typeId, ctx.onType),
    h(
      'p',
      {},
      h('a', { href: api.areaCsvUrl(p.code), download: '', class: 'download' }, `Download ${p.name}'s figures (CSV)`),
    ),
  );
  return feature;
}
