// The postcode lottery at a glance: every area's rate as a sorted horizontal bar, coloured by status, with a line
// at the benchmark (or at the London-wide rate when the type has none). Plain SVG.

import { svg } from './dom.js';
import { STATUS_COLOUR } from './colour.js';
import { STATUS_LABEL, num } from './format.js';

const ROW = 13;
const LABEL_WIDTH = 150;
const WIDTH = 440;
const TOP = 22;
const BOTTOM = 8;

/**
 * @param {{ name: string, code: string, rate: number, status: string }[]} rows one per area
 * @param {{ value: number, label: string }|null} reference the line to draw
 * @param {string} unitText what the rate is, e.g. "FTE advisers per 100,000 women"
 * @param {(code: string) => void} onPick called with an area's code when its bar is clicked
 */
export function rateChart(rows, reference, unitText, onPick) {
  const sorted = [...rows].sort((a, b) => b.rate - a.rate || a.name.localeCompare(b.name));
  const max = Math.max(reference?.value ?? 0, ...sorted.map((r) => r.rate)) || 1;
  const plot = WIDTH - LABEL_WIDTH - 40;
  const x = (v) => LABEL_WIDTH + (v / max) * plot;
  const height = TOP + sorted.length * ROW + BOTTOM;
  const lowest = sorted[sorted.length - 1];
  const highest = sorted[0];
  const summary =
    `Bar chart of ${unitText} by area, highest first: from ${num(highest?.rate)} in ${highest?.name} ` +
    `to ${num(lowest?.rate)} in ${lowest?.name}` +
    (reference ? `; ${reference.label} ${num(reference.value)}.` : '.') +
    ' The table below has every figure.';
  const bars = sorted.map((r, i) => {
    const y = TOP + i * ROW;
    const width = Math.max(0, x(r.rate) - LABEL_WIDTH);
    return svg(
      'g',
      { class: 'bar', 'data-code': r.code, onclick: () => onPick(r.code) },
      svg('title', {}, `${r.name}: ${num(r.rate)} (${STATUS_LABEL[r.status]})`),
      svg('text', { x: LABEL_WIDTH - 6, y: y + ROW / 2, 'text-anchor': 'end', 'dominant-baseline': 'central', class: 'bar-label' }, r.name),
      svg('rect', {
        x: LABEL_WIDTH,
        y: y + 1.5,
        width: width || 0.0001,
        height: ROW - 3,
        fill: STATUS_COLOUR[r.status] ?? '#999999',
        stroke: r.status === 'meets' ? '#8a7d00' : 'none',
        'stroke-width': 0.5,
      }),
      svg('text', { x: LABEL_WIDTH + width + 4, y: y + ROW / 2, 'dominant-baseline': 'central', class: 'bar-value' }, num(r.rate)),
    );
  });
  const line = reference
    ? svg(
        'g',
        { class: 'reference' },
        svg('line', { x1: x(reference.value), x2: x(reference.value), y1: TOP - 4, y2: height - BOTTOM, stroke: '#b00020', 'stroke-width': 1.5, 'stroke-dasharray': '4 3' }),
        svg('text', { x: x(reference.value), y: TOP - 8, 'text-anchor': x(reference.value) > WIDTH - 80 ? 'end' : 'middle', class: 'reference-label' }, `${reference.label} ${num(reference.value)}`),
      )
    : null;
  return svg(
    'svg',
    { class: 'rate-chart', viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'aria-label': summary },
    bars,
    line,
  );
}
