// The page: loads the taxonomy and the areas, draws the map, and wires the controls, the tabs and the views.
// State that is worth sharing (type, colour mode, area, view) lives in the URL's fragment.

import * as api from './api.js';
import { h, replaceChildren } from './dom.js';
import { STATUS_COLOUR, rateScale, shareColour, shareMet } from './colour.js';
import { STATUS_LABEL, num, pct, ratePer } from './format.js';
import { CoverageMap } from './map.js';
import { Legend } from './legend.js';
import { SiteLayer, typeStyle } from './markers.js';
import { showArea } from './panel.js';
import { GapsView } from './gaps.js';
import { OverviewView } from './overview.js';
import { NearestSearch } from './nearest.js';
import { Tabs } from './tabs.js';
import { PlanView } from './plan.js';
import { ScenarioView } from './scenario.js';
import { AccessLayer } from './access-layer.js';

const state = {
  types: [],
  typeId: null,
  mode: 'status',
  sites: 'type',
  area: null,
  view: 'gaps',
  areas: null,
  overallRate: new Map(),
  servicesByType: new Map(),
  freshness: null,
  scenario: null,
  accessPoints: false,
};

const VIEWS = ['gaps', 'overview', 'area', 'nearest', 'plan', 'scenario', 'about'];
const MODES = ['status', 'share', 'rate', 'access'];

const $ = (id) => document.getElementById(id);

function currentType() {
  return state.types.find((t) => t.id === state.typeId);
}

function styleOf(typeId) {
  const index = state.types.findIndex((t) => t.id === typeId);
  return typeStyle(Math.max(0, index), typeId);
}

function readFragment() {
  const params = new URLSearchParams(window.location.hash.slice(1));
  return Object.fromEntries(params.entries());
}

function writeFragment() {
  // A scenario's link is `#scenario=<id>` alone, so it reads the same however the sharer had the map set.
  if (state.view === 'scenario' && state.scenario) {
    window.history.replaceState(null, '', `#scenario=${state.scenario}`);
    return;
  }
  const params = new URLSearchParams({ type: state.typeId, mode: state.mode, view: state.view });
  if (state.area) params.set('area', state.area);
  window.history.replaceState(null, '', `#${params}`);
}

/** The reference the rate scale marks: the benchmark, or else the London-wide rate. */
function reference(type) {
  if (type.benchmark) return type.benchmark.value;
  return state.overallRate.get(type.id) ?? null;
}

let coverageMap;
let legend;
let siteLayer;
let gapsView;
let nearest;
let tabs;
let overview;
let planView;
let scenarioView;
let accessLayer;

/** The rate scale of `type` over every area (capped, with its outliers). */
function scaleOf(type) {
  const rows = state.areas.features.map((f) => ({ name: f.properties.name, rate: f.properties.coverage[type.id]?.rate ?? 0 }));
  return rateScale(rows, reference(type));
}

function fillFor(type) {
  if (state.mode === 'status') {
    return (p) => STATUS_COLOUR[p.coverage[type.id]?.status] ?? '#999999';
  }
  if (state.mode === 'share') {
    return (p) => shareColour(shareMet(p.coverage[type.id]) ?? 0);
  }
  const { cap } = scaleOf(type);
  return (p) => shareColour((p.coverage[type.id]?.rate ?? 0) / cap);
}

function describe(type) {
  return (p) => {
    const c = p.coverage[type.id];
    const share = shareMet(c);
    const met = share === null ? '' : `; ${pct(share)} of ${type.benchmark ? 'the benchmark' : 'the London-wide rate'}`;
    return `${p.name}: ${STATUS_LABEL[c.status]}; ${num(c.rate)} ${type.capacity_unit} ${ratePer(type)}${met}`;
  };
}

/** The newest `last_verified` of any listing and how many are stale (every type's sites). */
async function freshness() {
  if (!state.freshness) {
    const all = await sitesFor(null);
    const dates = all.features.map((f) => f.properties.last_verified).filter(Boolean).sort();
    state.freshness = {
      latest: dates.length ? dates[dates.length - 1] : null,
      stale: all.features.filter((f) => f.properties.stale).length,
      total: all.features.length,
    };
    const date = document.getElementById('print-date');
    if (date) date.textContent = `Data version ${all.version ?? '–'}; listings last verified up to ${state.freshness.latest ?? '–'}.`;
  }
  return state.freshness;
}

async function sitesFor(typeId) {
  const key = typeId ?? '*';
  if (!state.servicesByType.has(key)) {
    state.servicesByType.set(key, api.services(typeId));
  }
  return state.servicesByType.get(key);
}

let refreshes = 0;

