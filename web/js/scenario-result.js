// One what-if scenario as GET /api/scenarios/{id} answers it: its name and edits, the shareable link, any edit
// that no longer applies, and every area × type whose figures differ from the live data, before → after for the
// capacity share, the shortfall and the status; then each type whose London-wide rate changes.

import { h, replaceChildren } from './dom.js';
import { STATUS_SHORT, STATUS_LABEL, count, num } from './format.js';

/** The link that opens scenario `id` on this page (readable without signing in). */
export function scenarioLink(id) {
  return `${window.location.origin}/#scenario=${id}`;
}

/** "1.5 → 3" (or just "3" when unchanged), with the full words for a screen reader. */
function change(before, after, format = num) {
  const [b, a] = [format(before), format(after)];
  if (b === a) return h('span', {}, a);
  return h('span', { class: 'change' }, h('span', { 'aria-hidden': 'true' }, `${b} → ${a}`), h('span', { class: 'visually-hidden' }, `${b} before, ${a} after`));
}

function statusChange(before, after) {
  const cell = change(before, after, (s) => STATUS_SHORT[s] ?? s);
  if (before !== after) cell.title = `${STATUS_LABEL[before]} → ${STATUS_LABEL[after]}`;
  return cell;
}

function editText(edit, typeLabel) {
  if (edit.op === 'add') {
    const s = edit.service ?? {};
    return `Add ${s.name ?? s.id} (${typeLabel(s.type)}; capacity ${num(s.capacity)}${s.location_precision === 'confidential' ? '; confidential, at its area’s point' : ''})`;
  }
  if (edit.op === 'remove') return `Remove site ${edit.id}`;
  if (edit.op === 'resize') return `Resize site ${edit.id} to ${edit.capacity === null ? 'unknown' : num(edit.capacity)}`;
  if (edit.op === 'benchmark') return `Set the ${typeLabel(edit.type)} benchmark to ${num(edit.value)} per ${num(edit.per)}`;
  return edit.op;
}

/**
 * Renders `detail` (the /api/scenarios/{id} body) into `container`.
 * @param {object[]} types the taxonomy, for labels
 */
export function renderScenario(container, detail, types) {
  const typeLabel = (id) => types.find((t) => t.id === id)?.label ?? id;
  const s = detail.scenario;
  const link = scenarioLink(s.id);
  const areas = detail.differences.areas;
  const byType = detail.differences.types;
  const copy = h('button', { type: 'button', id: 'scenario-copy' }, 'Copy the link');
  const copied = h('span', { class: 'muted small', role: 'status' });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(link);
      copied.textContent = ' Copied.';
    } catch {
      copied.textContent = ' Select the link and copy it.';
    }
  });
  const rows = areas.map((d) =>
    h(
      'tr',
      { 'data-code': d.code, 'data-type': d.type },
      h('th', { scope: 'row' }, d.name, h('span', { class: 'cell-type' }, typeLabel(d.type))),
      h('td', { class: 'num' }, change(d.before.capacity_share, d.after.capacity_share)),
      h('td', { class: 'num' }, change(d.before.shortfall, d.after.shortfall)),
      h('td', {}, statusChange(d.before.status, d.after.status)),
    ),
  );
  replaceChildren(
    container,
    h('h3', { id: 'scenario-name', tabindex: '-1' }, `What if: ${s.name}`),
    h('p', { class: 'muted small' }, `Not the live map: the live data with ${count(detail.edits.length, 'edit')}, made ${s.created_at.slice(0, 10)}, computed on the current live data.`),
    h(
      'p',
      { class: 'share' },
      'Shareable link (anyone with it can read this scenario): ',
      h('a', { href: link, id: 'scenario-link' }, link),
      ' ',
      copy,
      copied,
    ),
    h('h4', {}, 'Edits'),
    h('ol', { class: 'edit-list', id: 'scenario-edits' }, detail.edits.map((e) => h('li', {}, editText(e, typeLabel)))),
    s.not_applied.length
      ? h(
          'div',
          { class: 'warning', role: 'note' },
          h('p', {}, `${count(s.not_applied.length, 'edit')} no longer ${s.not_applied.length === 1 ? 'applies' : 'apply'} to the live data and ${s.not_applied.length === 1 ? 'is' : 'are'} left out:`),
          h('ul', {}, s.not_applied.map((p) => h('li', {}, `Edit ${p.edit + 1}${p.field ? ` (${p.field})` : ''}: ${p.message}`))),
        )
      : null,
    h('h4', {}, 'Differences per area'),
    areas.length
      ? h(
          'table',
          { class: 'data-table compact static scenario-table', id: 'scenario-table' },
          h('caption', {}, `${count(areas.length, 'area × type', 'areas × types')} whose figures differ from the live data, live → scenario`),
          h(
            'thead',
            {},
            h('tr', {}, h('th', { scope: 'col' }, 'Area'), h('th', { scope: 'col', class: 'num' }, 'Capacity share'), h('th', { scope: 'col', class: 'num' }, 'Shortfall'), h('th', { scope: 'col' }, 'Status')),
          ),
          h('tbody', {}, rows),
        )
      : h('p', { id: 'scenario-no-difference' }, 'No area’s figures differ from the live data.'),
    byType.length
      ? [
          h('h4', {}, 'London-wide'),
          h(
            'ul',
            { id: 'scenario-types' },
            byType.map((t) => h('li', {}, `${typeLabel(t.type)}: London-wide rate `, change(t.before.overall_rate, t.after.overall_rate))),
          ),
        ]
      : null,
  );
}
