// Drives Debian's chromium (headless, fresh profile) against a running gapmap server and checks the map page.
//
//   node tests/browser/run.mjs <base-url> <screenshot-dir> [scenario…]
//
// Started by tests/browser.rs, which starts the server on its own fixture data. Every scenario also checks that
// no request went to any other host than the server and that no dialog opened. Prints one line per check and
// exits non-zero when any fails.

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.GAPMAP_CHROMIUM || '/usr/bin/chromium';
/** Playwright adds `--headless` itself (headless: true) and a fresh temporary profile for every launch. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const DESKTOP = { viewport: { width: 1366, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const XSS_NAME = '<img src=x onerror=alert(1)>';
const WEIGHT_LIMIT_BYTES = 500 * 1024;
/** Both sizes every issue-13 scenario runs at. */
const SIZES = [['desktop', DESKTOP], ['phone', PHONE]];
/** axe-core from the npm registry, pinned in package-lock.json; injected into the page under test. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const luminance = (hex) => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const shareMet = (c) => (c.required !== null ? (c.required > 0 ? c.capacity_share / c.required : null) : c.relative_rate);

const [base, shots, ...wanted] = process.argv.slice(2);
if (!base || !shots) {
  console.error('usage: node run.mjs <base-url> <screenshot-dir> [scenario…]');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const origin = new URL(base).origin;
const decimals = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
const num = (v) => (v === null || v === undefined ? '–' : decimals.format(v));

let failures = 0;
let passes = 0;
function check(ok, what, detail = '') {
  if (ok) {
    passes += 1;
    console.log(`ok   ${what}`);
  } else {
    failures += 1;
    console.log(`FAIL ${what}${detail ? `\n     ${detail}` : ''}`);
  }
  return ok;
}

async function api(path) {
  const response = await fetch(new URL(path, base));
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** A page in a fresh context that records every request and every dialog. */
async function open(browser, device, path = '/') {
  const context = await browser.newContext(device);
  const page = await context.newPage();
  const requests = [];
  const dialogs = [];
  const responses = [];
  context.on('request', (r) => requests.push(r.url()));
  page.on('response', (r) => responses.push(r));
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  page.on('pageerror', (e) => console.log(`     page error: ${e.message}`));
  await page.goto(new URL(path, base).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  return { context, page, requests, dialogs, responses };
}

/** The invariants every scenario ends with: nothing left the server, no script from data ran. */
async function finish(name, session) {
  const foreign = session.requests.filter((url) => {
    if (url.startsWith('data:') || url.startsWith('blob:')) return false;
    return new URL(url).origin !== origin;
  });
  check(foreign.length === 0, `${name}: no request to any host but the server (${session.requests.length} requests)`, foreign.join('\n     '));
  check(session.dialogs.length === 0, `${name}: no dialog opened`, session.dialogs.join('; '));
  await session.context.close();
}

const areaPaths = (page) => page.locator('path.leaflet-interactive[data-code]');
const fills = (page) =>
  page.$$eval('path.leaflet-interactive[data-code]', (paths) => Object.fromEntries(paths.map((p) => [p.dataset.code, p.getAttribute('fill')])));

async function setType(page, id) {
  await page.selectOption('#type', id);
  await page.waitForFunction((t) => document.getElementById('map').dataset.type === t, id);
}

/** Clicks a point inside area `name`: where its label sits (labels let clicks through to the area). */
async function clickArea(page, name) {
  const label = page.locator('.area-label span', { hasText: new RegExp(`^${name}$`) });
  const box = await label.boundingBox();
  if (!box) throw new Error(`no label for ${name}`);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

/** axe-core on what `page` shows now (its context must bypass the CSP): no serious or critical violation. */
async function axeCheck(page, what) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const serious = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(serious.length === 0, `${what}: axe finds no serious violations`, JSON.stringify(serious));
}

const planningScenarios = await import('./planning.mjs').then((m) =>
  m.scenarios({ api, open, finish, check, clickArea, axeCheck, shots, base, SIZES, DESKTOP, PHONE }),
);

const scenarios = {
  /** The map loads with every area, the legend states the benchmark and its source, the page is light. */
  async map(browser) {
    const session = await open(browser, DESKTOP);
    const { page } = session;
    const areas = await api('/api/areas');
    const types = await api('/api/types');
    await page.waitForFunction(() => document.querySelectorAll('path.leaflet-interactive[data-fill]').length > 0);
    check((await areaPaths(page).count()) === areas.features.length, `map: ${areas.features.length} areas drawn`);
    check(areas.features.length === 33, 'map: the bundled data has 33 areas');
    const legend = await page.locator('#legend').innerText();
    const first = types.types[0];
    check(legend.includes(first.label), 'map: legend names the type', legend);
    check(!first.benchmark || legend.includes(first.benchmark.source), 'map: legend states the benchmark source', legend);
    check(legend.includes('Benchmark') || legend.includes('No recognised benchmark'), 'map: legend states the benchmark');
    check((await page.locator('.leaflet-control-scale').count()) === 1, 'map: scale bar');
    const labels = await page.locator('.area-label span').allTextContents();
    const shown = await page.locator('.area-label span:not(.label-off)').allTextContents();
    check(labels.length === 33 && shown.length >= 20 && shown.includes('Croydon'), `map: borough labels (${shown.length} of 33 fit at this zoom)`);
    const notice = page.locator('#sample-notice');
    check((await notice.isVisible()) && (await notice.innerText()).length > 10, 'map: sample-data notice visible');
    const transferred = await transferSize(session);
    check(transferred < WEIGHT_LIMIT_BYTES, `map: page load transfers ${(transferred / 1024).toFixed(1)} KB compressed (< 500 KB)`);
    await page.screenshot({ path: join(shots, 'desktop-map.png') });
    await finish('map', session);
  },

  /** Switching type or colour mode recolours the areas and rewrites the legend. */
  async recolour(browser) {
    const session = await open(browser, DESKTOP);
    const { page } = session;
    const types = (await api('/api/types')).types;
    const areas = await api('/api/areas');
    await setType(page, types[0].id);
    const before = await fills(page);
    // A type whose statuses differ from the first type's somewhere, so the colours must change.
    const other = types.find(
      (t) => t.id !== types[0].id && areas.features.some((f) => f.properties.coverage[t.id].status !== f.properties.coverage[types[0].id].status),
    );
    await setType(page, other.id);
    const after = await fills(page);
    const changed = Object.keys(before).filter((code) => before[code] !== after[code]);
    check(changed.length > 0, `recolour: switching ${types[0].id} → ${other.id} recolours ${changed.length} areas`);
    const expected = Object.fromEntries(areas.features.map((f) => [f.properties.code, f.properties.coverage[other.id].status]));
    const byStatus = {};
    for (const [code, fill] of Object.entries(after)) (byStatus[expected[code]] ??= new Set()).add(fill);
    check(Object.values(byStatus).every((s) => s.size === 1), 'recolour: one colour per status');
    check((await page.locator('#legend').innerText()).includes(other.label), 'recolour: legend follows the type');
    await page.check('input[name="mode"][value="rate"]');
    await page.waitForFunction(() => document.getElementById('map').dataset.mode === 'rate');
    const rate = await fills(page);
    check(Object.keys(rate).some((c) => rate[c] !== after[c]), 'recolour: rate mode recolours');
    check(await page.locator('#legend .ramp').isVisible(), 'recolour: rate legend shows the scale');
    await finish('recolour', session);
  },

  /** Clicking an area opens its panel, whose figures are the API's. Keyboard: Tab to an area and press Enter. */
  async panel(browser) {
    const session = await open(browser, DESKTOP);
    const { page } = session;
    await page.selectOption('#sites', 'none');
    const code = 'E09000007'; // Camden
    const detail = await api(`/api/areas/${code}`);
    await clickArea(page, detail.properties.name);
    await page.waitForSelector('#area-title');
    check((await page.locator('#area-title').innerText()) === detail.properties.name, 'panel: clicking an area opens its panel');
    const rows = await page.$$eval('#view-area tr[data-type]', (trs) =>
      trs.map((tr) => ({ type: tr.dataset.type, cells: [...tr.children].map((c) => c.innerText.trim()) })),
    );
    const statusText = { none: 'No service', below: 'Below benchmark', meets: 'Meets benchmark', no_benchmark: 'Served (no benchmark)' };
    const types = Object.keys(detail.properties.coverage);
    check(rows.length === types.length, `panel: a row for each of ${types.length} types`);
    const mismatches = [];
    for (const row of rows) {
      const c = detail.properties.coverage[row.type];
      const want = [statusText[c.status], String(c.serving), num(c.capacity_share), num(c.required), num(c.shortfall)];
      if (JSON.stringify(row.cells.slice(1)) !== JSON.stringify(want)) mismatches.push(`${row.type}: page ${row.cells.slice(1)} api ${want}`);
    }
    check(mismatches.length === 0, 'panel: figures per type match /api/areas/{code}', mismatches.join('\n     '));
    const selected = await page.$eval('#map', (m) => m.dataset.type);
    const serving = await page.$$eval('#view-area .area-type .site-list li .site-name', (els) => els.map((e) => e.textContent));
    const apiServing = detail.properties.coverage[selected].serving_sites.map((s) => s.name);
    check(JSON.stringify(serving.slice(0, apiServing.length)) === JSON.stringify(apiServing), 'panel: lists the services serving the area');
    const href = await page.locator('#view-area a.download').getAttribute('href');
    check(href === `/api/export/areas.csv?area=${code}`, 'panel: links to the area CSV', href);
    const csv = await fetch(new URL(href, base));
    check(csv.ok && (await csv.text()).includes(code), 'panel: the CSV link answers with the area');
    await page.screenshot({ path: join(shots, 'desktop-area.png') });

    // Keyboard: the areas are focusable buttons.
    const other = await api('/api/areas/E09000033');
    await page.focus('path[data-code="E09000033"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.getElementById('area-title')?.textContent === n, other.properties.name);
    check(true, 'panel: an area opens from the keyboard');
    await finish('panel', session);
  },

  /** The gaps table is worst first as the API says, sorts by column, and each row zooms the map. */
  async gaps(browser) {
    const session = await open(browser, DESKTOP, '/#view=gaps');
    const { page } = session;
    const types = (await api('/api/types')).types;
    const type = types.find((t) => t.benchmark) ?? types[0];
    await setType(page, type.id);
    await page.waitForSelector('#gaps-table, #gaps-empty');
    const gaps = await api(`/api/gaps?type=${type.id}&status=none,below`);
    const codes = () => page.$$eval('#gaps-table tbody tr', (trs) => trs.map((tr) => tr.dataset.code));
    check(
      JSON.stringify(await codes()) === JSON.stringify(gaps.features.map((f) => f.properties.code)),
      `gaps: ${gaps.features.length} areas in gap for ${type.id}, worst first as /api/gaps`,
    );
    await page.click('button[data-sort="name"]');
    const names = await page.$$eval('#gaps-table tbody th', (ths) => ths.map((t) => t.innerText));
    check(JSON.stringify(names) === JSON.stringify([...names].sort((a, b) => a.localeCompare(b))), 'gaps: sorts by area name');
    check((await page.getAttribute('button[data-sort="name"] >> xpath=..', 'aria-sort')) === 'ascending', 'gaps: aria-sort says so');
    await page.click('button[data-sort="name"]');
    const reversed = await page.$$eval('#gaps-table tbody th', (ths) => ths.map((t) => t.innerText));
    check(JSON.stringify(reversed) === JSON.stringify([...names].reverse()), 'gaps: sorts descending on a second click');
    await page.click('button[data-sort="shortfall"]');
    const shortfalls = await page.$$eval('#gaps-table tbody td[data-col="shortfall"]', (tds) => tds.map((t) => parseFloat(t.innerText.replace(/,/g, ''))));
    check(shortfalls.every((v, i) => i === 0 || !(v < shortfalls[i - 1])), 'gaps: sorts by shortfall');
    check((await page.locator('.rate-chart .bar').count()) === 33, 'gaps: chart has a bar per area');
    check((await page.locator('.rate-chart .reference line').count()) === 1, 'gaps: chart has the benchmark line');
    check((await page.locator('#lottery-figures').innerText()).includes('Gini'), 'gaps: lottery figures');

    await page.click('button[data-sort="rank"]');
    await page.locator('#panel').evaluate((p) => p.scrollTo(0, 0));
    await page.screenshot({ path: join(shots, 'desktop-gaps.png') });

    const target = gaps.features[0].properties.code;
    const width = () => page.$eval(`path[data-code="${target}"]`, (p) => p.getBoundingClientRect().width);
    const before = await width();
    await page.click(`#gaps-table tbody tr[data-code="${target}"] td[data-col="rate"]`);
    await page.waitForTimeout(1200);
    const after = await width();
    check(after > before * 1.5, `gaps: a row click zooms to its area (${before.toFixed(0)} → ${after.toFixed(0)} px wide)`);
    await page.check('#gaps-all');
    check((await page.locator('#gaps-table tbody tr').count()) === 33, 'gaps: "all areas" lists every area (the text alternative)');
    await finish('gaps', session);
  },

  /** Nearest sites from typed coordinates and from a click on the map; bad input shows the API's message. */
  async nearest(browser) {
    const session = await open(browser, DESKTOP, '/#view=nearest');
    const { page } = session;
    const type = await page.$eval('#map', (m) => m.dataset.type);
    await page.fill('#near-lat', '51.5074');
    await page.fill('#near-lon', '-0.1278');
    await page.click('.near-form button[type="submit"]');
    await page.waitForSelector('#near-results .near-list li');
    const answer = await api(`/api/nearest?lat=51.5074&lon=-0.1278&type=${type}&k=3`);
    const shown = await page.$$eval('#near-results .near-list li', (lis) =>
      lis.map((li) => [li.querySelector('.site-name').textContent, li.querySelector('.site-meta').textContent]),
    );
    const want = answer.features.map((f) => f.properties.name);
    check(JSON.stringify(shown.map((s) => s[0])) === JSON.stringify(want), `nearest: ${want.length} nearest ${type} sites as /api/nearest`);
    check(shown.every((s, i) => s[1].startsWith(`${num(answer.features[i].properties.distance_km)} km`)), 'nearest: with their distances');
    check((await page.locator('#near-results').innerText()).includes(`The point is in ${answer.area.name}`), 'nearest: names the area of the point');

    // Pick mode: a click anywhere on the map (here, a little off its centre, away from the search point) searches
    // from there, even on an area, which otherwise opens the area's panel.
    await page.selectOption('#sites', 'none');
    await page.click('#near-pick');
    check((await page.getAttribute('#near-pick', 'aria-pressed')) === 'true', 'nearest: the pick button says it is on');
    const box = await page.locator('#map').boundingBox();
    // The list still shows the first search's sites until the click's own /api/nearest answers: wait for that
    // response (not for a fixed time, nor for any list), then for the list drawn from it.
    const clicked = page.waitForResponse((r) => {
      const url = new URL(r.url());
      return url.pathname === '/api/nearest' && url.searchParams.get('lat') !== '51.5074';
    });
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.4);
    const response = await clicked;
    const asked = new URL(response.url()).searchParams;
    const picked = [asked.get('lat'), asked.get('lon')].map(Number);
    check(
      picked[0] === Number(await page.inputValue('#near-lat')) && picked[1] === Number(await page.inputValue('#near-lon')),
      `nearest: the click fills the form with its point (${picked.join(', ')})`,
    );
    const there = await response.json();
    const wantThere = JSON.stringify(there.features.map((f) => f.properties.name));
    const drawn = () => page.$$eval('#near-results .near-list .site-name', (els) => JSON.stringify(els.map((e) => e.textContent)));
    await page.waitForFunction((w) => JSON.stringify([...document.querySelectorAll('#near-results .near-list .site-name')].map((e) => e.textContent)) === w, wantThere, { timeout: 5000 }).catch(() => {});
    const names = JSON.parse(await drawn());
    check(
      JSON.stringify(names) === JSON.stringify(there.features.map((f) => f.properties.name)),
      `nearest: a click on the map searches from that point (${picked.join(', ')})`,
    );
    check((await page.locator('#area-title').count()) === 0, 'nearest: the click did not open an area instead');

    await page.fill('#near-lat', 'north');
    await page.click('.near-form button[type="submit"]');
    await page.waitForFunction(() => document.getElementById('near-error').textContent.length > 0);
    check((await page.locator('#near-error').innerText()).includes('lat'), 'nearest: bad coordinates show the API error');
    await finish('nearest', session);
  },

  /** A listing named like markup shows as those characters, and nothing runs. */
  async xss(browser) {
    const services = await api('/api/services');
    const evil = services.features.find((f) => f.properties.name === XSS_NAME);
    if (!check(Boolean(evil), 'xss: the fixture has the listing')) return;
    const p = evil.properties;
    const session = await open(browser, DESKTOP, `/#type=${p.type}&view=area&area=${p.located_in}`);
    const { page } = session;
    await page.waitForSelector('#view-area .site-name');
    const names = await page.$$eval('#view-area .site-name', (els) => els.map((e) => e.textContent));
    check(names.includes(XSS_NAME), 'xss: the area panel shows the name as literal text', names.join(' | '));
    check((await page.locator('img[src="x"]').count()) === 0, 'xss: no element was made from it');
    const [lon, lat] = evil.geometry.coordinates;
    await page.click('#tab-nearest');
    await page.fill('#near-lat', String(lat));
    await page.fill('#near-lon', String(lon));
    await page.click('.near-form button[type="submit"]');
    await page.waitForSelector('#near-results .near-list li');
    const near = await page.$$eval('#near-results .site-name', (els) => els.map((e) => e.textContent));
    check(near.includes(XSS_NAME), 'xss: the nearest list shows it as text');
    await page.locator('#near-results details summary').first().click();
    check((await page.locator('#near-results .site-details h3').first().textContent()) === XSS_NAME, 'xss: its details show it as text');
    check((await page.locator('img[src="x"]').count()) === 0, 'xss: still no element made from it');
    await finish('xss', session);
  },

  /**
   * The review loop: a provider submits a new listing on /providers.html (a bad value first, which the API's
   * problem list marks inline), a reviewer approves it from the queue, and the map shows the area served.
   */
  async submission(browser) {
    const provider = process.env.GAPMAP_PROVIDER_TOKEN;
    const reviewer = process.env.GAPMAP_REVIEWER_TOKEN;
    if (!check(Boolean(provider && reviewer), 'submission: accounts were made for the test')) return;
    const areas = await api('/api/areas?type=isva');
    const target = areas.features.find((f) => f.properties.coverage.isva.status === 'none');
    if (!check(Boolean(target), 'submission: some area has no ISVA service')) return;
    const { code, name } = target.properties;
    const [lon, lat] = target.properties.representative_point;

    const session = await open(browser, DESKTOP, `/#type=isva&view=area&area=${code}`);
    const { page } = session;
    await page.waitForSelector('#area-title');
    const fillBefore = await page.getAttribute(`path[data-code="${code}"]`, 'fill');
    check((await page.locator('#view-area .area-type .status').first().innerText()) === 'No service', `submission: ${name} starts with no ISVA service`);

    await page.goto(new URL('/providers.html', base).href);
    await page.waitForSelector('body[data-ready="true"]');
    await page.fill('#token', provider);
    await page.click('#signin-form button[type="submit"]');
    check(!page.url().includes(provider), 'submission: the token is not in the address');
    await page.selectOption('#field-kind', 'new');
    const fields = {
      listing_id: 'browser-test-isva', name: `Browser test ISVA service, ${name}`, provider: 'Browser Test Org',
      lat: 'north', lon: String(lon), capacity: '2', phone: '020 7946 0998',
      website: 'https://example.org/browser-test', last_verified: '2026-11-01', source: 'illustrative browser-test row',
    };
    for (const [field, value] of Object.entries(fields)) await page.fill(`#field-${field}`, value);
    await page.selectOption('#field-type', 'isva');
    await page.selectOption('#field-location_precision', 'exact');
    await page.selectOption('#field-setting', 'community');
    await page.click('#submit-form button[type="submit"]');
    await page.waitForFunction(() => document.getElementById('field-lat-error').textContent.length > 0);
    check((await page.getAttribute('#field-lat', 'aria-invalid')) === 'true', 'submission: a bad latitude is marked inline');
    await page.fill('#field-lat', String(lat));
    await page.click('#submit-form button[type="submit"]');
    await page.waitForFunction(() => document.getElementById('submit-status').textContent.startsWith('Sent for review'));
    check(true, 'submission: the provider sent it for review');
    check((await (await fetch(new URL(`/api/areas/${code}`, base))).json()).properties.coverage.isva.status === 'none', 'submission: nothing changes before review');

    await page.click('#signout');
    await page.fill('#token', reviewer);
    await page.click('#signin-form button[type="submit"]');
    await page.locator('#queue-list button', { hasText: 'Browser test ISVA' }).click();
    await page.waitForSelector('#review table.diff');
    const diff = await page.locator('#review table.diff').innerText();
    check(diff.includes(`Browser test ISVA service, ${name}`), 'submission: the reviewer sees the diff');
    await page.fill('#review-comment', 'Checked with the provider.');
    await page.click('#review button.primary');
    await page.waitForFunction(() => document.querySelector('#review [role="status"]').textContent.startsWith('Approved'));
    check(true, 'submission: the reviewer approved it');

    await page.goto(new URL(`/#type=isva&view=area&area=${code}`, base).href);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForSelector('#area-title');
    const after = await api(`/api/areas/${code}`);
    check(after.properties.coverage.isva.status !== 'none', `submission: the API now has ${name} served (${after.properties.coverage.isva.status})`);
    const shownStatus = await page.locator('#view-area .area-type .status').first().innerText();
    check(shownStatus !== 'No service', `submission: the area panel says ${shownStatus}`);
    const names = await page.$$eval('#view-area .area-type .site-name', (els) => els.map((e) => e.textContent));
    check(names.includes(`Browser test ISVA service, ${name}`), 'submission: the new service serves the area');
    const fillAfter = await page.getAttribute(`path[data-code="${code}"]`, 'fill');
    check(fillAfter !== fillBefore, `submission: the map recoloured ${name} (${fillBefore} → ${fillAfter})`);
    await finish('submission', session);
  },

  /** Postcode search in the header and in Nearest: the map centres on the postcode, results scroll into view. */
  async search(browser) {
    for (const [size, device] of SIZES) {
      const session = await open(browser, device);
      const { page } = session;
      const type = await page.$eval('#map', (m) => m.dataset.type);
      // The postcode directory is read in the background after start: wait until it answers.
      let place = null;
      for (let i = 0; i < 100 && !place; i += 1) {
        place = await api(`/api/geocode?q=SE5%209RS&type=${type}&k=3`).catch(() => null);
        if (!place) await new Promise((r) => setTimeout(r, 200));
      }
      await page.fill('#place-q', 'se5 9rs');
      await page.press('#place-q', 'Enter');
      await page.waitForSelector('#near-place');
      await page.waitForTimeout(900);
      const [clat, clon] = (await page.$eval('#map', (m) => m.dataset.centre)).split(',').map(Number);
      check(Math.abs(clat - place.lat) < 0.002 && Math.abs(clon - place.lon) < 0.003, `search ${size}: the map centres on SE5 9RS (${clat}, ${clon} vs ${place.lat}, ${place.lon})`);
      const said = await page.locator('#near-place').innerText();
      check(said.includes('SE5 9RS') && said.includes(place.area.name), `search ${size}: names the postcode and its area`, said);
      const names = await page.$$eval('#near-results .near-list .site-name', (els) => els.map((e) => e.textContent));
      check(JSON.stringify(names) === JSON.stringify(place.nearest.features.map((f) => f.properties.name)), `search ${size}: the nearest sites are /api/geocode's`);
      const box = await page.locator('#near-results').boundingBox();
      const vh = device.viewport.height;
      check(box && box.y < vh && box.y + 20 > 0, `search ${size}: the results are scrolled into view (top at ${box?.y.toFixed(0)} px)`);
      await page.fill('#near-q', 'ZZ9 9ZZ');
      await page.click('.near-form button[type="submit"]');
      await page.waitForFunction(() => document.getElementById('near-error').textContent.length > 0);
      const err = await page.locator('#near-error').innerText();
      check(/ZZ9 ?9ZZ/i.test(err) && /postcode/i.test(err), `search ${size}: an unknown postcode says so`, err);
      await page.fill('#near-q', 'Hammersmith & Fulham');
      await page.click('.near-form button[type="submit"]');
      await page.waitForFunction(() => document.getElementById('near-place')?.textContent.includes('Hammersmith'));
      check(true, `search ${size}: an area's name is found from the Nearest form`);
      await page.screenshot({ path: join(shots, `${size}-search.png`) });
      await finish(`search ${size}`, session);
    }
  },

  /** Gap-first colours: the worse the provision, the darker; rate mode capped with its outliers named. */
  async colours(browser) {
    for (const [size, device] of SIZES) {
      const session = await open(browser, device);
      const { page } = session;
      const areas = await api('/api/areas');
      const types = (await api('/api/types')).types;
      const type = types.find((t) => t.id === 'idva');
      await setType(page, type.id);
      const f = await fills(page);
      const byStatus = {};
      for (const a of areas.features) byStatus[a.properties.coverage.idva.status] = f[a.properties.code];
      check(
        luminance(byStatus.none ?? '#000000') < luminance(byStatus.below) && luminance(byStatus.below) < luminance(byStatus.meets),
        `colours ${size}: no service darkest, below darker than meets (${JSON.stringify(byStatus)})`,
      );
      const sentence = await page.locator('#legend-sentence').textContent();
      check(sentence.split(/[.!?](\s|$)/).filter((x) => x && x.trim()).length === 1 && sentence.includes('4 FTE advisers per 100,000 women'), `colours ${size}: the legend explains it in one sentence`, sentence);
      await page.check('input[name="mode"][value="share"]');
      await page.waitForFunction(() => document.getElementById('map').dataset.mode === 'share');
      const shares = await fills(page);
      const rows = areas.features.map((a) => ({ code: a.properties.code, share: Math.min(1, shareMet(a.properties.coverage.idva)) }));
      rows.sort((a, b) => a.share - b.share);
      const monotonic = rows.every((r, i) => i === 0 || luminance(shares[r.code]) >= luminance(shares[rows[i - 1].code]) - 0.5);
      check(monotonic, `colours ${size}: share of benchmark met is darker the less is met`);
      await page.check('input[name="mode"][value="rate"]');
      await setType(page, 'isva');
      await page.waitForFunction(() => document.getElementById('map').dataset.mode === 'rate');
      const isva = areas.features.map((a) => ({ name: a.properties.name, code: a.properties.code, rate: a.properties.coverage.isva.rate })).sort((a, b) => b.rate - a.rate);
      const legend = await page.locator('#legend-sentence').textContent();
      check(legend.includes(isva[0].name), `colours ${size}: the rate legend names the outlier ${isva[0].name}`, legend);
      const rateFills = await fills(page);
      const distinct = new Set(isva.slice(1).map((r) => rateFills[r.code])).size;
      check(distinct >= 10, `colours ${size}: the other areas are told apart (${distinct} colours)`);
      await finish(`colours ${size}`, session);
    }
  },

  /** The borough × type heat table: API figures, sortable, each cell opens its area and type. */
  async overview(browser) {
    for (const [size, device] of SIZES) {
      const session = await open(browser, device, '/#view=overview');
      const { page } = session;
      await page.waitForSelector('#overview-table');
      const areas = await api('/api/areas');
      const types = (await api('/api/types')).types;
      check((await page.locator('#overview-table tbody tr').count()) === 33, `overview ${size}: a row per area`);
      check((await page.locator('#overview-table thead th').count()) === types.length + 1, `overview ${size}: a column per type`);
      const camden = areas.features.find((a) => a.properties.code === 'E09000007').properties;
      const cells = await page.$$eval('#overview-table tr[data-code="E09000007"] a.heat', (as) => as.map((a) => [a.dataset.type, a.textContent]));
      const wrong = cells.filter(([t, text]) => {
        const sh = shareMet(camden.coverage[t]);
        const want = sh === null ? '–' : Math.round(sh * 100) > 999 ? '999+' : String(Math.round(sh * 100));
        return want !== text;
      });
      check(cells.length === types.length && wrong.length === 0, `overview ${size}: Camden's cells are the API's share met`, JSON.stringify(wrong));
      await page.click('button[data-sort="rape_crisis"]');
      const order = await page.$$eval('#overview-table tbody tr', (trs) => trs.map((tr) => tr.dataset.code));
      const shares = order.map((c) => shareMet(areas.features.find((a) => a.properties.code === c).properties.coverage.rape_crisis));
      check(shares.every((v, i) => i === 0 || v >= shares[i - 1]), `overview ${size}: sorts by a type, worst first`);
      check((await page.locator('#overview-lottery tbody tr').count()) === types.length, `overview ${size}: lottery figures for every type`);
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      const table = await page.$eval('#overview-table', (t) => [t.scrollWidth, t.parentElement.clientWidth]);
      check(sideways <= 0 && table[0] <= table[1], `overview ${size}: the table fits (${table[0]} ≤ ${table[1]} px)`);
      await page.locator('#view-overview').evaluate((v) => v.scrollIntoView());
      await page.screenshot({ path: join(shots, `${size}-overview.png`) });
      await page.click('#overview-table tr[data-code="E09000033"] a.heat[data-type="haven"]');
      await page.waitForFunction(() => document.getElementById('area-title')?.textContent === 'Westminster');
      await page.waitForFunction(() => document.getElementById('map').dataset.type === 'haven');
      check(true, `overview ${size}: a cell opens Westminster with the Havens`);
      await finish(`overview ${size}`, session);
    }
  },

  /** Downloads beside the tables, with type and area filters and the sample notice; a one-page A4 print. */
  async exports(browser) {
    for (const [size, device] of SIZES) {
      const session = await open(browser, device, '/#type=haven&view=gaps');
      const { page } = session;
      await page.waitForSelector('#gaps-downloads');
      const hrefs = await page.$$eval('#gaps-downloads a', (as) => as.map((a) => a.getAttribute('href')));
      check(hrefs[0] === '/api/export/areas.csv?type=haven' && hrefs[1].startsWith('/api/gaps?type=haven'), `exports ${size}: CSV and GeoJSON beside the gaps table`, hrefs.join(' '));
      const csv = await (await fetch(new URL(hrefs[0], base))).text();
      const lines = csv.trim().split('\n');
      check(lines[0].startsWith('# SAMPLE DATA'), `exports ${size}: the CSV starts with the sample notice`, lines[0]);
      check(lines.length === 2 + 33 && lines.slice(2).every((l) => l.split(',')[2] === 'haven'), `exports ${size}: type=haven gives 33 haven rows`);
      const geo = await (await fetch(new URL(hrefs[1], base))).json();
      check(geo.type === 'FeatureCollection', `exports ${size}: the GeoJSON link answers`);
      for (const path of ['/api/export/services.csv?type=nope', '/api/export/areas.csv?type=nope', '/api/export/services.geojson?area=E09000099']) {
        const r = await fetch(new URL(path, base));
        const body = await r.json().catch(() => ({}));
        check(r.status === 400 && /nope|E09000099/.test(body.detail ?? ''), `exports ${size}: ${path} is 400 naming the value`, JSON.stringify(body));
      }
      const services = await (await fetch(new URL('/api/export/services.csv?type=haven&area=E09000028', base))).text();
      const srows = services.trim().split('\n');
      check(srows[0].startsWith('# SAMPLE DATA') && srows.length > 2 && srows.slice(2).every((l) => l.includes(',haven,')), `exports ${size}: services.csv filters by type and area`);
      await page.click('#tab-overview');
      await page.waitForSelector('#overview-downloads');
      check((await page.locator('#overview-downloads a').count()) === 2, `exports ${size}: CSV and GeoJSON beside the overview`);
      await page.emulateMedia({ media: 'print' });
      await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
      await page.waitForTimeout(300);
      check(!(await page.locator('#panel').isVisible()) && (await page.locator('#legend').isVisible()), `exports ${size}: print shows the map and legend, not the panel`);
      const meta = await page.locator('#print-meta').innerText();
      check(meta.includes('1 centre per 400,000 women') && /last verified up to \d{4}-\d\d-\d\d/.test(meta), `exports ${size}: print states the benchmark and the data date`, meta);
      check(await page.locator('#sample-notice').isVisible(), `exports ${size}: print keeps the sample notice`);
      if (size === 'desktop') {
        const pdf = await page.pdf({ format: 'A4', printBackground: true });
        const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
        check(pages === 1, `exports: the print is one A4 page (${pages})`);
      }
      await finish(`exports ${size}`, session);
    }
  },

  /** All London, confidential results, labels over markers, a key for every glyph, wording, fit, tooltips. */
  async navigation(browser) {
    for (const [size, device] of SIZES) {
      const session = await open(browser, device, '/#type=haven');
      const { page } = session;
      const zoom0 = Number(await page.$eval('#map', (m) => m.dataset.zoom ?? '0'));
      await page.selectOption('#area', 'E09000007');
      await page.waitForSelector('#area-title');
      await page.waitForTimeout(900);
      await page.click('#all-london');
      await page.waitForTimeout(900);
      const zoom1 = Number(await page.$eval('#map', (m) => m.dataset.zoom));
      check(Math.abs(zoom1 - zoom0) < 0.3 || zoom0 === 0, `navigation ${size}: All London goes back to the whole map (zoom ${zoom1})`);
      const legend = await page.locator('#legend').textContent();
      check(legend.includes('1 centre per 400,000 women') && !legend.includes('1 centres'), `navigation ${size}: "1 centre per 400,000 women"`);
      await page.selectOption('#sites', 'all');
      await page.waitForFunction(() => document.querySelectorAll('#legend-key li').length > 3);
      const key = await page.locator('#legend-key').textContent();
      const types = (await api('/api/types')).types;
      check(types.every((t) => key.includes(t.label)), `navigation ${size}: the legend has a key for every glyph`);
      const z = await page.evaluate(() => [getComputedStyle(document.querySelector('.leaflet-labels-pane')).zIndex, getComputedStyle(document.querySelector('.leaflet-marker-pane')).zIndex].map(Number));
      check(z[0] > z[1], `navigation ${size}: borough labels sit above site markers (${z})`);
      // The idva panel of an area that meets the benchmark: "N FTE advisers against the R required".
      const areas = await api('/api/areas');
      const meets = areas.features.find((a) => a.properties.coverage.idva.status === 'meets');
      if (meets) {
        await page.goto(new URL(`/#type=idva&view=area&area=${meets.properties.code}`, base).href);
        await page.reload();
        await page.waitForSelector('#area-title');
        const standing = await page.locator('#view-area .standing').innerText();
        check(/FTE advisers? against the [\d.,]+ required/.test(standing) && !standing.includes('of the'), `navigation ${size}: wording "${standing}"`);
      }
      const tables = await page.$$eval('.data-table', (ts) => ts.filter((t) => t.offsetParent).map((t) => [t.id || t.className, t.getBoundingClientRect().right, t.scrollWidth, t.parentElement.clientWidth]));
      const vw = device.viewport.width;
      check(tables.every(([, right, sw, cw]) => right <= vw + 0.5 && sw <= cw + 1), `navigation ${size}: every table fits (${JSON.stringify(tables)})`);
      await page.click('#tab-gaps');
      await page.waitForSelector('#gaps-table');
      await page.check('#gaps-all');
      const gaps = await page.$eval('#gaps-table', (t) => [t.getBoundingClientRect().right, t.scrollWidth, t.parentElement.clientWidth]);
      const shortfall = await page.$eval('#gaps-table thead th:last-child', (th) => th.getBoundingClientRect().right);
      check(gaps[0] <= vw && gaps[1] <= gaps[2] + 1 && shortfall <= vw, `navigation ${size}: the gaps table's Shortfall column is on screen (${shortfall.toFixed(0)} ≤ ${vw})`);
      await page.locator('#map').scrollIntoViewIfNeeded();
      const mapBox = await page.locator('#map').boundingBox();
      await page.mouse.move(mapBox.x + mapBox.width - 6, mapBox.y + mapBox.height * 0.45);
      await page.waitForTimeout(300);
      const tip = await page.locator('.leaflet-tooltip').first().boundingBox().catch(() => null);
      // Edges are sub-pixel (a 2× phone screen lays out in half pixels): compare them rounded to whole pixels.
      check(!tip || (Math.round(tip.x) >= 0 && Math.round(tip.x + tip.width) <= vw), `navigation ${size}: a tooltip at the map's edge stays on screen (${tip ? `${tip.x.toFixed(0)}–${(tip.x + tip.width).toFixed(0)}` : 'none'})`);
      // A confidential type: the nearest result shows its whole area, not a 500 m patch.
      await page.goto(new URL('/#type=rape_crisis&view=nearest', base).href);
      await page.reload();
      await page.waitForSelector('#near-q');
      await page.fill('#near-q', 'SE5 9RS');
      await page.click('.near-form button[type="submit"]');
      await page.waitForSelector('#near-results .near-list li');
      await page.waitForTimeout(900);
      const zoom = Number(await page.$eval('#map', (m) => m.dataset.zoom));
      check(zoom <= 12.5, `navigation ${size}: a confidential result shows its whole area (zoom ${zoom})`);
      await finish(`navigation ${size}`, session);
    }
  },

  /** Stale listings: in the legend with the last-verified date, in the area panel, and on the map. */
  async freshness(browser) {
    const services = await api('/api/services');
    const stale = services.features.filter((f) => f.properties.stale);
    const latest = services.features.map((f) => f.properties.last_verified).sort().pop();
    const site = stale.find((f) => f.properties.location_precision === 'exact');
    for (const [size, device] of SIZES) {
      const session = await open(browser, device, `/#type=${site.properties.type}&view=area&area=${site.properties.located_in}`);
      const { page } = session;
      await page.waitForSelector('#area-stale');
      const fresh = await page.locator('#legend-fresh').textContent();
      check(fresh.includes(latest) && fresh.includes(`${stale.length} listings`), `freshness ${size}: the legend says ${stale.length} stale, last verified ${latest}`, fresh);
      const detail = await api(`/api/areas/${site.properties.located_in}`);
      const note = await page.locator('#area-stale').innerText();
      check(note.startsWith(`${detail.properties.stale_listings} listing`), `freshness ${size}: the area panel gives its stale_listings (${detail.properties.stale_listings})`, note);
      check((await page.locator(`#view-area .area-type li[data-site="${site.properties.id}"] .stale-flag`).count()) === 1, `freshness ${size}: the stale listing is flagged in the panel`);
      await page.waitForTimeout(900);
      const marker = page.locator(`.site-marker.stale[data-site="${site.properties.id}"]`);
      check((await marker.count()) === 1, `freshness ${size}: the stale listing is marked on the map`);
      await finish(`freshness ${size}`, session);
    }
  },

  /** The provider dashboard: token checked at once, listings with stale flags, submissions, no double submit. */
  async providers(browser) {
    const provider = process.env.GAPMAP_STALE_PROVIDER_TOKEN;
    const reviewer = process.env.GAPMAP_REVIEWER_TOKEN;
    if (!check(Boolean(provider && reviewer), 'providers: accounts were made for the test')) return;
    const org = 'Harrow Domestic Abuse Partnership (illustrative)';
    for (const [size, device] of SIZES) {
      const session = await open(browser, device, '/providers.html');
      const { page } = session;
      await page.fill('#token', 'not-a-token');
      await page.click('#signin-form button[type="submit"]');
      await page.waitForFunction(() => /refused/.test(document.getElementById('signin-status').textContent));
      check(await page.locator('#submit').isHidden(), `providers ${size}: a wrong token is refused at sign-in`);
      await page.fill('#token', provider);
      await page.click('#signin-form button[type="submit"]');
      await page.waitForFunction(() => document.getElementById('whoami').textContent.length > 0);
      const who = await page.locator('#whoami').innerText();
      check(who.includes('provider') && who.includes(org), `providers ${size}: shows role and organisation`, who);
      await page.waitForSelector('#mine-listings li[data-listing="idva-harrow"]');
      check((await page.locator('#mine-listings li[data-listing="idva-harrow"] .stale-flag').count()) === 1, `providers ${size}: my listings flag the stale one`);
      await page.locator('#mine-listings li[data-listing="idva-harrow"] button').click();
      await page.waitForFunction(() => document.getElementById('field-name').value.length > 0);
      check((await page.inputValue('#field-serves')) === '', `providers ${size}: loading keeps an empty serves empty`);
      await page.fill('#field-last_verified', '2026-11-30');
      const before = (await (await fetch(new URL('/api/submissions', base), { headers: { Authorization: `Bearer ${provider}` } })).json()).submissions.length;
      const send = page.locator('#submit-form button[type="submit"]');
      await send.dblclick();
      await page.waitForFunction(() => document.getElementById('submit-status').textContent.startsWith('Sent for review'));
      const after = (await (await fetch(new URL('/api/submissions', base), { headers: { Authorization: `Bearer ${provider}` } })).json()).submissions;
      check(after.length === before + 1, `providers ${size}: a double click on Send makes one submission (${before} → ${after.length})`);
      const mine = after[after.length - 1];
      const review = await (await fetch(new URL(`/api/submissions/${mine.id}`, base), { headers: { Authorization: `Bearer ${reviewer}` } })).json();
      const changed = review.diff.filter((d) => d.changed).map((d) => d.field);
      check(JSON.stringify(changed) === JSON.stringify(['last_verified']), `providers ${size}: the reviewer's diff shows only the real change`, changed.join(','));
      await fetch(new URL(`/api/submissions/${mine.id}/reject`, base), {
        method: 'POST', headers: { Authorization: `Bearer ${reviewer}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ comment: `Please attach the contract (${size}).` }),
      });
      await page.reload();
      await page.waitForSelector(`#mine-table tr[data-submission="${mine.id}"]`);
      const row = await page.locator(`#mine-table tr[data-submission="${mine.id}"]`).innerText();
      check(row.includes('rejected') && row.includes(`Please attach the contract (${size}).`) && /\d{4}-\d\d-\d\d/.test(row), `providers ${size}: the rejection shows with the reviewer's comment and date`, row);
      await page.locator('.serves-picker summary').click();
      await page.check('#serves-E09000005');
      await page.check('#serves-E09000015');
      check((await page.inputValue('#field-serves')) === 'E09000005;E09000015', `providers ${size}: serves is picked from area names`);
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(sideways <= 0, `providers ${size}: fits the width (${sideways}px)`);
      await page.locator('#mine').evaluate((m) => m.scrollIntoView());
      await page.screenshot({ path: join(shots, `${size}-providers.png`) });
      await finish(`providers ${size}`, session);
    }
  },

  /** axe-core on the map (each view) and the providers page, at both sizes: no serious or critical violation. */
  async axe(browser) {
    for (const [size, device] of SIZES) {
      for (const path of ['/#view=gaps', '/#view=overview', '/#view=nearest', '/#view=area&area=E09000007', '/#view=plan', '/#view=scenario', '/providers.html']) {
        // axe is injected as an inline script, which the page's Content-Security-Policy rightly refuses.
        const session = await open(browser, { ...device, bypassCSP: true }, path);
        const { page } = session;
        await page.waitForTimeout(500);
        await page.addScriptTag({ content: AXE_SOURCE });
        const result = await page.evaluate(async () => {
          const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
          return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
        });
        const serious = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        check(serious.length === 0, `axe ${size} ${path}: no serious violations`, JSON.stringify(serious));
        await finish(`axe ${size} ${path}`, session);
      }
    }
  },

  ...planningScenarios,

  /** Phone-sized screen: map, an area panel and the gaps view. */
  async phone(browser) {
    const session = await open(browser, PHONE);
    const { page } = session;
    check((await areaPaths(page).count()) === 33, 'phone: 33 areas drawn');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, `phone: no sideways scrolling (${overflow}px)`);
    await page.screenshot({ path: join(shots, 'phone-map.png') });
    const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.selectOption('#area', 'E09000028');
    await page.waitForSelector('#area-title');
    check((await sideways()) <= 0, 'phone: the area panel fits the width');
    await page.locator('.tabs').evaluate((t) => window.scrollTo(0, t.getBoundingClientRect().top + window.scrollY - 200));
    await page.screenshot({ path: join(shots, 'phone-area.png') });
    await page.click('#tab-gaps');
    await page.waitForSelector('#gaps-table, #gaps-empty');
    check((await sideways()) <= 0, 'phone: the gaps view fits the width');
    await page.locator('.tabs').evaluate((t) => window.scrollTo(0, t.getBoundingClientRect().top + window.scrollY));
    await page.screenshot({ path: join(shots, 'phone-gaps.png') });
    await finish('phone', session);
  },
};

/** Bytes on the wire (headers + compressed bodies) for the page's load, as Chromium counted them. */
async function transferSize(session) {
  let total = 0;
  for (const response of session.responses) {
    const sizes = await response.request().sizes();
    total += sizes.responseHeadersSize + sizes.responseBodySize;
  }
  return total;
}

const names = wanted.length ? wanted : Object.keys(scenarios);
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
try {
  for (const name of names) {
    if (!scenarios[name]) {
      check(false, `unknown scenario ${name}`);
      continue;
    }
    try {
      await scenarios[name](browser);
    } catch (error) {
      check(false, `${name}: ${error.message.split('\n')[0]}`, error.stack);
    }
  }
} finally {
  await browser.close();
}
console.log(`${passes} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
