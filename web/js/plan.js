// "Plan hubs" (issue 12): where k new hubs of a type would do most good, asked of POST /api/plan. The form takes
// the type, k, the model (MCLP or p-median), the MCLP radius (the type's catchment unless changed), whether
// existing sites stay open and an optional hub capacity (for each area's status before → after); the answer is
// drawn on the map and read out by plan-answer.js and plan-areas.js.

import { h, replaceChildren } from './dom.js';
import * as api from './api.js';
import { HubLayer, renderPlan } from './plan-answer.js';
import { ChosenAreas, scenarioAction } from './plan-areas.js';

const MAX_K = 10;

export class PlanView {
  /**
   * @param {HTMLElement} container
   * @param {import('./map.js').CoverageMap} coverageMap
   * @param {{ types(): object[], typeId(): string, areas(): object, sites(typeId: string): Promise<object>,
   *   legend: import('./legend.js').Legend, openScenario(id: string): void }} ctx
   */
  constructor(container, coverageMap, ctx) {
    this.container = container;
    this.ctx = ctx;
    this.hubs = new HubLayer(coverageMap.map);
    this.chosenAreas = new ChosenAreas(coverageMap.map);
    this.built = false;
  }

  /** Builds the form on first show; later shows keep what was typed and the last answer. */
  show() {
    if (this.built) return;
    this.built = true;
    const types = this.ctx.types();
    this.type = h('select', { id: 'plan-type', name: 'type' }, types.map((t) => h('option', { value: t.id }, t.label)));
    this.type.value = this.ctx.typeId();
    this.k = h('input', { id: 'plan-k', name: 'k', type: 'number', min: 1, max: MAX_K, step: 1, value: 3, required: true, inputmode: 'numeric' });
    this.radius = h('input', { id: 'plan-radius', name: 'radius', type: 'number', min: 0, step: 'any', required: true, inputmode: 'decimal', 'aria-describedby': 'plan-radius-help' });
    this.radiusHelp = h('span', { class: 'muted small', id: 'plan-radius-help' });
    this.capacity = h('input', { id: 'plan-capacity', name: 'hub_capacity', type: 'number', min: 0, step: 'any', inputmode: 'decimal', 'aria-describedby': 'plan-capacity-help' });
    this.capacityHelp = h('span', { class: 'muted small', id: 'plan-capacity-help' });
    this.keep = h('input', { id: 'plan-keep', name: 'keep_existing', type: 'checkbox', checked: true });
    this.submit = h('button', { type: 'submit', class: 'primary', id: 'plan-submit' }, 'Plan hubs');
    this.clearButton = h('button', { type: 'button', id: 'plan-clear', hidden: true, onclick: () => this.clear() }, 'Clear the hubs');
    this.error = h('p', { class: 'form-error', id: 'plan-error', role: 'alert' });
    this.status = h('p', { class: 'muted small', id: 'plan-status', role: 'status' });
    this.results = h('div', { id: 'plan-results' });
    const model = (value, label) =>
      h('label', {}, h('input', { type: 'radio', name: 'plan-model', value, checked: value === 'mclp', onchange: () => this.#modelChanged() }), ` ${label}`);
    this.type.addEventListener('change', () => this.#typeChanged());
    const form = h(
      'form',
      {
        class: 'near-form plan-form',
        id: 'plan-form',
        novalidate: true,
        onsubmit: (e) => {
          e.preventDefault();
          this.run();
        },
      },
      h('div', { class: 'field wide' }, h('label', { for: 'plan-type' }, 'Service type'), this.type),
      h('div', { class: 'field' }, h('label', { for: 'plan-k' }, `New hubs (1–${MAX_K})`), this.k),
      h(
        'fieldset',
        { class: 'field mode wide' },
        h('legend', {}, 'Model'),
        model('mclp', 'Most demand within reach (MCLP)'),
        model('pmedian', 'Shortest average distance (p-median)'),
      ),
      h('div', { class: 'field wide', id: 'plan-radius-field' }, h('label', { for: 'plan-radius' }, 'Reach (km)'), this.radius, this.radiusHelp),
      h('div', { class: 'field wide' }, h('label', { for: 'plan-capacity' }, 'Hub capacity (optional)'), this.capacity, this.capacityHelp),
      h('div', { class: 'field wide check' }, h('label', {}, this.keep, ' Keep the existing sites open')),
      h('div', { class: 'actions' }, this.submit, this.clearButton),
      this.error,
    );
    replaceChildren(
      this.container,
      h('h2', { id: 'plan-title', tabindex: '-1' }, 'Plan new hubs'),
      h(
        'p',
        { class: 'muted' },
        'Where new hubs of one type would do most good on the current data: the most demand within reach (MCLP), or the shortest demand-weighted distance (p-median). Candidates are the existing sites and each area’s representative point.',
      ),
      form,
      this.status,
      this.results,
    );
    this.#typeChanged();
  }

  #selectedType() {
    return this.ctx.types().find((t) => t.id === this.type.value);
  }

  #model() {
    return this.container.querySelector('input[name="plan-model"]:checked')?.value ?? 'mclp';
  }

  #typeChanged() {
    const type = this.#selectedType();
    this.radius.value = String(type.catchment_km);
    this.radiusHelp.textContent = `The ${type.label} catchment is ${type.catchment_km} km.`;
    this.capacityHelp.textContent = `In ${type.capacity_unit}: each area’s status is then shown before → after, and the plan can open as a what-if scenario.`;
  }

  #modelChanged() {
    const field = this.container.querySelector('#plan-radius-field');
    const mclp = this.#model() === 'mclp';
    field.hidden = !mclp;
    this.radius.required = mclp;
  }

