// Building DOM nodes. Every piece of text goes in as a Text node (or textContent), never as HTML, so a listing
// named `<img src=x onerror=alert(1)>` shows as exactly those characters.

const SVG_NS = 'http://www.w3.org/2000/svg';

function fill(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      node.setAttribute('class', value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** An HTML element: `h('p', { class: 'note' }, 'text', otherNode)`. Strings become text nodes. */
export function h(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** An SVG element, same calling convention as `h`. */
export function svg(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Replaces all children of `node`. */
export function replaceChildren(node, ...children) {
  node.replaceChildren();
  return fill(node, {}, children);
}

/**
 * A link for a URL that came from data, or null when it is not plain http(s): a listing's `website` could be
 * `javascript:…`, which must never become a clickable link.
 */
export function safeHref(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** An external link when `url` is safe, else the URL as plain text. */
export function externalLink(url, text = url) {
  const href = safeHref(url);
  return href ? h('a', { href, rel: 'noopener noreferrer', target: '_blank' }, text) : h('span', {}, url);
}
