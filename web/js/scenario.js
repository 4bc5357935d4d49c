// The "What if" view (issue 12): build a scenario from the live data, make it with POST /api/scenarios (which
// needs an account's token, signed in as on the providers' page and kept in this tab's sessionStorage under the
// same key), then show GET /api/scenarios/{id}. `/#scenario=<id>` opens a scenario here, signed in or not.

import { h, replaceChildren } from './dom.js';
import * as api from './api.js';
import { EditBuilder } from './scenario-edits.js';
import { renderScenario } from './scenario-result.js';

/** The providers' page keeps the token under this key too, so signing in on either page serves both. */
export const TOKEN_KEY = 'gapmap-token';

export class ScenarioView {
  /**
   * @param {HTMLElement} container
   * @param {import('./map.js').CoverageMap} coverageMap
   * @param {{ types(): object[], sites(): Promise<object>, opened(id: string|null): void }} ctx
   */
  constructor(container, coverageMap, ctx) {
    this.container = container;
    this.coverageMap = coverageMap;
    this.ctx = ctx;
    this.result = h('div', { id: 'scenario-result', 'aria-live': 'polite' });
    this.resultError = h('p', { class: 'form-error', id: 'scenario-load-error', role: 'alert' });
    this.maker = h('div', { id: 'scenario-maker' });
    replaceChildren(
      container,
      h('h2', { id: 'scenario-title', tabindex: '-1' }, 'What if?'),
      h('p', { class: 'muted' }, 'Try a change on a copy of the live data (a new site, one closed or resized, another benchmark) and see which areas it changes. Nothing live changes.'),
      this.resultError,
      this.result,
      this.maker,
    );
    this.built = false;
  }

  /** Builds the maker on first show (it needs every live site for its list). */
  async show() {
    if (this.built) return;
    this.built = true;
    const sites = await this.ctx.sites();
    this.builder = new EditBuilder({
      types: this.ctx.types(),
      sites,
      onPick: (on) => {
        this.picking = on;
        this.coverageMap.setPicking(on);
      },
      onChange: () => this.#ready(),
    });
    this.token = h('input', { id: 'scenario-token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false' });
    this.who = h('p', { id: 'scenario-who', role: 'status' });
    this.signOut = h('button', { type: 'button', id: 'scenario-signout', hidden: true, onclick: () => this.#signOut() }, 'Sign out');
    this.signInForm = h(
      'form',
      { class: 'near-form', id: 'scenario-signin', novalidate: true, onsubmit: (e) => { e.preventDefault(); this.#signIn(this.token.value.trim()); } },
      h('div', { class: 'field wide' }, h('label', { for: 'scenario-token' }, 'API token'), this.token),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Sign in')),
    );
    this.name = h('input', { id: 'scenario-name-input', name: 'name', type: 'text', maxlength: 200, autocomplete: 'off', required: true, value: 'My what-if' });
    this.make = h('button', { type: 'submit', class: 'primary', id: 'scenario-make' }, 'Make the scenario');
    this.makeError = h('p', { class: 'form-error', id: 'scenario-error', role: 'alert' });
    this.makeForm = h(
      'form',
      { class: 'near-form', id: 'scenario-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); this.#create(); } },
      h('div', { class: 'field wide' }, h('label', { for: 'scenario-name-input' }, 'Scenario name'), this.name),
      h('div', { class: 'actions' }, this.make),
      this.makeError,
    );
    replaceChildren(
      this.maker,
      h('h3', {}, 'Make a scenario'),
      h('p', { class: 'muted small' }, 'Making one needs an account’s token (any role); reading one needs only its link.'),
      this.who,
      this.signInForm,
      this.signOut,
      this.builder.element,
      this.makeForm,
    );
    const kept = window.sessionStorage.getItem(TOKEN_KEY);
    if (kept) await this.#signIn(kept, { quiet: true });
    else this.#signedIn(null);
  }

  /** A map click while the add-a-site form is picking. */
  pick(lat, lon) {
    this.builder?.pick(lat, lon);
  }

  /** Leaves picking mode (another view was chosen). */
  stopPicking() {
    if (this.picking) this.builder.setPicking(false);
  }

  async #signIn(value, { quiet = false } = {}) {
    if (!value) {
      this.who.textContent = 'Enter your API token.';
      this.token.focus();
      return;
    }
    this.who.textContent = 'Checking the token…';
    try {
      const who = await api.me(value);
      window.sessionStorage.setItem(TOKEN_KEY, value);
      this.token.value = '';
      this.#signedIn(who);
    } catch (error) {
      window.sessionStorage.removeItem(TOKEN_KEY);
      this.#signedIn(null);
      this.who.textContent = error.status === 401 ? `That token was refused: ${error.detail ?? error.message}` : error.message;
      if (!quiet) this.token.focus();
    }
  }

  #signOut() {
    window.sessionStorage.removeItem(TOKEN_KEY);
    this.#signedIn(null);
    this.token.focus();
  }

  #signedIn(who) {
    this.account = who;
    this.signInForm.hidden = Boolean(who);
    this.signOut.hidden = !who;
    this.who.textContent = who ? `Signed in${who.name ? ` as ${who.name}` : ''} (${who.role}).` : 'Not signed in.';
    this.#ready();
  }

  #ready() {
    if (!this.make) return;
    const edits = this.builder.body().length;
    this.make.disabled = !this.account || edits === 0;
    this.make.title = !this.account ? 'Sign in first' : edits === 0 ? 'Add at least one edit first' : '';
  }

  async #create() {
    this.makeError.textContent = '';
    const name = this.name.value.trim();
    if (!name) {
      this.makeError.textContent = 'Give the scenario a name.';
      this.name.focus();
      return;
    }
    const token = window.sessionStorage.getItem(TOKEN_KEY);
    this.make.disabled = true;
    try {
      const detail = await api.createScenario({ name, edits: this.builder.body() }, token);
      this.builder.reset();
      this.#shown(detail);
    } catch (error) {
      this.makeError.textContent = error.status ? `The scenario was refused (HTTP ${error.status}): ${error.message}` : error.message;
      if (error.status === 401) this.#signedIn(null);
    } finally {
      this.#ready();
    }
  }

  /** Loads and shows scenario `id` (from a shared link). */
  async open(id) {
    this.resultError.textContent = '';
    try {
      this.#shown(await api.scenario(id));
    } catch (error) {
      replaceChildren(this.result);
      this.resultError.textContent = error.status === 404
        ? 'No scenario has this link’s id: check that the link was copied whole.'
        : `The scenario could not be loaded: ${error.message}`;
      this.ctx.opened(null);
    }
  }

  #shown(detail) {
    renderScenario(this.result, detail, this.ctx.types());
    this.ctx.opened(detail.scenario.id);
    this.result.querySelector('#scenario-name')?.focus({ preventScroll: false });
  }
}
