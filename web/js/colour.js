// Colour scales that survive colour blindness: viridis (dark = little provision, so the gaps are the dark areas)
// for both the status classes and the continuous rate scale. Status is also always stated in words.

/** Viridis at ten even steps, from the matplotlib definition. */
const VIRIDIS = [
  '#440154', '#482878', '#3e4989', '#31688e', '#26828e',
  '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725',
];

/** Status classes: three points of viridis, and a neutral grey for "served, but nothing to measure against". */
export const STATUS_COLOUR = {
  none: '#440154',
  below: '#21918c',
  meets: '#fde725',
  no_benchmark: '#c8c8c8',
};

function parse(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** Viridis at t in [0, 1], interpolated between the ten steps. */
export function viridis(t) {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const [a, b] = [parse(VIRIDIS[i]), parse(VIRIDIS[i + 1])];
  const f = x - i;
  const rgb = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** The CSS gradient that draws the viridis ramp left to right (for the legend). */
export function viridisGradient() {
  return `linear-gradient(to right, ${VIRIDIS.join(', ')})`;
}

/**
 * The top of the rate scale: the highest area rate, or the reference (benchmark or London-wide rate) when that is
 * higher, so that meeting the benchmark is never the darkest colour.
 */
export function rateDomainMax(rates, reference) {
  const top = Math.max(0, ...rates.filter(Number.isFinite), reference ?? 0);
  return top > 0 ? top : 1;
}

/** Whether text on `hex` should be light (true) or dark. */
export function isDark(hex) {
  const [r, g, b] = parse(hex);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 140;
}
