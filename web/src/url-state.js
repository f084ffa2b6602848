// The view state in the address bar: read at start and when the user goes Back or Forward, written after each
// change, so that a copied link reproduces the view. The URL form itself (parameters, defaults) is state.js's.

import { fromQuery, toQuery } from "./state.js";

/** The state the page's address describes. */
export function stateFromLocation() {
  return fromQuery(window.location.search);
}

/**
 * Write `state` into the address. `history`: "push" adds an entry to the history (unless the address is
 * unchanged), "replace" rewrites the current one, null leaves the address alone.
 */
export function writeLocation(state, defaultKinds, history) {
  if (!history) return;
  const { pathname, search } = window.location;
  const query = toQuery(state, defaultKinds);
  const url = `${pathname}${query ? "?" + query : ""}`;
  if (history === "push" && url !== `${pathname}${search}`) window.history.pushState(null, "", url);
  else window.history.replaceState(null, "", url);
}

/** Call `onState(state)` with the address's state each time the user goes Back or Forward. */
export function onHistoryMove(onState) {
  window.addEventListener("popstate", () => onState(stateFromLocation()));
}
