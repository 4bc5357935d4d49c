// How figures read on the page: the same words as the README, the API and the CSV.

const decimals = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
const whole = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 0 });

/** A figure such as a capacity share or rate, with up to two decimals; "–" when absent. */
export function num(value) {
  return value === null || value === undefined ? '–' : decimals.format(value);
}

/** A count of people, e.g. 112,300. */
export function people(value) {
  return value === null || value === undefined ? '–' : whole.format(value);
}

/** A share 0–1 as a percentage. */
export function pct(value) {
  return value === null || value === undefined ? '–' : percent.format(value);
}

/** A distance in kilometres. */
export function km(value) {
  return value === null || value === undefined ? '–' : `${decimals.format(value)} km`;
}

/** The label of each status, as the legend, the panel and the table say it. */
export const STATUS_LABEL = {
  none: 'No service',
  below: 'Below benchmark',
  meets: 'Meets benchmark',
  no_benchmark: 'Served (no benchmark)',
};

/** Shorter labels where space is tight (the gaps table); the full label goes in its tooltip. */
export const STATUS_SHORT = {
  none: 'No service',
  below: 'Below',
  meets: 'Meets',
  no_benchmark: 'Served',
};

/** "per 200,000 women": what a type's rate is per. */
export function ratePer(type) {
  return `per ${whole.format(type.rate_per)} ${type.basis === 'population' ? 'people' : type.basis}`;
}

/**
 * A type's capacity unit for `value` of it: "1 centre", "2 centres", "1 FTE adviser", "0.5 FTE advisers". The
 * taxonomy writes units in the plural; exactly one takes the singular (the last word without its final "s").
 */
export function unit(type, value) {
  const plural = type.capacity_unit;
  if (value !== 1 || !plural.endsWith('s')) return plural;
  return plural.slice(0, -1);
}

/** A figure with its unit: "1 centre", "7.97 FTE advisers". */
export function amount(type, value) {
  return `${num(value)} ${unit(type, value)}`;
}

/** "1 centre per 200,000 women", or null without a benchmark. */
export function benchmarkText(type) {
  const b = type.benchmark;
  if (!b) return null;
  return `${amount(type, b.value)} ${ratePer(type)}`;
}

/** "1 site", "14 sites": a count with its noun, singular for exactly one. */
export function count(n, singular, plural = `${singular}s`) {
  return `${whole.format(n)} ${n === 1 ? singular : plural}`;
}
