// Browser scenarios of the map's planning views (issue 12): "Plan hubs" (POST /api/plan drawn on the map and
// read out) and "What if" (a scenario made from the live data, then opened from its shared link without a token).
// Loaded by run.mjs, which passes its helpers.

import { join } from 'node:path';

const whole = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

export function scenarios({ api, open, finish, check, clickArea, axeCheck, shots, base, SIZES, DESKTOP, PHONE }) {
  const post = async (path, body, token) => {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(new URL(path, base), { method: 'POST', headers, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
    return response.json();
  };
  const sideways = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  return {
    /** Plan hubs at both sizes: the API's chosen hubs drawn on the map in order, the greedy account listed, the
     *  figures and the London-wide before/after; p-median too; a refused plan shows the API's message. */
    async plan(browser) {
      const types = (await api('/api/types')).types;
      const type = types.find((t) => t.id === 'idva') ?? types[0];
      const body = { type: type.id, k: 3, model: 'mclp', radius: type.catchment_km, keep_existing: true };
      const expected = await post('/api/plan', body);
      for (const [size, device] of SIZES) {
        const session = await open(browser, { ...device, bypassCSP: true }, '/#view=plan');
        const { page } = session;
        await page.waitForSelector('#plan-form');
        check((await page.inputValue('#plan-radius')) === String(type.catchment_km), `plan ${size}: reach defaults to the type's catchment (${type.catchment_km} km)`);
        check(await page.isChecked('#plan-keep'), `plan ${size}: "keep the existing sites" is on by default`);
        await page.selectOption('#plan-type', type.id);
        await page.fill('#plan-k', '3');
        await page.click('#plan-submit');
        await page.waitForSelector('#plan-account li');
        const account = await page.$$eval('#plan-account li', (lis) => lis.map((li) => ({ id: li.dataset.id, text: li.innerText })));
        check(
          JSON.stringify(account.map((a) => a.id)) === JSON.stringify(expected.chosen),
          `plan ${size}: the greedy account lists the API's ${expected.chosen.length} chosen hubs in order`,
          JSON.stringify(account),
        );
        const first = expected.steps[0];
        const noun = type.basis === 'population' ? 'people' : type.basis;
        check(account[0]?.text.includes(`adds ${whole.format(first.adds)} ${noun} covered`), `plan ${size}: each step says what it adds ("adds N ${noun} covered")`, account[0]?.text);
        const hubs = await page.$$eval('.hub-marker[data-hub]', (els) => els.map((e) => e.dataset.hub));
        check(JSON.stringify(hubs) === JSON.stringify(expected.chosen), `plan ${size}: the chosen hubs are drawn on the map (${hubs.length})`, JSON.stringify(hubs));
        const key = page.locator('#legend-hubs');
        check((await key.getAttribute('hidden')) === null && (await key.textContent()).includes('New hub'), `plan ${size}: the legend has a key for the new hubs`);
        check((await page.innerText('#plan-objective')).includes(whole.format(expected.objective)), `plan ${size}: the objective is the API's`);
        check((await page.innerText('#plan-gap')).length > 0 && (await page.innerText('#plan-optimal')).length > 0, `plan ${size}: gap and optimality shown`);
        const cells = await page.$$eval('#plan-before-after tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.innerText.trim())));
        check(
          cells[0]?.[1] === whole.format(expected.base) && cells[0]?.[2] === whole.format(expected.objective),
          `plan ${size}: demand covered before and after is the API's base and objective`,
          JSON.stringify(cells),
        );
        // Per area: a row per area of the API's `areas`, largest gain in share covered first, new hubs' areas marked
        // in the table and outlined on the map.
        const areaRows = await page.$$eval('#plan-areas tbody tr', (trs) => trs.map((tr) => ({ code: tr.dataset.code, chosen: tr.classList.contains('chosen'), cells: [...tr.children].map((c) => c.innerText.trim()) })));
        const gain = (a) => a.after.share - a.before.share;
        const sorted = [...expected.areas].sort((a, b) => gain(b) - gain(a) || a.name.localeCompare(b.name));
        check(
          JSON.stringify(areaRows.map((r) => r.code)) === JSON.stringify(sorted.map((a) => a.code)) && areaRows.length === expected.areas.length,
          `plan ${size}: the per-area table has the API's ${expected.areas.length} areas, largest gain first`,
          JSON.stringify(areaRows.slice(0, 3)),
        );
        const pct = (v) => new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 0 }).format(v);
        check(
          areaRows[0]?.cells[1] === pct(sorted[0].before.share) && areaRows[0]?.cells[2] === pct(sorted[0].after.share),
          `plan ${size}: each area's share covered before → after is the API's (${areaRows[0]?.cells.join(' | ')})`,
        );
        const chosenCodes = expected.areas.filter((a) => a.chosen_here).map((a) => a.code).sort();
        const marked = areaRows.filter((r) => r.chosen).map((r) => r.code).sort();
        const outlined = (await page.$$eval('[data-chosen-area]', (els) => els.map((e) => e.dataset.chosenArea))).sort();
        check(
          chosenCodes.length > 0 && JSON.stringify(marked) === JSON.stringify(chosenCodes) && JSON.stringify(outlined) === JSON.stringify(chosenCodes),
          `plan ${size}: the new hubs' areas are marked in the table and outlined on the map (${chosenCodes.join(', ')})`,
          JSON.stringify({ marked, outlined }),
        );
        check(!(await page.innerText('#plan-results')).includes('rather than estimate'), `plan ${size}: no longer says per-area figures are missing`);
        check((await page.locator('#plan-scenario-hint').count()) === 1, `plan ${size}: without a token, says where to sign in to open it as a scenario`);
        check((await sideways(page)) <= 0, `plan ${size}: fits the width`);
        await page.locator('#plan-answer-title').evaluate((t) => t.scrollIntoView());
        await page.screenshot({ path: join(shots, `${size}-plan.png`) });
        await axeCheck(page, `plan ${size} with an answer`);
        if (size === 'desktop') {
          await page.check('input[name="plan-model"][value="pmedian"]');
          check(await page.locator('#plan-radius-field').isHidden(), 'plan: p-median hides the reach');
          const pmedian = await post('/api/plan', { type: type.id, k: 2, model: 'pmedian', keep_existing: true });
          await page.fill('#plan-k', '2');
          await page.click('#plan-submit');
          // London's exact p-median takes about 10 s in a debug build alone, longer beside the other browser tests.
          await page.waitForFunction(() => document.getElementById('plan-summary')?.textContent.includes('p-median'), null, { timeout: 120000 });
          const ids = await page.$$eval('#plan-account li', (lis) => lis.map((li) => li.dataset.id));
          check(JSON.stringify(ids) === JSON.stringify(pmedian.chosen), 'plan: p-median lists the API’s chosen hubs', JSON.stringify(ids));
          // A hub capacity: each area's status before → after, as the API's `gaps`.
          await page.check('input[name="plan-model"][value="mclp"]');
          await page.fill('#plan-k', '3');
          await page.fill('#plan-capacity', '2');
          const withGaps = await post('/api/plan', { ...body, hub_capacity: 2 });
          await page.click('#plan-submit');
          await page.waitForFunction(() => document.querySelectorAll('#plan-areas thead th').length === 4, null, { timeout: 120000 });
          const statusCells = await page.$$eval('#plan-areas tbody tr', (trs) => Object.fromEntries(trs.map((tr) => [tr.dataset.code, tr.children[3].innerText.trim()])));
          const short = { none: 'No service', below: 'Below', meets: 'Meets', no_benchmark: 'Served' };
          check(
            withGaps.areas.every((a) => statusCells[a.code] === `${short[a.gaps.before.status]} → ${short[a.gaps.after.status]}`),
            'plan: with a hub capacity, each area’s status before → after is the API’s',
            JSON.stringify(statusCells),
          );
          await axeCheck(page, 'plan desktop with gap figures');
          await page.fill('#plan-capacity', '');
          await page.fill('#plan-k', '11');
          await page.click('#plan-submit');
          check((await page.innerText('#plan-error')).includes('1 to 10'), 'plan: k outside 1–10 is refused on the page');
          // A refusal from the API (its 422 body, as the server sends one) is shown with its status and detail.
          await page.route('**/api/plan', (route) =>
            route.fulfill({ status: 422, contentType: 'application/json', body: JSON.stringify({ error: 'invalid submission', detail: 'k: too many' }) }),
          );
          await page.fill('#plan-k', '2');
          await page.click('#plan-submit');
          await page.waitForFunction(() => document.getElementById('plan-error').textContent.includes('422'));
          check((await page.innerText('#plan-error')).includes('k: too many'), 'plan: a 422 shows the API’s message');
          check((await page.locator('.hub-marker[data-hub]').count()) === 0, 'plan: a refused plan leaves no hubs drawn');
        }
        await finish(`plan ${size}`, session);
      }
    },

    /** The accessibility layer at both sizes: areas coloured by the API's E2SFCA mean access (the best-served area
     *  palest, the worst darkest), named with it, a one-sentence legend; demand points on request; axe passes. */
    async access(browser) {
      const types = (await api('/api/types')).types;
      const type = types.find((t) => t.id === 'idva') ?? types[0];
      const expected = await api(`/api/access?type=${type.id}`);
      const points = await api(`/api/access/points.geojson?type=${type.id}`);
      const luminance = (hex) => {
        const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const decimals = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
      for (const [size, device] of SIZES) {
        const session = await open(browser, { ...device, bypassCSP: true }, `/#type=${type.id}&mode=status`);
        const { page } = session;
        await page.check('input[name="mode"][value="access"]');
        await page.waitForFunction(() => document.getElementById('map').dataset.mode === 'access');
        const shown = await page.$$eval('path.leaflet-interactive[data-code]', (paths) =>
          Object.fromEntries(paths.map((p) => [p.dataset.code, { fill: p.dataset.fill, label: p.getAttribute('aria-label') }])),
        );
        const rated = expected.areas.filter((a) => a.mean_rate !== null).sort((a, b) => a.mean_rate - b.mean_rate);
        const [low, high] = [rated[0], rated[rated.length - 1]];
        check(
          low.mean_rate < high.mean_rate && luminance(shown[low.code].fill) < luminance(shown[high.code].fill),
          `access ${size}: the area with least access (${low.name}, ${decimals.format(low.mean_rate)}) is darker than the one with most (${high.name}, ${decimals.format(high.mean_rate)})`,
          JSON.stringify([shown[low.code], shown[high.code]]),
        );
        check(
          expected.areas.every((a) => shown[a.code]?.label.includes(`${decimals.format(a.mean_rate ?? 0)} ${type.capacity_unit}`)),
          `access ${size}: every area is named with its mean access from /api/access`,
          JSON.stringify(shown[low.code]),
        );
        // textContent: on a phone the legend starts folded.
        const sentence = await page.textContent('#legend-sentence');
        check(
          sentence.includes('E2SFCA') && sentence.includes('weighted down with distance') && sentence.split('. ').length === 1,
          `access ${size}: the legend says what the number means in one sentence`,
          sentence,
        );
        check((await page.locator('#legend-points').count()) === 0, `access ${size}: no demand points until asked`);
        await page.check('#access-points');
        await page.waitForSelector('#legend-points', { state: 'attached' });
        const said = await page.textContent('#legend-points');
        check(
          said.includes(new Intl.NumberFormat('en-GB').format(points.features.length)) && (await page.locator('.leaflet-overlay-pane canvas').count()) > 0,
          `access ${size}: "Show demand points" draws the ${points.features.length} points and says so`,
          said,
        );
        check((await sideways(page)) <= 0, `access ${size}: fits the width`);
        await page.screenshot({ path: join(shots, `${size}-access.png`) });
        await axeCheck(page, `access ${size}`);
        await page.check('input[name="mode"][value="status"]');
        await page.waitForFunction(() => document.getElementById('map').dataset.mode === 'status');
        check(await page.locator('#access-points-field').isHidden(), `access ${size}: leaving the layer hides its points choice`);
        await finish(`access ${size}`, session);
      }
    },

    /** What if: sign in, add a site by clicking the map, change a benchmark, make the scenario; its differences are
     *  the API's; its link opens it in a fresh browser (no token) at phone size; an unknown id says so. */
    async scenario(browser) {
      const token = process.env.GAPMAP_SCENARIO_TOKEN;
      if (!check(Boolean(token), 'scenario: the test has an account token')) return;
      const types = (await api('/api/types')).types;
      const type = types.find((t) => t.location_policy === 'exact_allowed' && t.id === 'isva') ?? types.find((t) => t.location_policy === 'exact_allowed');
      const session = await open(browser, { ...DESKTOP, bypassCSP: true }, '/#view=scenario');
      const { page } = session;
      await page.waitForSelector('#scenario-signin');
      check(await page.isDisabled('#scenario-make'), 'scenario: "Make" is disabled before signing in');
      await page.fill('#scenario-token', token);
      await page.click('#scenario-signin button[type="submit"]');
      await page.waitForFunction(() => document.getElementById('scenario-who').textContent.startsWith('Signed in'));
      check(true, 'scenario: signs in with the token');
      await page.selectOption('#add-type', type.id);
      await page.click('#add-pick');
      await clickArea(page, 'Barking and Dagenham');
      const lat = await page.inputValue('#add-lat');
      check(lat !== '' && (await page.inputValue('#add-lon')) !== '', `scenario: a click on the map gives the new site's point (${lat})`);
      await page.fill('#add-capacity', '3');
      await page.click('#add-site');
      await page.fill('#bench-value', '2');
      await page.selectOption('#bench-type', type.id);
      await page.fill('#bench-value', '2');
      await page.fill('#bench-per', '100000');
      await page.click('#bench-add');
      // Resize a listed site, then take that edit out again: the list is what gets sent.
      const siteId = await page.$eval('#edit-site option:nth-child(2)', (o) => o.value);
      await page.selectOption('#edit-site', siteId);
      await page.fill('#edit-capacity', '7');
      await page.click('#resize-site');
      check((await page.innerText('#edit-list')).includes('to 7'), 'scenario: a listed site can be resized');
      await page.click('#edit-list li:nth-child(3) button');
      check((await page.locator('#edit-list li').count()) === 2, 'scenario: an edit can be taken out; two edits listed');
      await page.fill('#scenario-name-input', `${type.label}: a hub in Barking`);
      await page.click('#scenario-make');
      await page.waitForSelector('#scenario-table, #scenario-no-difference');
      const hash = await page.evaluate(() => window.location.hash);
      const id = hash.replace('#scenario=', '');
      check(/^#scenario=[0-9a-f]{32}$/.test(hash), `scenario: the page's address becomes its link (${hash})`);
      const link = await page.getAttribute('#scenario-link', 'href');
      check(link === `${new URL(base).origin}/#scenario=${id}`, 'scenario: shows the shareable link', link);
      const detail = await api(`/api/scenarios/${id}`);
      const rows = await page.$$eval('#scenario-table tbody tr', (trs) => trs.map((tr) => ({ code: tr.dataset.code, type: tr.dataset.type, cells: [...tr.children].map((c) => c.innerText.trim()) })));
      check(rows.length === detail.differences.areas.length && rows.length > 0, `scenario: a row per area × type that differs (${rows.length})`);
      const shortfall = detail.differences.areas.find((d) => d.before.shortfall !== d.after.shortfall);
      const row = rows.find((r) => r.code === shortfall?.code && r.type === shortfall?.type);
      check(Boolean(row) && row.cells[2].includes('→'), 'scenario: a changed shortfall reads before → after', JSON.stringify(row));
      check((await page.locator('#scenario-edits li').count()) === 2, 'scenario: its edits are listed');
      await page.screenshot({ path: join(shots, 'desktop-scenario.png') });
      await axeCheck(page, 'scenario desktop with a result');
      await finish('scenario', session);

      const shared = await open(browser, { ...PHONE, bypassCSP: true }, `/#scenario=${id}`);
      await shared.page.waitForSelector('#scenario-table');
      check((await shared.page.getAttribute('#tab-scenario', 'aria-selected')) === 'true', 'scenario link: opens the What if view');
      check((await shared.page.innerText('#scenario-name')).includes('Barking'), 'scenario link: shows the scenario without signing in');
      check((await shared.page.locator('#scenario-table tbody tr').count()) === rows.length, 'scenario link: the same differences');
      check((await shared.page.innerText('#scenario-who')) === 'Not signed in.', 'scenario link: no token was needed');
      check((await sideways(shared.page)) <= 0, `scenario link phone: fits the width (${await sideways(shared.page)}px)`);
      await shared.page.locator('#scenario-name').evaluate((t) => t.scrollIntoView());
      await shared.page.screenshot({ path: join(shots, 'phone-scenario.png') });
      await axeCheck(shared.page, 'scenario phone from its link');
      await finish('scenario link', shared);

      // Signed in, a plan opens as a what-if scenario: its hubs added at the capacity given.
      const planning = await open(browser, { ...DESKTOP, bypassCSP: true }, '/#view=plan');
      await planning.page.evaluate((t) => window.sessionStorage.setItem('gapmap-token', t), token);
      await planning.page.fill('#plan-k', '2');
      await planning.page.fill('#plan-capacity', '3');
      await planning.page.click('#plan-submit');
      await planning.page.waitForSelector('#plan-scenario');
      await planning.page.click('#plan-scenario');
      await planning.page.waitForSelector('#scenario-table, #scenario-no-difference');
      const planHash = await planning.page.evaluate(() => window.location.hash);
      const planned = await api(`/api/scenarios/${planHash.replace('#scenario=', '')}`);
      check(
        /^#scenario=[0-9a-f]{32}$/.test(planHash) && planned.edits.length === 2 && planned.edits.every((e) => e.op === 'add' && Number(e.service.capacity) === 3),
        'scenario from a plan: "Open as a what-if scenario" makes one adding the 2 hubs and opens it',
        JSON.stringify(planned.edits),
      );
      check((await planning.page.getAttribute('#tab-scenario', 'aria-selected')) === 'true', 'scenario from a plan: the What if view shows it');
      await finish('scenario from a plan', planning);

      const unknown = await open(browser, DESKTOP, `/#scenario=${'0'.repeat(32)}`);
      await unknown.page.waitForFunction(() => document.getElementById('scenario-load-error')?.textContent.length > 0);
      check((await unknown.page.innerText('#scenario-load-error')).includes('No scenario'), 'scenario link: an unknown id says so');
      await finish('scenario unknown', unknown);
    },
  };
}
