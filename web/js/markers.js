// Site markers: one symbol per service type, told apart by shape and by letters, not by colour alone. Markers are
// focusable (Tab, then Enter opens the listing). Confidential sites are never drawn as points: the API places them
// at their area's representative point, which is not where they are, so a marker there would mislead and would
// single the area's point out as "the refuge".

import { h, svg, externalLink } from './dom.js';
import { num } from './format.js';

const L = window.L;

/** Okabe–Ito colours (distinguishable with every common colour-vision deficiency). */
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

function star(points, outer, inner) {
  const corners = [];
  for (let i = 0; i < points * 2; i += 1) {
    const r = i % 2 === 0 ? outer : inner;
    const a = (Math.PI * i) / points - Math.PI / 2;
    corners.push(`${(12 + r * Math.cos(a)).toFixed(2)},${(12 + r * Math.sin(a)).toFixed(2)}`);
  }
  return corners.join(' ');
}

/** Outlines in a 24 × 24 box, and where their letters sit. */
const SHAPES = [
  { name: 'circle', draw: () => svg('circle', { cx: 12, cy: 12, r: 10.5 }), textY: 12 },
  { name: 'square', draw: () => svg('rect', { x: 2, y: 2, width: 20, height: 20, rx: 1.5 }), textY: 12 },
  { name: 'diamond', draw: () => svg('polygon', { points: '12,0.5 23.5,12 12,23.5 0.5,12' }), textY: 12 },
  { name: 'triangle', draw: () => svg('polygon', { points: '12,0.5 23.5,22.5 0.5,22.5' }), textY: 16 },
  { name: 'hexagon', draw: () => svg('polygon', { points: '6,1.5 18,1.5 23.5,12 18,22.5 6,22.5 0.5,12' }), textY: 12 },
  { name: 'inverted triangle', draw: () => svg('polygon', { points: '0.5,1.5 23.5,1.5 12,23.5' }), textY: 8.5 },
  { name: 'pentagon', draw: () => svg('polygon', { points: '12,0.5 23.5,9 19,23 5,23 0.5,9' }), textY: 13.5 },
  { name: 'star', draw: () => svg('polygon', { points: star(5, 12, 6.5) }), textY: 13 },
  { name: 'octagon', draw: () => svg('polygon', { points: '7,0.5 17,0.5 23.5,7 23.5,17 17,23.5 7,23.5 0.5,17 0.5,7' }), textY: 12 },
  { name: 'cross', draw: () => svg('polygon', { points: '8,0.5 16,0.5 16,8 23.5,8 23.5,16 16,16 16,23.5 8,23.5 8,16 0.5,16 0.5,8 8,8' }), textY: 12 },
];

/** Two letters for a type id: the initials of `rape_crisis` (RC), or the first two letters of `haven` (HA). */
export function typeLetters(id) {
  const words = id.split(/[_\-\s]+/).filter(Boolean);
  return (words.length > 1 ? words.map((w) => w[0]).join('').slice(0, 2) : id.slice(0, 2)).toUpperCase();
}

/** The symbol of the type at position `index` of the taxonomy: its shape, colour and letters. */
export function typeStyle(index, id) {
  const colour = COLOURS[index % COLOURS.length];
  const shape = SHAPES[index % SHAPES.length];
  return { colour, shape, letters: typeLetters(id) };
}

function textColour(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 150 ? '#000000' : '#ffffff';
}

/** The type's symbol as an SVG element (decorative: the text next to it names the type). */
export function typeSymbol(style, size = 24) {
  const outline = style.shape.draw();
  outline.setAttribute('fill', style.colour);
  outline.setAttribute('stroke', '#ffffff');
  outline.setAttribute('stroke-width', '1.5');
  return svg(
    'svg',
    { class: 'type-symbol', viewBox: '-1 -1 26 26', width: size, height: size, 'aria-hidden': 'true', focusable: 'false' },
    outline,
    svg(
      'text',
      {
        x: 12,
        y: style.shape.textY,
        'text-anchor': 'middle',
        'dominant-baseline': 'central',
        'font-size': style.letters.length > 1 ? 9 : 11,
        'font-weight': 700,
        fill: textColour(style.colour),
      },
      style.letters,
    ),
  );
}

/** What a site's popup says. Every value is inserted as text. */
export function siteDetails(p) {
  const rows = [
    ['Type', p.type_label || p.type],
    ['Provider', p.provider],
    ['Located in', p.located_in_name],
    ['Serves', p.serves_areas.length > 1 ? `${p.serves_areas.length} areas` : p.located_in_name],
    ['Capacity', p.capacity === null ? 'unknown' : `${num(p.capacity)} ${p.capacity_unit}`],
    ['Setting', p.setting],
    ['Specialisms', p.specialisms.length ? p.specialisms.join(', ').replaceAll('_', ' ') : null],
    ['Phone', p.phone || null],
    ['Website', p.website ? externalLink(p.website) : null],
    ['Last verified', p.stale ? `${p.last_verified} (stale: not verified recently)` : p.last_verified],
    ['Source', p.source],
  ].filter(([, value]) => value !== null && value !== undefined && value !== '');
  return h(
    'div',
    { class: 'site-details' },
    h('h3', {}, p.name),
    p.illustrative ? h('p', { class: 'sample-flag' }, 'Sample listing: invented for demonstration') : null,
    h('dl', {}, rows.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
  );
}

/** The clustered layer of site markers. */
export class SiteLayer {
  constructor(map) {
    this.cluster = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 36,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: (cluster) => {
        const count = cluster.getChildCount();
        return L.divIcon({
          className: 'site-cluster',
          iconSize: [34, 34],
          html: h('span', {}, String(count), h('span', { class: 'visually-hidden' }, ' sites here; zoom in')),
        });
      },
    });
    map.addLayer(this.cluster);
  }

  /**
   * Shows the sites of a FeatureCollection from `/api/services`, leaving out confidential ones.
   * `styleOf(typeId)` gives a type's symbol style. Returns how many were drawn and how many are confidential.
   */
  show(collection, styleOf) {
    this.cluster.clearLayers();
    const exact = collection.features.filter((f) => f.properties.location_precision !== 'confidential');
    const markers = exact.map((feature) => {
      const p = feature.properties;
      const [lon, lat] = feature.geometry.coordinates;
      const style = styleOf(p.type);
      const name = `${p.type_label}: ${p.name}${p.stale ? ' (stale listing)' : ''}`;
      // Anchored at the bottom centre, so the symbol sits above its point and leaves the point's label readable.
      const marker = L.marker([lat, lon], {
        icon: L.divIcon({
          className: p.stale ? 'site-marker stale' : 'site-marker',
          iconSize: [22, 22],
          iconAnchor: [11, 26],
          html: typeSymbol(style, 22),
        }),
        title: name,
        alt: name,
        keyboard: true,
        riseOnHover: true,
      });
      marker.bindPopup(() => siteDetails(p), { maxWidth: 300, autoPanPadding: [16, 16] });
      marker.on('add', () => marker.getElement()?.setAttribute('data-site', p.id));
      return marker;
    });
    this.cluster.addLayers(markers);
    return { drawn: markers.length, confidential: collection.features.length - exact.length };
  }

  clear() {
    this.cluster.clearLayers();
  }
}
