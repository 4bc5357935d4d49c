// Providers and reviewers (issues 5 and 13): sign in with an API token (checked at once against /api/me, which
// says the role and organisation), see the organisation's listings (stale ones flagged) and its submissions (status,
// reviewer's comment, decision date), submit a new or changed listing (the areas served picked by name, the API's
// field errors shown inline, one Idempotency-Key per form so a double click makes one submission), and review the
// pending queue (diff, warnings, approve, reject). The token lives in this tab's sessionStorage and only ever travels
// in the Authorization header. Every text from a submission is inserted as text, never as HTML.

import { h, replaceChildren } from './dom.js';
import { ApiError, getJson, me } from './api.js';

const TOKEN_KEY = 'gapmap-token';
const $ = (id) => document.getElementById(id);

/**
 * The listing schema as the server declares it (`GET /api/listing-fields`): `listing_id` (the key) and `fields`
 * (every other field, named as the CSV columns and the API's `fields`), each `{ name, label, help, input, options }`.
 * Set once by start(); the page has no copy of its own.
 */
let schema = null;
/** The signed-in account from /api/me: `{ name, role, organisation }`. */
let account = null;
/** Every area `{ code, name }`, by name: the choices of the `serves` picker. */
let areaChoices = [];
/** The Idempotency-Key of the form as filled now; a new one once a submission is accepted. */
let formKey = newKey();

