// The panel's views as ARIA tabs: click or Enter to choose, arrow keys (and Home/End) to move between them.

export class Tabs {
  /**
   * @param {HTMLElement} list the element with role="tablist"
   * @param {(view: string) => void} onSelect called with the view's name (`tab-gaps` → `gaps`)
   */
  constructor(list, onSelect) {
    this.tabs = [...list.querySelectorAll('[role="tab"]')];
    this.onSelect = onSelect;
    for (const tab of this.tabs) {
      tab.addEventListener('click', () => this.select(this.#name(tab)));
      tab.addEventListener('keydown', (event) => this.#key(event, tab));
    }
  }

  #name(tab) {
    return tab.id.replace(/^tab-/, '');
  }

  #key(event, tab) {
    const i = this.tabs.indexOf(tab);
    const moves = {
      ArrowRight: i + 1,
      ArrowLeft: i - 1,
      Home: 0,
      End: this.tabs.length - 1,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = this.tabs[(moves[event.key] + this.tabs.length) % this.tabs.length];
    this.select(this.#name(next));
  }

  /** Shows view `name`; `focus` moves keyboard focus to its tab, `silent` skips the callback. */
  select(name, { focus = true, silent = false } = {}) {
    const already = this.tabs.find((t) => t.getAttribute('aria-selected') === 'true');
    for (const tab of this.tabs) {
      const on = this.#name(tab) === name;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      document.getElementById(tab.getAttribute('aria-controls')).hidden = !on;
      if (on && focus) tab.focus();
    }
    if (!silent && (!already || this.#name(already) !== name)) this.onSelect(name);
  }
}