/** Redraws everything that depends on the type, mode or sites setting; a newer call supersedes an older one. */
async function refresh() {
  const turn = ++refreshes;
  const type = currentType();
  writeFragment();
  let [fill, label, scale] = [fillFor(type), describe(type), { ...scaleOf(type), reference: reference(type) }];
  if (state.mode === 'access') {
    await accessLayer.load(type);
    if (turn !== refreshes) return;
    [fill, label, scale] = [accessLayer.fill(), accessLayer.describe(), accessLayer.scale()];
  }
  coverageMap.restyle(fill, label);
  $('access-points-field').hidden = state.mode !== 'access';
  const points = state.mode === 'access' ? await accessLayer.showPoints(state.accessPoints) : (accessLayer.clear(), 0);
  if (turn !== refreshes) return;
  let sites = null;
  if (state.sites === 'none') {
    siteLayer.clear();
  } else {
    const collection = await sitesFor(state.sites === 'all' ? null : type.id);
    if (turn !== refreshes) return;
    sites = siteLayer.show(collection, styleOf);
  }
  const fresh = await freshness();
  if (turn !== refreshes) return;
  const shown = state.sites === 'all' ? state.types : [type];
  legend.update(type, state.mode, {
    ...scale,
    points,
    sites,
    symbols: shown.map((t) => ({ label: t.label, style: styleOf(t.id) })),
    freshness: fresh,
  });
  $('print-benchmark').textContent = `${type.label}: ${$('legend-sentence')?.textContent ?? ''}`;
  // Map and legend now agree: say which type and mode they show (read by the browser tests).
  $('map').dataset.type = type.id;
  $('map').dataset.mode = state.mode;
  if (state.view === 'gaps') await gapsView.show(type, state.areas);
  if (state.view === 'overview') await overview.show(state.types, state.areas);
  if (state.view === 'area' && state.area) await openArea(state.area, { focus: false });
}

async function openArea(code, { focus = true } = {}) {
  state.area = code;
  $('area').value = code;
  coverageMap.highlightArea(code);
  state.view = 'area';
  tabs.select('area', { focus: false, silent: true });
  writeFragment();
  try {
    await showArea($('view-area'), code, {
      types: state.types,
      typeId: state.typeId,
      styleOf,
      onType: (id) => setType(id),
      onClose: () => closeArea(),
    });
    if (focus) $('area-title')?.focus({ preventScroll: !window.matchMedia('(max-width: 759px)').matches });
  } catch (error) {
    showError(error);
  }
}

function closeArea() {
  state.area = null;
  $('area').value = '';
  coverageMap.highlightArea(null);
  replaceChildren($('view-area'), h('p', { class: 'muted' }, 'Choose an area on the map, or from the “Area” list above, to see its figures.'));
  tabs.select('gaps');
}

function setType(id) {
  state.typeId = id;
  $('type').value = id;
  refresh().catch(showError);
}

function showError(error) {
  const box = $('load-error');
  box.hidden = false;
  box.textContent = `Something went wrong: ${error.message ?? error}`;
  console.error(error);
}

function fillControls(fragment) {
  const typeSelect = $('type');
  replaceChildren(
    typeSelect,
    state.types.map((t) => h('option', { value: t.id }, t.benchmark ? t.label : `${t.label} (no benchmark)`)),
  );
  typeSelect.value = state.typeId;
  typeSelect.addEventListener('change', () => setType(typeSelect.value));

  for (const radio of document.querySelectorAll('input[name="mode"]')) {
    radio.checked = radio.value === state.mode;
    radio.addEventListener('change', () => {
      state.mode = radio.value;
      refresh().catch(showError);
    });
  }
  const points = $('access-points');
  points.addEventListener('change', () => {
    state.accessPoints = points.checked;
    refresh().catch(showError);
  });
  const sites = $('sites');
  sites.addEventListener('change', () => {
    state.sites = sites.value;
    refresh().catch(showError);
  });

  const areaSelect = $('area');
  const byName = [...state.areas.features].sort((a, b) => a.properties.name.localeCompare(b.properties.name));
  areaSelect.append(...byName.map((f) => h('option', { value: f.properties.code }, f.properties.name)));
  areaSelect.addEventListener('change', () => {
    if (!areaSelect.value) return closeArea();
    coverageMap.zoomToArea(areaSelect.value);
    openArea(areaSelect.value);
  });
  $('controls').addEventListener('submit', (e) => e.preventDefault());
  if (fragment.area && state.areas.features.some((f) => f.properties.code === fragment.area)) {
    state.area = fragment.area;
  }
}