function newKey() {
  return window.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

/** A field's label, for the diff table (the column name when the schema does not know it). */
function labelOf(name) {
  const field = [schema?.listing_id, ...(schema?.fields ?? [])].find((f) => f?.name === name);
  return field?.label ?? name;
}

function token() {
  return window.sessionStorage.getItem(TOKEN_KEY);
}

/** A request with the token; the API's `{ error, detail }` (and any field problems) come back as an ApiError. */
async function send(method, path, body, extraHeaders = {}) {
  const response = await fetch(path, {
    method,
    headers: {
      Accept: 'application/json',
      Authorization: `Bearer ${token()}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...extraHeaders,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new ApiError(response.status, json?.error, json?.detail);
    error.body = json;
    throw error;
  }
  return json;
}

/** Field problems from a 422 body, whatever the list is called: `[{ field, message }]`. */
function fieldProblems(body) {
  const list = body?.problems ?? body?.fields ?? body?.errors ?? [];
  return Array.isArray(list)
    ? list.map((p) => ({ field: p.field ?? p.name ?? '', message: p.message ?? p.detail ?? String(p) }))
    : [];
}

/** A field's help line: its help, and the allowed values where there is a fixed list. */
function helpText(f) {
  return f.options.length ? `${f.help} Allowed: ${f.options.join(', ')}.` : f.help;
}

/** The form control of one schema field, with its label, help and error slot. */
function control(f, types) {
  const id = `field-${f.name}`;
  if (f.name === 'serves') return servesPicker(f);
  let input;
  if (f.input === 'service_type') {
    input = h('select', { id, name: f.name }, h('option', { value: '' }, '—'), types.map((t) => h('option', { value: t.id }, t.label)));
  } else if (f.input === 'location_precision' || f.input === 'setting') {
    input = h('select', { id, name: f.name }, h('option', { value: '' }, '—'), f.options.map((value) => h('option', { value }, value)));
  } else {
    const attributes = { number: { inputmode: 'decimal' }, date: { type: 'date' } }[f.input] ?? {};
    input = h('input', { id, name: f.name, type: 'text', autocomplete: 'off', ...attributes });
  }
  input.setAttribute('aria-describedby', `${id}-help ${id}-error`);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, f.label),
    input,
    h('span', { class: 'muted', id: `${id}-help` }, helpText(f)),
    h('span', { class: 'field-error', id: `${id}-error` }),
  );
}

/**
 * The `serves` field as a picker of area names: "All London" (`*`), or any areas ticked (their GSS codes, joined
 * by `;`), or none (the area the site is in). The value the API gets is kept in a hidden input of the same name.
 */
function servesPicker(f) {
  const id = 'field-serves';
  const value = h('input', { type: 'hidden', id, name: 'serves' });
  const all = h('input', { type: 'checkbox', id: 'serves-all', value: '*' });
  const boxes = areaChoices.map((a) => h('input', { type: 'checkbox', id: `serves-${a.code}`, value: a.code, 'data-name': a.name }));
  const summary = h('span', { id: 'serves-summary' }, 'Only the area the site is in');
  const sync = () => {
    for (const box of boxes) box.disabled = all.checked;
    const codes = boxes.filter((b) => b.checked).map((b) => b.value);
    value.value = all.checked ? '*' : codes.join(';');
    summary.textContent = all.checked
      ? 'All London'
      : codes.length
        ? boxes.filter((b) => b.checked).map((b) => b.dataset.name).join(', ')
        : 'Only the area the site is in';
  };
  all.addEventListener('change', sync);
  for (const box of boxes) box.addEventListener('change', sync);
  value.setServes = (raw) => {
    const parts = String(raw ?? '').split(';').map((p) => p.trim()).filter(Boolean);
    all.checked = parts.includes('*');
    for (const box of boxes) box.checked = parts.includes(box.value);
    sync();
  };
  return h(
    'fieldset',
    { class: 'field serves-picker', 'aria-describedby': `${id}-help ${id}-error` },
    h('legend', {}, f.label),
    value,
    h('details', {}, h('summary', {}, 'Choose areas: ', summary),
      h('label', { for: 'serves-all', class: 'serves-all' }, all, ' All London'),
      h('div', { class: 'serves-grid' }, boxes.map((box) => h('label', { for: box.id }, box, ` ${box.dataset.name}`)))),
    h('span', { class: 'muted', id: `${id}-help` }, 'Tick nothing when the site serves only the area it is in.'),
    h('span', { class: 'field-error', id: `${id}-error` }),
  );
}

function buildForm(types) {
  const grid = $('submit-form').querySelector('.grid');
  const key = schema.listing_id;
  replaceChildren(
    grid,
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'field-kind' }, 'What is this?'),
      h(
        'select',
        { id: 'field-kind', name: 'kind' },
        h('option', { value: 'new' }, 'A new listing'),
        h('option', { value: 'change' }, 'A change to a listing (empty fields stay as they are)'),
        h('option', { value: 'closure' }, 'A closure (the service has stopped)'),
      ),
      h('span', { class: 'field-error', id: 'field-kind-error' }),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'field-listing_id' }, key.label),
      h('input', { id: 'field-listing_id', name: 'listing_id', autocomplete: 'off', 'aria-describedby': 'field-listing_id-help field-listing_id-error' }),
      h('span', { class: 'muted', id: 'field-listing_id-help' }, key.help),
      h('span', { class: 'field-error', id: 'field-listing_id-error' }),
    ),
    schema.fields.map((f) => control(f, types)),
  );
}

function clearErrors() {
  $('submit-summary').textContent = '';
  for (const span of document.querySelectorAll('.field-error')) span.textContent = '';
  for (const input of document.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

async function submitListing(event) {
  event.preventDefault();
  clearErrors();
  const form = event.target;
  const kind = form.elements.kind.value;
  const fields = {};
  if (kind !== 'closure') {
    for (const f of schema.fields) {
      const value = form.elements[f.name].value.trim();
      if (value !== '') fields[f.name] = value;
    }
  }
  const body = { kind, listing_id: form.elements.listing_id.value.trim(), fields };
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  $('submit-status').textContent = 'Sending…';
  try {
    const answer = await send('POST', '/api/submissions', body, { 'Idempotency-Key': formKey });
    $('submit-status').textContent = `Sent for review (submission ${answer?.id ?? answer?.submission?.id ?? ''}).`;
    formKey = newKey();
    loadMine();
  } catch (error) {
    $('submit-status').textContent = '';
    const problems = fieldProblems(error.body);
    for (const p of problems) {
      const input = form.elements[p.field];
      const slot = $(`field-${p.field}-error`);
      if (input && slot) {
        input.setAttribute('aria-invalid', 'true');
        slot.textContent = p.message;
      }
    }
    $('submit-summary').textContent = problems.length
      ? `${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.map((p) => `${p.field} — ${p.message}`).join('; ')}`
      : error.message;
    $('submit-summary').focus?.();
  } finally {
    button.disabled = false;
  }
}

/**
 * How a published site's properties fill a field, where they are not the property of the same name. A confidential
 * site's point is not its own, so it is left empty.
 */
const FROM_PUBLISHED = {
  lat: (p, [, lat]) => (p.location_precision === 'exact' ? lat : ''),
  lon: (p, [lon]) => (p.location_precision === 'exact' ? lon : ''),
  // Only a guess when the listing's own record cannot be read: its own area alone is what an empty `serves` means.
  serves: (p) => (p.serves_areas.length === 1 && p.serves_areas[0] === p.located_in ? '' : p.serves_areas.join(';')),
  specialisms: (p) => p.specialisms.join(';'),
};

/** Fills the form from a published listing. */
async function loadListing() {
  clearErrors();
  const form = $('submit-form');
  const id = form.elements.listing_id.value.trim();
  if (!id) {
    $('field-listing_id-error').textContent = 'Enter the listing id first.';
    return;
  }
  try {
    const feature = await getJson(`/api/services/${encodeURIComponent(id)}`);
    const p = feature.properties;
    // The listing's own `serves` as recorded (empty, `*` or codes), so that loading never makes a false change.
    const history = await getJson(`/api/services/${encodeURIComponent(id)}/history`).catch(() => null);
    const recorded = history?.versions?.[history.versions.length - 1]?.record;
    for (const f of schema.fields) {
      let value = FROM_PUBLISHED[f.name] ? FROM_PUBLISHED[f.name](p, feature.geometry.coordinates) : p[f.name];
      if (f.name === 'serves' && recorded) value = recorded.serves;
      const input = form.elements[f.name];
      if (input.setServes) input.setServes(value);
      else input.value = value ?? '';
    }
    formKey = newKey();
    form.elements.kind.value = 'change';
    $('submit-status').textContent = `Loaded ${p.name}. Change what is wrong and send it for review.`;
  } catch (error) {
    $('submit-summary').textContent = error.message;
  }
}

function submissionList(answer) {
  return Array.isArray(answer) ? answer : answer?.submissions ?? answer?.items ?? [];
}

async function loadQueue() {
  $('queue-status').textContent = 'Loading…';
  try {
    const items = submissionList(await send('GET', '/api/submissions?status=pending'));
    $('queue-status').textContent = items.length ? `${items.length} pending` : 'Nothing is waiting for review.';
    replaceChildren(
      $('queue-list'),
      items.length
        ? h(
            'ul',
            { class: 'site-list' },
            items.map((s) =>
              h(
                'li',
                { class: 'site-line' },
                h('button', { type: 'button', class: 'link site-name', onclick: () => openSubmission(s.id) }, `#${s.id} ${s.proposed?.name ?? s.listing_id}`),
                h('span', { class: 'site-meta' }, `${s.kind} · ${s.listing_id} · ${s.organisation} · ${s.created_at ?? ''}`),
              ),
            ),
          )
        : null,
    );
  } catch (error) {
    $('queue-status').textContent = error.message;
  }
}

