// A plan's figures per area (POST /api/plan's `areas`): a compact table of each area's share of demand covered
// (MCLP) or average distance (p-median) before (the kept sites alone) → after (with the new hubs), sorted by the
// largest change, the areas a new hub lies in marked in the table and outlined on the map; with a hub capacity,
// each area's status before → after (`gaps`). And "Open as a what-if scenario": the new hubs as added sites.

import { h } from './dom.js';
import * as api from './api.js';
import { STATUS_SHORT, km, num, pct } from './format.js';
import { TOKEN_KEY } from './scenario.js';

const L = window.L;

/** The change an area's row is sorted by: the rise in share covered (MCLP) or the fall in average distance. */
function change(answer, area) {
  return answer.model === 'mclp'
    ? (area.after.share ?? 0) - (area.before.share ?? 0)
    : (area.before.mean_cost ?? 0) - (area.after.mean_cost ?? 0);
}

/** The rows of `answer.areas`, largest change first (ties: by name). */
export function byChange(answer) {
  return [...answer.areas].sort((a, b) => change(answer, b) - change(answer, a) || a.name.localeCompare(b.name));
}

/** The table of per-area figures. */
export function areaTable(answer) {
  const mclp = answer.model === 'mclp';
  const figure = (f) => (mclp ? pct(f.share) : km(f.mean_cost));
  const gaps = answer.areas.some((a) => a.gaps);
  const status = (g) => STATUS_SHORT[g.status] ?? g.status;
  const head = ['Area', mclp ? 'Covered before' : 'Distance before', 'After', ...(gaps ? ['Status before → after'] : [])];
  const rows = byChange(answer).map((a) =>
    h(
      'tr',
      { 'data-code': a.code, class: a.chosen_here ? 'chosen' : null },
      h('th', { scope: 'row' }, a.chosen_here ? h('span', { class: 'hub-here', title: 'A new hub lies here' }, '◆ ') : null, a.name, a.chosen_here ? h('span', { class: 'visually-hidden' }, ' (new hub here)') : null),
      h('td', { class: 'num' }, figure(a.before)),
      h('td', { class: 'num' }, figure(a.after)),
      gaps ? h('td', {}, a.gaps ? `${status(a.gaps.before)} → ${status(a.gaps.after)}` : '–') : null,
    ),
  );
  return h(
    'div',
    { class: 'plan-areas' },
    h('h4', {}, 'Per area'),
    h(
      'p',
      { class: 'muted small', id: 'plan-per-area-note' },
      mclp
        ? `Share of each area’s demand within ${num(answer.radius)} km of an open site, before (the kept sites alone) and after the new hubs; largest gain first. ◆ marks an area a new hub lies in.`
        : `Each area’s average distance to its nearest open site (each capped at ${num(answer.max_cost)} km), before (the kept sites alone) and after the new hubs; largest fall first. ◆ marks an area a new hub lies in.`,
    ),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'data-table compact static', id: 'plan-areas' },
        h('caption', { class: 'visually-hidden' }, 'Per-area figures before and after the new hubs, largest change first'),
        h('thead', {}, h('tr', {}, head.map((t, i) => h('th', { scope: 'col', class: i > 0 && i < 3 ? 'num' : null }, t)))),
        h('tbody', {}, rows),
      ),
    ),
  );
}

/** The areas a new hub lies in, outlined on the map. */
export class ChosenAreas {
  constructor(map) {
    this.layer = L.layerGroup().addTo(map);
  }

  /** Outlines the areas of `answer` marked `chosen_here`, from `areas` (the `/api/areas` collection). */
  show(answer, areas) {
    this.layer.clearLayers();
    const codes = new Set(answer.areas.filter((a) => a.chosen_here).map((a) => a.code));
    const features = areas.features.filter((f) => codes.has(f.properties.code));
    L.geoJSON({ type: 'FeatureCollection', features }, {
      interactive: false,
      style: { color: '#0b6e4f', weight: 3, dashArray: '6 4', fill: false },
      onEachFeature: (f, layer) => layer.on('add', () => layer.getElement()?.setAttribute('data-chosen-area', f.properties.code)),
    }).addTo(this.layer);
  }

  clear() {
    this.layer.clearLayers();
  }
}

/**
 * "Open as a what-if scenario", when a token is kept (signed in on the What if tab or the providers' page): makes a
 * scenario adding each new hub (not an existing site) at its place with `capacity()`, then `opened(id)`.
 * @param {{ answer: object, type: object, places: Map, sites: object, capacity(): number|null, opened(id: string): void }} ctx
 */
export function scenarioAction(ctx) {
  const token = window.sessionStorage.getItem(TOKEN_KEY);
  if (!token) {
    return h('p', { class: 'muted small', id: 'plan-scenario-hint' }, 'Sign in on the What if tab to open this plan as a what-if scenario.');
  }
  const error = h('p', { class: 'form-error', id: 'plan-scenario-error', role: 'alert' });
  const listed = new Set(ctx.sites.features.map((f) => f.properties.id));
  const button = h('button', { type: 'button', id: 'plan-scenario' }, 'Open as a what-if scenario');
  button.addEventListener('click', async () => {
    error.textContent = '';
    const capacity = ctx.capacity();
    if (capacity === null || Number.isNaN(capacity)) {
      error.textContent = 'Give a hub capacity (in the form above) to open the plan as a scenario.';
      return;
    }
    const confidential = ctx.type.location_policy === 'confidential_required';
    const stamp = Date.now().toString(36);
    const edits = ctx.answer.chosen
      .filter((id) => !listed.has(id) && ctx.places.has(id))
      .map((id, i) => {
        const { lat, lon } = ctx.places.get(id);
        const service = { id: `plan-hub-${stamp}-${i + 1}`, name: `Planned hub ${i + 1}`, type: ctx.type.id, lat, lon, capacity };
        service.location_precision = confidential ? 'confidential' : 'exact';
        return { op: 'add', service };
      });
    button.disabled = true;
    try {
      const detail = await api.createScenario({ name: `Plan: ${edits.length} new ${ctx.type.label} hubs`, edits }, token);
      ctx.opened(detail.scenario.id);
    } catch (e) {
      error.textContent = e.status ? `The scenario was refused (HTTP ${e.status}): ${e.message}` : e.message;
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'actions plan-scenario' }, button, error);
}
