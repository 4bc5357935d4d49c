// The accessibility layer (issue 12): areas coloured by their population-weighted mean E2SFCA access for the
// chosen type (`mean_rate` of GET /api/access?type=T: the capacity within reach per `rate_per` people of the
// basis, each site's capacity shared among the demand in its catchment and weighted down with distance), and, on
// request, every demand point of /api/access/points.geojson as a small circle. Same colour-blind-safe scale as
// the rate: 0 darkest, the cap (the larger of the benchmark and the 90th-percentile area) palest.

import * as api from './api.js';
import { rateScale, shareColour } from './colour.js';
import { num, ratePer } from './format.js';

const L = window.L;

export class AccessLayer {
  constructor(map) {
    this.map = map;
    this.byType = new Map();
    this.pointsByType = new Map();
    this.points = L.layerGroup().addTo(map);
    // One canvas for thousands of circles: SVG would make a node per point.
    this.renderer = L.canvas({ padding: 0.2 });
    this.current = null;
  }

  /** Fetches (once per type) and makes current the per-area accessibility of `type`. */
  async load(type) {
    if (!this.byType.has(type.id)) {
      this.byType.set(
        type.id,
        api.access(type.id).catch((error) => {
          this.byType.delete(type.id);
          throw error;
        }),
      );
    }
    const answer = await this.byType.get(type.id);
    const byCode = new Map(answer.areas.map((a) => [a.code, a]));
    const rows = answer.areas.map((a) => ({ name: a.name, rate: a.mean_rate ?? 0 }));
    const reference = type.benchmark ? type.benchmark.value : null;
    this.current = { type, byCode, ratePer: answer.rate_per, scale: { ...rateScale(rows, reference), reference } };
    return this.current;
  }

  /** The fill of an area's properties on the current scale. */
  fill() {
    const { byCode, scale } = this.current;
    return (p) => shareColour((byCode.get(p.code)?.mean_rate ?? 0) / scale.cap);
  }

  /** An area's accessible name under this layer. */
  describe() {
    const { byCode, type } = this.current;
    return (p) => {
      const a = byCode.get(p.code);
      return `${p.name}: ${num(a?.mean_rate ?? null)} ${type.capacity_unit} ${ratePer(type)} within reach (E2SFCA, population-weighted mean)`;
    };
  }

  /** The scale the legend draws: `{ cap, outliers, reference }`. */
  scale() {
    return this.current.scale;
  }

  /** Shows (or with `on` false, removes) the current type's demand points; resolves to how many are drawn. */
  async showPoints(on) {
    this.points.clearLayers();
    if (!on || !this.current) return 0;
    const { type, ratePer: per, scale } = this.current;
    if (!this.pointsByType.has(type.id)) this.pointsByType.set(type.id, api.accessPoints(type.id));
    const collection = await this.pointsByType.get(type.id);
    if (this.current.type.id !== type.id) return 0;
    const layer = L.geoJSON(collection, {
      pointToLayer: (feature, latlng) =>
        L.circleMarker(latlng, {
          renderer: this.renderer,
          radius: 2.5,
          stroke: false,
          fillOpacity: 0.9,
          fillColor: shareColour((feature.properties.access * per) / scale.cap),
          interactive: false,
        }),
    });
    layer.addTo(this.points);
    return collection.features.length;
  }

  /** Takes the demand points off the map. */
  clear() {
    this.points.clearLayers();
  }
}