async function openSubmission(id) {
  const review = $('review');
  replaceChildren(review, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const answer = await send('GET', `/api/submissions/${encodeURIComponent(id)}`);
    const s = answer.submission ?? answer;
    const diff = answer.diff ?? s.diff ?? [];
    const comment = h('textarea', { id: 'review-comment', rows: 3, maxlength: 2000 });
    const status = h('p', { role: 'status' });
    const warnings = answer.warnings ?? [];
    // Publishing a confidential position must be acknowledged explicitly, never by default.
    const acknowledge = h('input', { type: 'checkbox', id: 'review-acknowledge' });
    const decide = async (verdict) => {
      try {
        const body = { comment: comment.value };
        if (verdict === 'approve' && warnings.length) body.acknowledge_exact_position = acknowledge.checked;
        await send('POST', `/api/submissions/${encodeURIComponent(id)}/${verdict}`, body);
        status.textContent = verdict === 'approve' ? 'Approved: the map now shows the change.' : 'Rejected.';
        loadQueue();
      } catch (error) {
        status.textContent = error.message;
      }
    };
    replaceChildren(
      review,
      h('h3', {}, `Submission #${s.id}: ${s.kind} of ${s.listing_id}`),
      h('p', { class: 'muted' }, `From ${s.organisation}`),
      answer.current_withheld
        ? h('p', { class: 'muted' }, 'The current listing belongs to another organisation and is not shown.')
        : null,
      warnings.length
        ? h(
            'div',
            { class: 'form-error', role: 'alert' },
            warnings.map((w) => h('p', {}, w.message)),
            h('label', { for: 'review-acknowledge' }, acknowledge, ' I have confirmed that this address may be public'),
          )
        : null,
      h(
        'table',
        { class: 'data-table diff' },
        h('caption', {}, 'Each field: the current listing beside the proposal'),
        h('thead', {}, h('tr', {}, ['Field', 'Current', 'Proposed'].map((t) => h('th', { scope: 'col' }, t)))),
        h(
          'tbody',
          {},
          diff.map((d) =>
            h(
              'tr',
              { class: d.changed ? 'changed' : null },
              h('th', { scope: 'row' }, labelOf(d.field), d.changed ? h('span', { class: 'visually-hidden' }, ' (changed)') : null),
              h('td', {}, d.current ?? '—'),
              h('td', {}, d.proposed ?? '—'),
            ),
          ),
        ),
      ),
      h('label', { for: 'review-comment' }, 'Comment (sent with your decision)'),
      comment,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'primary', onclick: () => decide('approve') }, 'Approve'),
        h('button', { type: 'button', onclick: () => decide('reject') }, 'Reject'),
      ),
      status,
    );
  } catch (error) {
    replaceChildren(review, h('p', { class: 'form-error' }, error.message));
  }
}

