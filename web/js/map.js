// The Leaflet map: areas as a choropleth with their names, a scale bar, and an optional base map. With no tile
// URL configured (the default) nothing is fetched from anywhere: the boroughs draw on a plain background.

import { h } from './dom.js';

const L = window.L;

/** Below this zoom the borough names are set small. */
const LABELS_SMALL_BELOW = 10.5;
/** Pixels kept clear between two names. */
const LABEL_GAP = 2;

/** Attribution text is set by the server operator; Leaflet inserts it as HTML, so it is escaped first. */
function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A tooltip kept at least a pixel inside the map and the screen: `auto` puts it on the side of the pointer with
 * room, and this stops it at the edge when it is wider than that room (edges fall on half pixels on a 2× screen).
 */
const InsideTooltip = L.Tooltip.extend({
  _setPosition(pos) {
    L.Tooltip.prototype._setPosition.call(this, pos);
    const el = this._container;
    const box = el.getBoundingClientRect();
    const frame = this._map.getContainer().getBoundingClientRect();
    const left = Math.max(frame.left, 0) + 1;
    const right = Math.min(frame.right, document.documentElement.clientWidth) - 1;
    const shift = box.right > right ? Math.floor(right - box.right) : box.left < left ? Math.ceil(left - box.left) : 0;
    if (shift) L.DomUtil.setPosition(el, L.DomUtil.getPosition(el).add(L.point(shift, 0)));
  },
});

