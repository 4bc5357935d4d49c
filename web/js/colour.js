// Colours that put the gaps first: one sequential scale (ColorBrewer OrRd, safe with every common colour-vision
// deficiency because it runs in lightness) on which the least provision is the strongest colour and meeting the
// benchmark the palest. Status is also always stated in words.

/** OrRd at nine steps, from ColorBrewer, reversed: index 0 is the worst (darkest), 8 meets the reference. */
const SCALE = ['#7f0000', '#b30000', '#d7301f', '#ef6548', '#fc8d59', '#fdbb84', '#fdd49e', '#fee8c8', '#fff7ec'];

/** Status classes on the same scale; grey for "served, but nothing to measure against". */
export const STATUS_COLOUR = {
  none: SCALE[0],
  below: SCALE[3],
  meets: SCALE[8],
  no_benchmark: '#c9c9cf',
};

function parse(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/**
 * The colour of a share of the reference met: 0 (nothing) is the darkest, 1 and above (meets it) the palest.
 * Interpolated between the nine steps.
 */
export function shareColour(share) {
  const t = Math.min(1, Math.max(0, Number.isFinite(share) ? share : 0));
  const x = t * (SCALE.length - 1);
  const i = Math.min(SCALE.length - 2, Math.floor(x));
  const [a, b] = [parse(SCALE[i]), parse(SCALE[i + 1])];
  const f = x - i;
  const rgb = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** The CSS gradient that draws the scale left (none) to right (meets), for the legend. */
export function scaleGradient() {
  return `linear-gradient(to right, ${SCALE.join(', ')})`;
}

/**
 * The share of the reference an area's coverage meets: capacity share ÷ required where the type has a benchmark,
 * else the rate ÷ the London-wide rate (`relative_rate`). Null when neither is defined.
 */
export function shareMet(c) {
  if (!c) return null;
  if (c.required !== null && c.required !== undefined) return c.required > 0 ? c.capacity_share / c.required : null;
  return c.relative_rate ?? null;
}

/**
 * The rate scale, capped so that one outlier cannot flatten the rest: it runs from 0 to the larger of the
 * reference (benchmark or London-wide rate) and the 90th-percentile area rate (nearest rank). Areas above the cap
 * take its colour and are named as outliers.
 * @param {{ name: string, rate: number }[]} rows
 * @returns {{ cap: number, outliers: { name: string, rate: number }[] }}
 */
export function rateScale(rows, reference) {
  const rates = rows.map((r) => r.rate).filter(Number.isFinite).sort((a, b) => a - b);
  const p90 = rates.length ? rates[Math.min(rates.length - 1, Math.ceil(0.9 * rates.length) - 1)] : 0;
  const top = Math.max(p90, reference ?? 0);
  const cap = top > 0 ? top : 1;
  const outliers = rows.filter((r) => r.rate > cap).sort((a, b) => b.rate - a.rate);
  return { cap, outliers };
}

/** Black or white, whichever contrasts more with `hex` (WCAG relative luminance). */
export function inkOn(hex) {
  const lin = parse(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const l = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}

/** Whether text on `hex` should be light (true) or dark. */
export function isDark(hex) {
  const [r, g, b] = parse(hex);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 140;
}