async function start() {
  const fragment = readFragment();
  const [config, types, areas, lottery] = await Promise.all([
    api.config().catch(() => ({})),
    api.types(),
    api.areas(),
    api.lottery(),
  ]);
  state.types = types.types;
  state.areas = areas;
  for (const t of lottery.types) state.overallRate.set(t.type, t.overall_rate);
  state.typeId = state.types.some((t) => t.id === fragment.type) ? fragment.type : state.types[0]?.id;
  state.mode = MODES.includes(fragment.mode) ? fragment.mode : 'status';
  const notice = areas.sample_data ?? config.sample_data ?? null;
  if (notice) {
    $('sample-notice').hidden = false;
    $('sample-notice').textContent = notice;
  }

  coverageMap = new CoverageMap(
    $('map'),
    { tileUrl: config.tile_url, tileAttribution: config.tile_attribution },
    {
      select: (code) => openArea(code),
      pick: (lat, lon) => {
        if (state.view === 'scenario') return scenarioView.pick(lat, lon);
        tabs.select('nearest', { focus: false });
        nearest.pick(lat, lon);
      },
      reset: () => {
        if (state.area) closeArea();
        nearest.clear();
      },
    },
  );
  coverageMap.setAreas(areas);
  legend = new Legend(coverageMap.map);
  siteLayer = new SiteLayer(coverageMap.map);
  accessLayer = new AccessLayer(coverageMap.map);
  gapsView = new GapsView($('view-gaps'), {
    zoomTo: (code) => coverageMap.zoomToArea(code),
    openArea: (code) => openArea(code),
  });
  nearest = new NearestSearch($('view-nearest'), coverageMap, { type: currentType });
  overview = new OverviewView($('view-overview'), {
    styleOf,
    open: (code, typeId) => {
      state.typeId = typeId;
      $('type').value = typeId;
      coverageMap.zoomToArea(code);
      openArea(code).then(() => refresh()).catch(showError);
    },
  });
  planView = new PlanView($('view-plan'), coverageMap, {
    types: () => state.types,
    typeId: () => state.typeId,
    areas: () => state.areas,
    sites: (typeId) => sitesFor(typeId),
    legend,
    openScenario: (id) => {
      state.view = 'scenario';
      tabs.select('scenario', { focus: false, silent: true });
      showPlanning('scenario').then(() => scenarioView.open(id)).catch(showError);
    },
  });
  scenarioView = new ScenarioView($('view-scenario'), coverageMap, {
    types: () => state.types,
    sites: () => sitesFor(null),
    opened: (id) => {
      state.scenario = id;
      writeFragment();
    },
  });
  $('place-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const q = $('place-q').value.trim();
    if (!q) return;
    tabs.select('nearest', { focus: false });
    nearest.searchPlace(q);
  });
  window.addEventListener('beforeprint', () => {
    legend.open();
    coverageMap.resize();
    coverageMap.map.fitBounds(coverageMap.bounds, { animate: false });
  });
  window.addEventListener('afterprint', () => coverageMap.resize());
  tabs = new Tabs(document.querySelector('[role="tablist"]'), (view) => {
    state.view = view;
    if (view !== 'nearest') nearest.setPicking(false);
    if (view !== 'scenario') scenarioView.stopPicking();
    writeFragment();
    showPlanning(view);
    if (view === 'gaps') gapsView.show(currentType(), state.areas).catch(showError);
    if (view === 'overview') overview.show(state.types, state.areas).catch(showError);
    if (view === 'area' && state.area) openArea(state.area, { focus: false });
  });
  // A scenario's link pasted into this tab changes only the fragment.
  window.addEventListener('hashchange', () => {
    const id = readFragment().scenario;
    if (!id || id === state.scenario) return;
    state.view = 'scenario';
    tabs.select('scenario', { focus: false, silent: true });
    showPlanning('scenario').then(() => scenarioView.open(id)).catch(showError);
  });
  new ResizeObserver(() => coverageMap.resize()).observe($('map'));
  fillControls(fragment);

  const view = fragment.scenario ? 'scenario' : VIEWS.includes(fragment.view) ? fragment.view : 'gaps';
  state.view = view;
  state.scenario = fragment.scenario ?? null;
  tabs.select(view, { focus: false, silent: true });
  await refresh();
  await showPlanning(view);
  if (fragment.scenario) await scenarioView.open(fragment.scenario);
  if (view === 'area' && state.area) coverageMap.zoomToArea(state.area);
  document.body.dataset.ready = 'true';
}

/** Builds the plan or the scenario view when it is first chosen. */
async function showPlanning(view) {
  try {
    if (view === 'plan') planView.show();
    if (view === 'scenario') await scenarioView.show();
  } catch (error) {
    showError(error);
  }
}

start().catch(showError);
