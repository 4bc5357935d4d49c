// "Find services near a point": pick a point on the map or type its coordinates, and see the nearest sites of the
// chosen type with their distances, and the area the point lies in with what serves it. Distances to confidential
// sites are to their area's published point, which the list says.

import { h, replaceChildren } from './dom.js';
import { km, num, pct } from './format.js';
import { siteDetails } from './markers.js';
import * as api from './api.js';

const L = window.L;

export class NearestSearch {
  /**
   * @param {HTMLElement} container
   * @param {import('./map.js').CoverageMap} coverageMap
   * @param {{ type(): object }} ctx
   */
  constructor(container, coverageMap, ctx) {
    this.container = container;
    this.coverageMap = coverageMap;
    this.ctx = ctx;
    this.layer = L.layerGroup().addTo(coverageMap.map);
    this.#build();
  }

  #build() {
    this.lat = h('input', { id: 'near-lat', name: 'lat', type: 'text', inputmode: 'decimal', autocomplete: 'off', required: true, placeholder: '51.5074' });
    this.lon = h('input', { id: 'near-lon', name: 'lon', type: 'text', inputmode: 'decimal', autocomplete: 'off', required: true, placeholder: '-0.1278' });
    this.k = h('select', { id: 'near-k', name: 'k' }, [3, 5, 10].map((n) => h('option', { value: n }, String(n))));
    this.pickButton = h(
      'button',
      { type: 'button', id: 'near-pick', 'aria-pressed': 'false', onclick: () => this.setPicking(!this.picking) },
      'Pick a point on the map',
    );
    this.error = h('p', { class: 'form-error', id: 'near-error', role: 'alert' });
    this.results = h('div', { id: 'near-results', 'aria-live': 'polite' });
    const form = h(
      'form',
      {
        class: 'near-form',
        novalidate: true,
        onsubmit: (e) => {
          e.preventDefault();
          this.search();
        },
      },
      h('div', { class: 'field' }, h('label', { for: 'near-lat' }, 'Latitude'), this.lat),
      h('div', { class: 'field' }, h('label', { for: 'near-lon' }, 'Longitude'), this.lon),
      h('div', { class: 'field' }, h('label', { for: 'near-k' }, 'How many'), this.k),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Find nearest'), this.pickButton),
      this.error,
    );
    replaceChildren(
      this.container,
      h('h2', { id: 'near-title', tabindex: '-1' }, 'Find services near a point'),
      h('p', { class: 'muted' }, 'Click “Pick a point on the map” and then the map, or enter coordinates (WGS84 degrees).'),
      form,
      this.results,
    );
  }

  /** Whether the next click on the map chooses the point. */
  setPicking(on) {
    this.picking = on;
    this.pickButton.setAttribute('aria-pressed', String(on));
    this.pickButton.textContent = on ? 'Click the map… (or press to cancel)' : 'Pick a point on the map';
    this.coverageMap.setPicking(on);
  }

  /** A point picked on the map: fill the form and search. */
  pick(lat, lon) {
    this.lat.value = lat.toFixed(5);
    this.lon.value = lon.toFixed(5);
    this.setPicking(false);
    this.search();
  }

  /** Searches from the form's point; the API checks the values and its message is shown as given. */
  async search() {
    this.error.textContent = '';
    const type = this.ctx.type();
    const [lat, lon] = [this.lat.value.trim(), this.lon.value.trim()];
    try {
      const answer = await api.nearest({ lat, lon, type: type.id, k: this.k.value });
      this.#draw(answer, type, Number(lat), Number(lon));
    } catch (error) {
      this.error.textContent = error.message;
      this.layer.clearLayers();
      replaceChildren(this.results);
    }
  }

  #draw(answer, type, lat, lon) {
    this.layer.clearLayers();
    const here = L.circleMarker([lat, lon], { radius: 7, color: '#000', weight: 2, fillColor: '#fff', fillOpacity: 1 });
    here.bindTooltip('Search point', { direction: 'top' });
    this.layer.addLayer(here);
    const bounds = L.latLngBounds([[lat, lon]]);
    for (const f of answer.features) {
      const [slon, slat] = f.geometry.coordinates;
      if (f.properties.location_precision === 'confidential') continue;
      this.layer.addLayer(L.polyline([[lat, lon], [slat, slon]], { color: '#000', weight: 1.5, dashArray: '4 4', interactive: false }));
      bounds.extend([slat, slon]);
    }
    this.coverageMap.map.flyToBounds(bounds.pad(0.2), { maxZoom: 14, duration: 0.5 });
    const area = answer.area;
    replaceChildren(
      this.results,
      h('h3', {}, `Nearest ${type.label.toLowerCase()}`),
      answer.features.length
        ? h(
            'ol',
            { class: 'site-list near-list' },
            answer.features.map((f) => {
              const p = f.properties;
              const confidential = p.location_precision === 'confidential';
              return h(
                'li',
                { class: 'site-line', 'data-site': p.id },
                h('span', { class: 'site-name' }, p.name),
                h(
                  'span',
                  { class: 'site-meta' },
                  confidential
                    ? `${km(p.distance_km)} to ${p.located_in_name} (confidential location; distance to the area's published point)`
                    : `${km(p.distance_km)} · in ${p.located_in_name}`,
                ),
                h('details', {}, h('summary', {}, 'Details'), siteDetails(p)),
              );
            }),
          )
        : h('p', { class: 'muted' }, 'There is no site of this type.'),
      area
        ? [
            h('h3', {}, `The point is in ${area.name}`),
            area.serving.length
              ? h(
                  'ul',
                  { class: 'site-list' },
                  area.serving.map((s) =>
                    h(
                      'li',
                      { class: 'site-line' },
                      h('span', { class: 'site-name' }, s.name),
                      h('span', { class: 'site-meta' }, `serves ${area.name}${s.capacity_share === null ? '' : ` · ${pct(s.capacity_fraction)} of its capacity, ${num(s.capacity_share)} ${s.capacity_unit}`}`),
                    ),
                  ),
                )
              : h('p', { class: 'muted' }, `No ${type.label.toLowerCase()} serve ${area.name}.`),
          ]
        : h('p', { class: 'muted' }, 'The point is outside every area.'),
    );
  }

  clear() {
    this.layer.clearLayers();
  }
}