export class CoverageMap {
  /**
   * @param {HTMLElement} element where the map goes
   * @param {{ tileUrl?: string, tileAttribution?: string, boundaryAttribution?: string }} options
   * @param {{ select(code: string): void, pick(lat: number, lon: number): void }} handlers
   */
  constructor(element, options, handlers) {
    this.handlers = handlers;
    this.picking = false;
    this.map = L.map(element, {
      zoomSnap: 0.25,
      zoomDelta: 0.5,
      minZoom: 8,
      maxZoom: 18,
      keyboard: true,
    });
    this.map.attributionControl.setPrefix('Leaflet');
    if (options.tileUrl) {
      L.tileLayer(options.tileUrl, {
        attribution: escapeHtml(options.tileAttribution ?? ''),
        maxZoom: 19,
      }).addTo(this.map);
      element.classList.add('has-tiles');
    }
    this.map.attributionControl.addAttribution(
      escapeHtml(options.boundaryAttribution ?? 'Boundaries: ONS / OS, Crown copyright, OGL v3.0'),
    );
    L.control.scale({ metric: true, imperial: true, maxWidth: 140, position: 'bottomleft' }).addTo(this.map);
    // Above the site markers (600) and below tooltips (650): a marker never hides an area's name.
    const labels = this.map.createPane('labels');
    labels.style.zIndex = 620;
    labels.style.pointerEvents = 'none';
    this.#allLondonControl();
    this.labels = L.layerGroup().addTo(this.map);
    this.byCode = new Map();
    this.highlight = null;
    this.map.on('zoomend', () => this.#placeLabels());
    // Where the map is centred, for anyone checking that a search moved it (the browser tests).
    this.map.on('moveend', () => {
      const c = this.map.getCenter();
      element.dataset.centre = `${c.lat.toFixed(5)},${c.lng.toFixed(5)}`;
      element.dataset.zoom = String(this.map.getZoom());
    });
    this.map.on('click', (event) => {
      if (this.picking) this.handlers.pick(event.latlng.lat, event.latlng.lng);
    });
  }

  /** Draws the areas of a FeatureCollection from `/api/areas` and fits the view to them. */
  setAreas(collection, describe) {
    this.describe = describe;
    this.areaLayer = L.geoJSON(collection, {
      style: () => ({ weight: 1, color: '#ffffff', fillOpacity: 0.85 }),
      onEachFeature: (feature, layer) => {
        const code = feature.properties.code;
        this.byCode.set(code, layer);
        layer.on('click', (event) => {
          if (this.picking) {
            L.DomEvent.stopPropagation(event);
            this.handlers.pick(event.latlng.lat, event.latlng.lng);
          } else {
            this.handlers.select(code);
          }
        });
        layer.on('add', () => this.#makeFocusable(layer, code));
        const [lon, lat] = feature.properties.representative_point;
        layer.label = L.marker([lat, lon], {
            pane: 'labels',
            interactive: false,
            keyboard: false,
            icon: L.divIcon({
              className: 'area-label',
              iconSize: [0, 0],
              html: h('span', {}, feature.properties.name),
            }),
          });
        this.labels.addLayer(layer.label);
      },
    }).addTo(this.map);
    this.bounds = this.areaLayer.getBounds();
    this.map.fitBounds(this.bounds, { padding: [4, 4] });
    this.map.setMaxBounds(this.bounds.pad(0.6));
    this.#placeLabels();
  }

  /** Keyboard users reach each area like a button: Tab to it, Enter or Space opens its figures. */
  #makeFocusable(layer, code) {
    const path = layer.getElement();
    if (!path) return;
    path.setAttribute('tabindex', '0');
    path.setAttribute('role', 'button');
    path.setAttribute('data-code', code);
    path.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        this.handlers.select(code);
      }
    });
  }

  /** Recolours every area: `fill(properties)` gives its colour, `describe(properties)` its accessible name. */
  restyle(fill, describe) {
    this.areaLayer.eachLayer((layer) => {
      const props = layer.feature.properties;
      const colour = fill(props);
      layer.setStyle({ fillColor: colour, fillOpacity: this.map.getContainer().classList.contains('has-tiles') ? 0.65 : 0.9 });
      const path = layer.getElement();
      if (path) {
        path.setAttribute('aria-label', describe(props));
        path.setAttribute('data-fill', colour);
      }
      layer.unbindTooltip();
      // `auto` puts the tooltip on whichever side of the pointer has room, so it stays on screen.
      layer.bindTooltip(new InsideTooltip({ sticky: true, direction: 'auto', className: 'area-tip' }).setContent(h('span', {}, describe(props))));
    });
  }

  /** Outlines one area (or none). */
  highlightArea(code) {
    if (this.highlight) this.highlight.remove();
    this.highlight = null;
    const layer = code && this.byCode.get(code);
    if (!layer) return;
    this.highlight = L.geoJSON(layer.feature, {
      interactive: false,
      style: { color: '#111111', weight: 3.5, fill: false, dashArray: null },
    }).addTo(this.map);
  }

  /** Zooms to an area, outlines it and returns whether it exists. */
  zoomToArea(code) {
    const layer = this.byCode.get(code);
    if (!layer) return false;
    this.map.flyToBounds(layer.getBounds(), { padding: [40, 40], maxZoom: 12, duration: 0.6 });
    this.highlightArea(code);
    return true;
  }

  /** The bounds of area `code` (a Leaflet LatLngBounds), or null. */
  areaBounds(code) {
    return this.byCode.get(code)?.getBounds() ?? null;
  }

  /** A button on the map that goes back to all of London. */
  #allLondonControl() {
    const Control = L.Control.extend({
      onAdd: () => {
        const button = h('button', { type: 'button', class: 'all-london', id: 'all-london' }, 'All London');
        L.DomEvent.disableClickPropagation(button);
        button.addEventListener('click', () => {
          this.zoomToAll();
          this.handlers.reset?.();
        });
        return button;
      },
    });
    new Control({ position: 'topleft' }).addTo(this.map);
  }

  /** Back to all of London. */
  zoomToAll() {
    this.map.flyToBounds(this.bounds, { padding: [4, 4], duration: 0.6 });
    this.highlightArea(null);
  }

  /** Whether a click on the map picks a point for the nearest search rather than opening an area. */
  setPicking(on) {
    this.picking = on;
    this.map.getContainer().classList.toggle('picking', on);
  }

  /** Recomputes the map's size after its container changed (the panel opened, the phone rotated). */
  resize() {
    this.map.invalidateSize();
    this.#placeLabels();
  }

  /**
   * Shows each area's name where it fits: larger areas first, and a name is left out when it is wider than its
   * area on screen or would overlap a name already placed, so the names never pile up into noise.
   */
  #placeLabels() {
    const container = this.map.getContainer();
    container.classList.toggle('labels-small', this.map.getZoom() < LABELS_SMALL_BELOW);
    const candidates = [];
    this.areaLayer?.eachLayer((layer) => {
      const span = layer.label?.getElement()?.firstElementChild;
      if (!span) return;
      span.classList.remove('label-off');
      const b = layer.getBounds();
      const sw = this.map.latLngToContainerPoint(b.getSouthWest());
      const ne = this.map.latLngToContainerPoint(b.getNorthEast());
      candidates.push({ span, width: Math.abs(ne.x - sw.x), height: Math.abs(sw.y - ne.y) });
    });
    for (const c of candidates) c.rect = c.span.getBoundingClientRect();
    candidates.sort((a, b) => b.width * b.height - a.width * a.height);
    const placed = [];
    for (const c of candidates) {
      const r = c.rect;
      const tooBig = r.width > c.width * 1.1 || r.height > c.height * 0.9;
      const overlaps = placed.some(
        (p) => r.left < p.right + LABEL_GAP && r.right + LABEL_GAP > p.left && r.top < p.bottom + LABEL_GAP && r.bottom + LABEL_GAP > p.top,
      );
      if (tooBig || overlaps) c.span.classList.add('label-off');
      else placed.push(r);
    }
  }
}
