// A POST /api/plan answer on the page: the chosen hubs as numbered markers on the map (in the greedy account's
// order), the greedy account as an ordered list, the objective with its proven bound and gap, the demand covered
// (MCLP) or the average distance (p-median) before and after London-wide (from `base`, `objective` and
// `demand_total`) and per area (the answer's `areas`, in plan-areas.js).

import { h, replaceChildren } from './dom.js';
import { num, pct, people } from './format.js';
import { areaTable } from './plan-areas.js';

const L = window.L;

/** "women" or "people": what a type's demand is counted in. */
export function basisNoun(type) {
  return type.basis === 'population' ? 'people' : type.basis;
}

/** The chosen hubs on the map: a numbered marker each, distinct from the site symbols. */
export class HubLayer {
  constructor(map) {
    this.layer = L.layerGroup().addTo(map);
  }

  /** Draws `ids` (in order) at their places; returns how many could be placed. */
  show(ids, places) {
    this.layer.clearLayers();
    let drawn = 0;
    ids.forEach((id, i) => {
      const place = places.get(id);
      if (!place) return;
      const title = `New hub ${i + 1}: ${place.name}`;
      const marker = L.marker([place.lat, place.lon], {
        icon: L.divIcon({ className: 'hub-marker', iconSize: [26, 26], iconAnchor: [13, 30], html: h('span', { class: 'hub-diamond' }, h('span', {}, String(i + 1))) }),
        title,
        alt: title,
        keyboard: true,
        riseOnHover: true,
        zIndexOffset: 1000,
      });
      marker.bindPopup(() => h('p', {}, title));
      marker.on('add', () => marker.getElement()?.setAttribute('data-hub', id));
      marker.addTo(this.layer);
      drawn += 1;
    });
    return drawn;
  }

  clear() {
    this.layer.clearLayers();
  }
}

/** "adds 12,345 women covered" (MCLP) or "cuts the demand-weighted distance by 1,234 women × km" (p-median). */
function adds(answer, noun, value) {
  return answer.model === 'mclp'
    ? `adds ${people(value)} ${noun} covered`
    : `cuts the demand-weighted distance by ${people(value)} ${noun} × km`;
}

/** The objective in words: demand covered (MCLP) or the demand-weighted distance (p-median). */
function objectiveText(answer, noun, value) {
  return answer.model === 'mclp' ? `${people(value)} ${noun} covered` : `${people(value)} ${noun} × km`;
}

/** Renders `answer` (for `type`) into `container`; `places` names the candidate ids. */
export function renderPlan(container, answer, type, places) {
  const noun = basisNoun(type);
  const name = (id) => places.get(id)?.name ?? id;
  const mclp = answer.model === 'mclp';
  const modelText = mclp ? `MCLP, reach ${num(answer.radius)} km` : `p-median, distances capped at ${num(answer.max_cost)} km`;
  const kept = answer.fixed.length;
  const summary = `${answer.chosen.length === 1 ? '1 new hub' : `${answer.chosen.length} new hubs`} of ${type.label} (${modelText}), ${
    kept === 0 ? 'with no existing site kept open' : `with ${kept === 1 ? 'the 1 existing site' : `the ${kept} existing sites`} kept open`
  }; ${answer.solver} solver.`;
  const account = h(
    'ol',
    { class: 'plan-account', id: 'plan-account' },
    answer.steps.map((s) =>
      h('li', { 'data-id': s.id }, h('strong', {}, name(s.id)), ` ${adds(answer, noun, s.adds)} (then ${objectiveText(answer, noun, s.objective)}).`),
    ),
  );
  const optimal = answer.optimal
    ? 'Yes: no choice of sites does better.'
    : `Not proven: the best possible is within ${pct(answer.gap)} of this.`;
  const figures = h(
    'dl',
    { class: 'figures plan-figures', id: 'plan-figures' },
    h('dt', {}, 'Objective'),
    h('dd', { id: 'plan-objective' }, objectiveText(answer, noun, answer.objective)),
    h('dt', {}, mclp ? 'Bound (most possible)' : 'Bound (least possible)'),
    h('dd', { id: 'plan-bound' }, objectiveText(answer, noun, answer.bound)),
    h('dt', {}, 'Gap'),
    h('dd', { id: 'plan-gap' }, pct(answer.gap)),
    h('dt', {}, 'Optimal'),
    h('dd', { id: 'plan-optimal' }, optimal),
  );
  replaceChildren(
    container,
    h('h3', { id: 'plan-answer-title' }, 'Chosen hubs'),
    h('p', { id: 'plan-summary' }, summary),
    h('p', { class: 'muted small' }, 'In the order a greedy choice would add them; numbers match the markers on the map.'),
    account,
    figures,
    beforeAfter(answer, noun),
    areaTable(answer),
  );
}

/** London-wide before (existing sites alone) and after (with the new hubs), from `base`, `objective` and `demand_total`. */
function beforeAfter(answer, noun) {
  const total = answer.demand_total;
  const rows = answer.model === 'mclp'
    ? [
        [`${noun[0].toUpperCase()}${noun.slice(1)} within ${num(answer.radius)} km of an open site`, people(answer.base), people(answer.objective)],
        [`Share of London’s ${noun}`, pct(total > 0 ? answer.base / total : null), pct(total > 0 ? answer.objective / total : null)],
      ]
    : [
        [`Average distance to the nearest open site (each capped at ${num(answer.max_cost)} km)`, kmOrDash(total > 0 ? answer.base / total : null), kmOrDash(total > 0 ? answer.objective / total : null)],
      ];
  return h(
    'div',
    { class: 'plan-before-after' },
    h('h4', {}, 'Before and after'),
    h(
      'table',
      { class: 'data-table compact static', id: 'plan-before-after' },
      h('caption', { class: 'visually-hidden' }, 'London-wide figures before and after the new hubs'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'London'), h('th', { scope: 'col', class: 'num' }, 'Before'), h('th', { scope: 'col', class: 'num' }, 'After'))),
      h('tbody', {}, rows.map(([label, before, after]) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', { class: 'num' }, before), h('td', { class: 'num' }, after)))),
    ),
    h('p', { class: 'muted small' }, `“Before” is with the sites kept open alone${answer.fixed.length ? '' : ' (none here)'}.`),
  );
}

function kmOrDash(value) {
  return value === null ? '–' : `${num(value)} km`;
}