/** The organisation's listings as published, stale ones flagged; each can be loaded into the form. */
async function loadMine() {
  if (account?.role !== 'provider') return;
  try {
    const [services, submissions] = await Promise.all([
      getJson('/api/services'),
      send('GET', '/api/submissions'),
    ]);
    const mine = services.features.filter((f) => f.properties.provider === account.organisation);
    const stale = mine.filter((f) => f.properties.stale).length;
    replaceChildren(
      $('mine-listings'),
      h('p', { class: 'muted', id: 'mine-summary' }, `${mine.length} listing${mine.length === 1 ? '' : 's'}, ${stale} stale (not verified recently).`),
      mine.length
        ? h(
            'ul',
            { class: 'site-list' },
            mine.map((f) => {
              const p = f.properties;
              return h(
                'li',
                { class: 'site-line', 'data-listing': p.id },
                h('span', { class: 'site-name' }, p.name),
                p.stale ? h('span', { class: 'stale-flag' }, 'stale') : null,
                h('span', { class: 'site-meta' }, `${p.id} · ${p.type_label} · last verified ${p.last_verified}`),
                h('button', {
                  type: 'button', class: 'link', onclick: () => {
                    $('field-listing_id').value = p.id;
                    loadListing();
                    $('submit-title').scrollIntoView();
                  },
                }, `Update ${p.id}`),
              );
            }),
          )
        : null,
    );
    const items = submissionList(submissions).slice().reverse();
    replaceChildren(
      $('mine-submissions'),
      items.length
        ? h(
            'table',
            { class: 'data-table compact', id: 'mine-table' },
            h('caption', {}, 'Your organisation’s submissions, newest first'),
            h('thead', {}, h('tr', {}, ['#', 'Listing', 'Status', 'Reviewer’s comment', 'Decided'].map((t) => h('th', { scope: 'col' }, t)))),
            h(
              'tbody',
              {},
              items.map((x) =>
                h(
                  'tr',
                  { 'data-submission': x.id, 'data-status': x.status },
                  h('td', {}, String(x.id)),
                  h('td', {}, `${x.kind} · ${x.listing_id}`),
                  h('td', {}, h('span', { class: `review-status review-${x.status}` }, x.status)),
                  h('td', {}, x.comment || '—'),
                  h('td', {}, x.decided_at ? x.decided_at.slice(0, 10) : '—'),
                ),
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'No submissions yet.'),
    );
  } catch (error) {
    replaceChildren($('mine-listings'), h('p', { class: 'form-error' }, error.message));
  }
}

function signedIn(who) {
  account = who;
  const on = Boolean(who);
  const reviewer = on && who.role !== 'provider';
  $('submit').hidden = !on || reviewer;
  $('mine').hidden = !on || reviewer;
  $('queue').hidden = !reviewer;
  $('signout').hidden = !on;
  $('token').closest('.token-row').hidden = on;
  $('signin-form').querySelector('button[type="submit"]').hidden = on;
  $('whoami').textContent = on
    ? `Signed in${who.name ? ` as ${who.name}` : ''}: ${who.role}${who.organisation ? `, ${who.organisation}` : ''}.`
    : '';
  if (reviewer) loadQueue();
  if (on && !reviewer) loadMine();
}

/** Checks a token against /api/me; a wrong one is refused here, with the API's reason. */
async function signIn(value) {
  $('signin-status').textContent = 'Checking the token…';
  try {
    const who = await me(value);
    window.sessionStorage.setItem(TOKEN_KEY, value);
    $('signin-status').textContent = '';
    signedIn(who);
  } catch (error) {
    window.sessionStorage.removeItem(TOKEN_KEY);
    $('signin-status').textContent = error.status === 401 ? `That token was refused: ${error.detail ?? error.message}` : error.message;
    signedIn(null);
    $('token').focus();
  }
}

async function start() {
  const types = await getJson('/api/types').then((t) => t.types).catch(() => []);
  areaChoices = await getJson('/api/areas')
    .then((a) => a.features.map((f) => ({ code: f.properties.code, name: f.properties.name })).sort((x, y) => x.name.localeCompare(y.name)))
    .catch(() => []);
  try {
    schema = await getJson('/api/listing-fields');
    buildForm(types);
  } catch (error) {
    $('submit-summary').textContent = `The listing form could not be loaded (${error.message}); reload the page to try again.`;
    for (const button of $('submit-form').querySelectorAll('button')) button.disabled = true;
  }
  $('signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = $('token').value.trim();
    if (!value) {
      $('signin-status').textContent = 'Enter your API token.';
      return;
    }
    $('token').value = '';
    signIn(value);
  });
  $('signout').addEventListener('click', () => {
    window.sessionStorage.removeItem(TOKEN_KEY);
    replaceChildren($('review'));
    replaceChildren($('queue-list'));
    signedIn(null);
  });
  $('submit-form').addEventListener('submit', submitListing);
  $('load-listing').addEventListener('click', loadListing);
  $('refresh-queue').addEventListener('click', loadQueue);
  if (token()) await signIn(token());
  else signedIn(null);
  document.body.dataset.ready = 'true';
}

start();
