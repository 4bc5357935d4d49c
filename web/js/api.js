// The gapmap API (issue 4), as the page uses it. Same origin only: the page talks to nothing else.

/** A 4xx/5xx answer, with the API's `{ error, detail }` body when it sent one. */
export class ApiError extends Error {
  constructor(status, error, detail) {
    super(detail ? `${error}: ${detail}` : error || `HTTP ${status}`);
    this.status = status;
    this.error = error;
    this.detail = detail;
  }
}

/** GETs a JSON document from `path` with query `params` (absent values left out). */
export async function getJson(path, params = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') url.searchParams.set(name, String(value));
  }
  const response = await fetch(url, { headers: { Accept: 'application/json, application/geo+json' } });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body?.error, body?.detail);
  return body;
}

/** Server-side settings for the page: base-map tiles (optional) and the sample-data notice. */
export const config = () => getJson('/api/config');
/** The taxonomy with benchmarks: `{ types: [{ id, label, benchmark, basis, capacity_unit, rate_per, … }] }`. */
export const types = () => getJson('/api/types');
/** Every area with its coverage of every type (the choropleth layer). */
export const areas = () => getJson('/api/areas');
/** One area in detail: per type, coverage, the sites serving it and the nearest sites outside it. */
export const area = (code) => getJson(`/api/areas/${encodeURIComponent(code)}`);
/** The areas in gap for a type, worst first. */
export const gaps = (type) => getJson('/api/gaps', { type, status: 'none,below' });
/** The postcode-lottery summary of a type. */
export const lottery = (type) => getJson('/api/lottery', { type });
/** Sites (points); confidential ones carry their area's point and `location_precision: "confidential"`. */
export const services = (type) => getJson('/api/services', { type });
/** The k sites of a type nearest a point, and the area the point lies in. */
export const nearest = ({ lat, lon, type, k }) => getJson('/api/nearest', { lat, lon, type, k });

/** A postcode or an area's name: its point, its area and, with `type`, the nearest sites (as /api/nearest). */
export const geocode = ({ q, type, k }) => getJson('/api/geocode', { q, type, k });
/** Every type's lottery summary and London-wide rate. */
export const lotteries = () => getJson('/api/lottery');
/** The signed-in account (role, organisation) for a token; 401 for a wrong one. */
export async function me(token) {
  const response = await fetch('/api/me', { headers: { Accept: 'application/json', Authorization: `Bearer ${token}` } });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body?.error, body?.detail);
  return body;
}

/** A download URL under /api/export/ with the `type` and `area` filters (absent ones left out). */
export function exportUrl(file, { type, area } = {}) {
  const params = new URLSearchParams();
  if (type) params.set('type', type);
  if (area) params.set('area', area);
  const query = params.toString();
  return `/api/export/${file}${query ? `?${query}` : ''}`;
}

/** Where an area's figures (one row per type) download as CSV. */
export function areaCsvUrl(code) {
  return `/api/export/areas.csv?area=${encodeURIComponent(code)}`;
}

/** POSTs `body` as JSON to `path` (with the bearer `token` when given); the answer's JSON, or an ApiError. */
export async function postJson(path, body, token = null) {
  const headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => null);
  // A 422's `detail` already lists every problem, each naming its field.
  if (!response.ok) throw new ApiError(response.status, answer?.error, answer?.detail);
  return answer;
}

/** A type's E2SFCA accessibility per area: `{ rate_per, benchmark, …, areas: [{ code, mean_access, mean_rate, … }] }`. */
export const access = (type) => getJson('/api/access', { type });
/** A type's E2SFCA accessibility per demand point, as GeoJSON points with `weight` and `access`. */
export const accessPoints = (type) => getJson('/api/access/points.geojson', { type });

/** Where k new hubs of a type would do most good: `{ chosen, steps, objective, bound, gap, optimal, base, … }`. */
export const plan = (body) => postJson('/api/plan', body);
/** Makes a what-if scenario (needs an account's token); answers as `scenario(id)`. */
export const createScenario = (body, token) => postJson('/api/scenarios', body, token);
/** A scenario: its edits and its differences from the live data per area × type. Public to anyone with the id. */
export const scenario = (id) => getJson(`/api/scenarios/${encodeURIComponent(id)}`);
