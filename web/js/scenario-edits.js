// The edits of a what-if scenario, built from the live data (README "What-if scenarios"): add a site (a point
// clicked on the map or typed, with its type and capacity), remove or resize an existing site chosen from a list,
// or change a type's benchmark. Each form adds one edit to the list; the list is what POST /api/scenarios gets.

import { h, replaceChildren } from './dom.js';
import { num, ratePer } from './format.js';

let added = 0;

const field = (id, label, control, extra = {}) => h('div', { class: 'field', ...extra }, h('label', { for: id }, label), control);
const input = (id, attrs = {}) => h('input', { id, name: id, type: 'text', autocomplete: 'off', ...attrs });
const typeSelect = (id, types) => h('select', { id, name: id }, types.map((t) => h('option', { value: t.id }, t.label)));

/** A number typed in a form, or null when it is not one. */
function number(control) {
  const text = control.value.trim();
  if (text === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

export class EditBuilder {
  /**
   * @param {{ types: object[], sites: object, onPick(on: boolean): void, onChange(): void }} ctx
   *   `sites`: every live site (/api/services); `onPick(true)` makes the next map click call `pick`.
   */
  constructor(ctx) {
    this.ctx = ctx;
    this.edits = [];
    this.list = h('ol', { class: 'edit-list', id: 'edit-list', 'aria-live': 'polite' });
    this.error = h('p', { class: 'form-error', id: 'edit-error', role: 'alert' });
    this.element = h('div', { class: 'edit-builder' }, this.#addForm(), this.#siteForm(), this.#benchmarkForm(), this.error, h('h4', {}, 'Edits so far'), this.list);
    this.#render();
  }

  #form(id, legend, children, onsubmit) {
    return h(
      'form',
      { class: 'near-form edit-form', id, novalidate: true, onsubmit: (e) => { e.preventDefault(); this.error.textContent = ''; onsubmit(); } },
      h('fieldset', { class: 'edit-fieldset' }, h('legend', {}, legend), children),
    );
  }

  #addForm() {
    const types = this.ctx.types;
    this.addType = typeSelect('add-type', types);
    this.addLat = input('add-lat', { inputmode: 'decimal', placeholder: '51.5074' });
    this.addLon = input('add-lon', { inputmode: 'decimal', placeholder: '-0.1278' });
    this.addCapacity = input('add-capacity', { inputmode: 'decimal', placeholder: '1' });
    this.pickButton = h('button', { type: 'button', id: 'add-pick', 'aria-pressed': 'false', onclick: () => this.setPicking(!this.picking) }, 'Pick the point on the map');
    return this.#form(
      'add-form',
      'Add a site',
      [
        field('add-type', 'Type', this.addType, { class: 'field wide' }),
        field('add-lat', 'Latitude', this.addLat),
        field('add-lon', 'Longitude', this.addLon),
        field('add-capacity', 'Capacity', this.addCapacity),
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'add-site' }, 'Add this site'), this.pickButton),
      ],
      () => this.#addSite(),
    );
  }

  #siteForm() {
    const sites = [...this.ctx.sites.features].sort((a, b) => a.properties.name.localeCompare(b.properties.name));
    this.site = h(
      'select',
      { id: 'edit-site', name: 'edit-site' },
      h('option', { value: '' }, 'Choose a site…'),
      sites.map((f) => h('option', { value: f.properties.id }, `${f.properties.name} (${f.properties.type_label}; capacity ${num(f.properties.capacity)})`)),
    );
    this.siteCapacity = input('edit-capacity', { inputmode: 'decimal', 'aria-describedby': 'edit-capacity-help' });
    this.site.addEventListener('change', () => {
      const f = this.#chosenSite();
      this.siteCapacity.value = f?.properties.capacity ?? '';
    });
    return this.#form(
      'site-form',
      'Remove or resize a site',
      [
        field('edit-site', 'Site', this.site, { class: 'field wide' }),
        h('div', { class: 'field' }, h('label', { for: 'edit-capacity' }, 'New capacity'), this.siteCapacity,
          h('span', { class: 'muted small', id: 'edit-capacity-help' }, 'Empty: unknown.')),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'submit', id: 'resize-site' }, 'Resize it'),
          h('button', { type: 'button', id: 'remove-site', onclick: () => { this.error.textContent = ''; this.#removeSite(); } }, 'Remove it'),
        ),
      ],
      () => this.#resizeSite(),
    );
  }

  #benchmarkForm() {
    this.benchType = typeSelect('bench-type', this.ctx.types);
    this.benchValue = input('bench-value', { inputmode: 'decimal' });
    this.benchPer = input('bench-per', { inputmode: 'numeric' });
    this.benchHelp = h('span', { class: 'muted small', id: 'bench-help' });
    const fill = () => {
      const t = this.#type(this.benchType.value);
      this.benchValue.value = t.benchmark?.value ?? '';
      this.benchPer.value = t.benchmark?.per ?? t.rate_per;
      this.benchHelp.textContent = t.benchmark ? `Now ${num(t.benchmark.value)} ${t.capacity_unit} ${ratePer(t)}.` : 'No benchmark now.';
    };
    this.benchType.addEventListener('change', fill);
    const form = this.#form(
      'bench-form',
      'Change a type’s benchmark',
      [
        h('div', { class: 'field wide' }, h('label', { for: 'bench-type' }, 'Type'), this.benchType, this.benchHelp),
        field('bench-value', 'Capacity', this.benchValue),
        field('bench-per', 'Per (people of its basis)', this.benchPer),
        h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'bench-add' }, 'Set this benchmark')),
      ],
      () => this.#benchmark(),
    );
    fill();
    return form;
  }

  #type(id) {
    return this.ctx.types.find((t) => t.id === id);
  }

  #chosenSite() {
    return this.ctx.sites.features.find((f) => f.properties.id === this.site.value) ?? null;
  }

  /** Whether the next map click gives the new site's point. */
  setPicking(on) {
    this.picking = on;
    this.pickButton.setAttribute('aria-pressed', String(on));
    this.pickButton.textContent = on ? 'Click the map… (or press to cancel)' : 'Pick the point on the map';
    this.ctx.onPick(on);
  }

  /** A point clicked on the map. */
  pick(lat, lon) {
    this.addLat.value = lat.toFixed(5);
    this.addLon.value = lon.toFixed(5);
    this.setPicking(false);
    this.addCapacity.focus();
  }

  #addSite() {
    const type = this.#type(this.addType.value);
    const [lat, lon, capacity] = [number(this.addLat), number(this.addLon), number(this.addCapacity)];
    if (lat === null || lon === null) return this.#fail('Give the new site’s latitude and longitude (or pick the point on the map).', this.addLat);
    if (capacity === null || capacity < 0) return this.#fail('Give the new site’s capacity, a number 0 or more.', this.addCapacity);
    added += 1;
    const id = `whatif-${type.id}-${added}`;
    const confidential = type.location_policy === 'confidential_required';
    this.#push(
      { op: 'add', service: { id, name: `New ${type.label} site ${added}`, type: type.id, lat, lon, location_precision: confidential ? 'confidential' : 'exact', capacity } },
      `Add a ${type.label} site of ${num(capacity)} ${type.capacity_unit} at ${lat.toFixed(4)}, ${lon.toFixed(4)}${confidential ? ' (confidential: measured at its area’s point)' : ''}`,
    );
  }

  #resizeSite() {
    const site = this.#chosenSite();
    if (!site) return this.#fail('Choose the site to resize.', this.site);
    const capacity = number(this.siteCapacity);
    if (this.siteCapacity.value.trim() !== '' && capacity === null) return this.#fail('The new capacity must be a number, or empty for unknown.', this.siteCapacity);
    this.#push({ op: 'resize', id: site.properties.id, capacity }, `Resize ${site.properties.name} to ${capacity === null ? 'unknown' : num(capacity)}`);
  }

  #removeSite() {
    const site = this.#chosenSite();
    if (!site) return this.#fail('Choose the site to remove.', this.site);
    this.#push({ op: 'remove', id: site.properties.id }, `Remove ${site.properties.name}`);
  }

  #benchmark() {
    const type = this.#type(this.benchType.value);
    const [value, per] = [number(this.benchValue), number(this.benchPer)];
    if (value === null || per === null) return this.#fail('Give the benchmark’s capacity and the population it is per.', this.benchValue);
    this.#push({ op: 'benchmark', type: type.id, value, per }, `Set the ${type.label} benchmark to ${num(value)} per ${num(per)}`);
  }

  #fail(message, control) {
    this.error.textContent = message;
    control.focus();
  }

  #push(edit, text) {
    this.edits.push({ edit, text });
    this.#render();
    this.ctx.onChange();
  }

  #render() {
    if (!this.edits.length) {
      replaceChildren(this.list, h('li', { class: 'muted' }, 'No edit yet.'));
      return;
    }
    replaceChildren(
      this.list,
      this.edits.map((e, i) =>
        h('li', {}, e.text, ' ', h('button', { type: 'button', class: 'link-button', 'aria-label': `Take out edit ${i + 1}: ${e.text}`, onclick: () => this.#drop(i) }, 'Take out')),
      ),
    );
  }

  #drop(i) {
    this.edits.splice(i, 1);
    this.#render();
    this.ctx.onChange();
    this.list.querySelector('button')?.focus();
  }

  /** The edits as the API takes them. */
  body() {
    return this.edits.map((e) => e.edit);
  }

  /** Empties the list (after a scenario is made). */
  reset() {
    this.edits = [];
    this.#render();
  }
}