  /** Sends the form; the API checks the values, and its message is shown as given. */
  async run() {
    this.error.textContent = '';
    const type = this.#selectedType();
    const k = Number(this.k.value);
    if (!Number.isInteger(k) || k < 1 || k > MAX_K) {
      this.error.textContent = `New hubs must be a whole number from 1 to ${MAX_K}.`;
      this.k.focus();
      return;
    }
    const body = { type: type.id, k, model: this.#model(), keep_existing: this.keep.checked };
    if (body.model === 'mclp') {
      const radius = this.radius.value.trim() === '' ? NaN : Number(this.radius.value);
      if (!Number.isFinite(radius) || radius < 0) {
        this.error.textContent = 'Reach must be a number of kilometres, 0 or more.';
        this.radius.focus();
        return;
      }
      body.radius = radius;
    }
    const capacity = this.#capacity();
    if (Number.isNaN(capacity)) {
      this.error.textContent = `Hub capacity must be a number of ${type.capacity_unit}, 0 or more, or empty.`;
      this.capacity.focus();
      return;
    }
    if (capacity !== null) body.hub_capacity = capacity;
    this.submit.disabled = true;
    this.status.textContent = 'Planning…';
    try {
      const [answer, sites] = await Promise.all([api.plan(body), this.ctx.sites(type.id)]);
      const places = placesOf(this.ctx.areas(), sites);
      const drawn = this.hubs.show(answer.chosen, places);
      this.ctx.legend.setHubs(drawn);
      renderPlan(this.results, answer, type, places);
      this.chosenAreas.show(answer, this.ctx.areas());
      this.results.append(
        scenarioAction({ answer, type, places, sites, capacity: () => this.#capacity(), opened: (id) => this.ctx.openScenario(id) }),
      );
      this.clearButton.hidden = false;
      this.status.textContent = `Planned: ${answer.chosen.length === 1 ? '1 new hub' : `${answer.chosen.length} new hubs`} on the map.`;
    } catch (error) {
      this.status.textContent = '';
      this.error.textContent = error.status ? `The plan was refused (HTTP ${error.status}): ${error.message}` : error.message;
      this.clear();
    } finally {
      this.submit.disabled = false;
    }
  }

  /** The hub capacity typed: null when empty, NaN when not a number ≥ 0. */
  #capacity() {
    const text = this.capacity.value.trim();
    if (text === '') return null;
    const value = Number(text);
    return Number.isFinite(value) && value >= 0 ? value : NaN;
  }

  clear() {
    this.hubs.clear();
    this.chosenAreas.clear();
    this.ctx.legend.setHubs(0);
    replaceChildren(this.results);
    if (this.clearButton) this.clearButton.hidden = true;
  }
}

/**
 * Where each candidate id is and what to call it: an area's code is its representative point; a site's id is its
 * published point (a confidential site's is its area's point, as /api/services gives it).
 */
function placesOf(areas, sites) {
  const places = new Map();
  for (const f of areas.features) {
    const [lon, lat] = f.properties.representative_point;
    places.set(f.properties.code, { lat, lon, name: `${f.properties.name} (its representative point)` });
  }
  for (const f of sites.features) {
    const [lon, lat] = f.geometry.coordinates;
    places.set(f.properties.id, { lat, lon, name: f.properties.name });
  }
  return places;
}
