// Building DOM without markup strings: text from the graph always goes in as text nodes (never innerHTML), so a
// label such as "<script>" shows as those characters.

import { appUrl } from "./http.js";

/** The element of an id. */
export const byId = (id) => document.getElementById(id);

/**
 * Create an element. `attrs` may hold `class`, `text`, `dataset`, `on` ({event: handler}) and plain attributes;
 * children are nodes or strings (strings become text nodes); null and false are skipped.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "on") {
      for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    } else if (key === "href") node.setAttribute("href", safeHref(value));
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

/** Append children (nodes, strings, arrays of them). */
export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * Only http(s), app and fragment links; anything else (javascript:, data:) becomes inert. An app path such as
 * `/id/russia` (the server's `href`s) is put under the app's root, as every address of the front end is.
 */
export function safeHref(value) {
  const text = String(value);
  if (/^\/(?!\/)/.test(text)) return appUrl(text);
  if (/^(https?:\/\/|#|\?)/i.test(text)) return text;
  return "#";
}

/** Remove every child of a node. */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** Offer a Blob as a file download. */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: "/", download: filename });
  link.href = url;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
