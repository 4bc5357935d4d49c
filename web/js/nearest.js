// "Find services near a place": a postcode or an area's name (through /api/geocode), a point picked on the map, or
// typed coordinates; shows the nearest sites of the chosen type with their distances, and the area the place lies
// in with what serves it. Distances to confidential sites are to their area's published point, which the list
// says, and the map then shows the whole area, never a patch around that point.

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
    this.place = h('input', { id: 'near-q', name: 'q', type: 'search', autocomplete: 'postal-code', spellcheck: 'false', placeholder: 'SE5 9RS or Camden', 'aria-describedby': 'near-q-help' });
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
      h(
        'div',
        { class: 'field wide' },
        h('label', { for: 'near-q' }, 'Postcode or area'),
        this.place,
        h('span', { class: 'muted small', id: 'near-q-help' }, 'Or leave it empty and give coordinates.'),
      ),
      h('div', { class: 'field' }, h('label', { for: 'near-lat' }, 'Latitude'), this.lat),
      h('div', { class: 'field' }, h('label', { for: 'near-lon' }, 'Longitude'), this.lon),
      h('div', { class: 'field' }, h('label', { for: 'near-k' }, 'How many'), this.k),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Find nearest'), this.pickButton),
      this.error,
    );
    replaceChildren(
      this.container,
      h('h2', { id: 'near-title', tabindex: '-1' }, 'Find services near a place'),
      h('p', { class: 'muted' }, 'Type a postcode or an area’s name, click “Pick a point on the map” and then the map, or enter coordinates (WGS84 degrees). Searches are not logged.'),
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
    this.place.value = '';
    this.lat.value = lat.toFixed(5);
    this.lon.value = lon.toFixed(5);
    this.setPicking(false);
    this.search();
  }

  /** Searches for a postcode or an area's name (the header's search box calls this too). */
  async searchPlace(q) {
    this.place.value = q;
    return this.search();
  }

  /**
   * Searches from the form: the postcode or area when one is given, else the coordinates. The API checks the
   * values and its message is shown as given.
   */
  async search() {
    this.error.textContent = '';
    const type = this.ctx.type();
    const q = this.place.value.trim();
    try {
      if (q) {
        const place = await api.geocode({ q, type: type.id, k: this.k.value });
        this.lat.value = place.lat.toFixed(5);
        this.lon.value = place.lon.toFixed(5);
        this.#draw(place.nearest, type, place.lat, place.lon, place);
      } else {
        const [lat, lon] = [this.lat.value.trim(), this.lon.value.trim()];
        const answer = await api.nearest({ lat, lon, type: type.id, k: this.k.value });
        this.#draw(answer, type, Number(lat), Number(lon), null);
      }
    } catch (error) {
      this.error.textContent = error.message;
      this.layer.clearLayers();
      replaceChildren(this.results);
      this.error.scrollIntoView({ block: 'nearest' });
    }
  }

  #draw(answer, type, lat, lon, place) {
    this.layer.clearLayers();
    const here = L.circleMarker([lat, lon], { radius: 7, color: '#000', weight: 2, fillColor: '#fff', fillOpacity: 1 });
    here.bindTooltip(place ? place.label : 'Search point', { direction: 'auto' });
    this.layer.addLayer(here);
    const bounds = L.latLngBounds([[lat, lon]]);
    for (const f of answer.features) {
      const [slon, slat] = f.geometry.coordinates;
      if (f.properties.location_precision === 'confidential') {
        // Its point is the area's, not the site's: show the area it is somewhere in.
        const area = this.coverageMap.areaBounds(f.properties.located_in);
        if (area) bounds.extend(area);
        continue;
      }
      this.layer.addLayer(L.polyline([[lat, lon], [slat, slon]], { color: '#000', weight: 1.5, dashArray: '4 4', interactive: false }));
      bounds.extend([slat, slon]);
    }
    // Symmetric about the place, so the map centres on it with every result in view.
    const [ne, sw] = [bounds.getNorthEast(), bounds.getSouthWest()];
    const dLat = Math.max(ne.lat - lat, lat - sw.lat, 0.002);
    const dLon = Math.max(ne.lng - lon, lon - sw.lng, 0.003);
    const centred = L.latLngBounds([lat - dLat, lon - dLon], [lat + dLat, lon + dLon]);
    this.coverageMap.map.flyToBounds(centred.pad(0.1), { maxZoom: 14, duration: 0.5 });
    const area = answer.area;
    replaceChildren(
      this.results,
      place
        ? h('p', { class: 'standing', id: 'near-place' }, `${place.label}${place.area ? `, in ${place.area.name}` : ', outside every area'}`)
        : null,
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
    this.results.scrollIntoView({ block: 'start', behavior: 'instant' });
  }

  clear() {
    this.layer.clearLayers();
  }
}
