// The view state and its URL form. Everything that changes what the view shows lives here, and a URL written by
// `toQuery` reads back by `fromQuery` into the same state, so a copied link reproduces the view.
//
// Parameters (all optional; a default is left out of the URL):
//   focus=<node id>        centre on an actor and show its neighbourhood
//   hops=1..4              size of that neighbourhood (default 1)
//   expand=<id>,<id>       nodes whose neighbours were added on demand
//   date=YYYY-MM-DD        show the network as of that date (undated facts always show)
//   kinds=<kind>,...       node kinds shown (default: the actor kinds)
//   pol=<polarity>,...     cooperative, diplomatic, hostile (default: all)
//   stance=<stance>,...    asserted, reported, claimed, rumoured, denied (default: all)
//   xrt=<type>,...         relation or event types hidden
//   xsrc=<source id>,...   sources hidden
//   iso=1                  also show actors without any visible relation
//   lang=en|fr|ar          language of node labels
//   bloc=1                 colour actors by bloc (GET /api/blocs for the date)
//   tri=1                  highlight the edges of unbalanced triangles
//   sel=n:<id> | e:<edge>  what the evidence panel shows

import { POLARITIES } from "./style.js";

export const ALL_STANCES = ["asserted", "reported", "claimed", "rumoured", "denied"];
export const ALL_POLARITIES = POLARITIES.map((p) => p.id);
export const LANGUAGES = ["en", "fr", "ar"];

export function defaultState() {
  return {
    focus: null,
    hops: 1,
    expand: [],
    date: null,
    kinds: null,
    polarities: [...ALL_POLARITIES],
    stances: [...ALL_STANCES],
    hideTypes: [],
    hideSources: [],
    isolated: false,
    lang: "en",
    bloc: false,
    triangles: false,
    sel: null,
  };
}

const list = (value) => (value ? value.split(",").filter(Boolean) : []);
const ordered = (values, order) => order.filter((v) => values.includes(v));
const sameSet = (a, b) => a.length === b.length && a.every((v) => b.includes(v));

/** The state a query string describes; unknown values are dropped. */
export function fromQuery(search) {
  const params = new URLSearchParams(search);
  const state = defaultState();
  state.focus = params.get("focus") || null;
  const hops = Number(params.get("hops"));
  if (Number.isInteger(hops) && hops >= 1 && hops <= 4) state.hops = hops;
  state.expand = list(params.get("expand"));
  const date = params.get("date");
  if (date && /^\d{4}-\d{2}-\d{2}$/.test(date)) state.date = date;
  if (params.has("kinds")) state.kinds = list(params.get("kinds"));
  if (params.has("pol")) state.polarities = ordered(list(params.get("pol")), ALL_POLARITIES);
  if (params.has("stance")) state.stances = ordered(list(params.get("stance")), ALL_STANCES);
  state.hideTypes = list(params.get("xrt"));
  state.hideSources = list(params.get("xsrc"));
  state.isolated = params.get("iso") === "1";
  state.bloc = params.get("bloc") === "1";
  state.triangles = params.get("tri") === "1";
  const lang = params.get("lang");
  if (LANGUAGES.includes(lang)) state.lang = lang;
  const sel = params.get("sel");
  if (sel && /^[ne]:/.test(sel)) state.sel = sel;
  return state;
}

/** The query string of a state (without `?`), parameters in a fixed order, defaults left out. */
export function toQuery(state, defaultKinds = null) {
  const params = new URLSearchParams();
  if (state.focus) {
    params.set("focus", state.focus);
    if (state.hops !== 1) params.set("hops", String(state.hops));
    if (state.expand.length) params.set("expand", state.expand.join(","));
  }
  if (state.date) params.set("date", state.date);
  if (state.kinds && !(defaultKinds && sameSet(state.kinds, defaultKinds))) {
    params.set("kinds", [...state.kinds].sort().join(","));
  }
  if (!sameSet(state.polarities, ALL_POLARITIES)) {
    params.set("pol", ordered(state.polarities, ALL_POLARITIES).join(","));
  }
  if (!sameSet(state.stances, ALL_STANCES)) {
    params.set("stance", ordered(state.stances, ALL_STANCES).join(","));
  }
  if (state.hideTypes.length) params.set("xrt", [...state.hideTypes].sort().join(","));
  if (state.hideSources.length) params.set("xsrc", [...state.hideSources].sort().join(","));
  if (state.isolated) params.set("iso", "1");
  if (state.lang !== "en") params.set("lang", state.lang);
  if (state.bloc) params.set("bloc", "1");
  if (state.triangles) params.set("tri", "1");
  if (state.sel) params.set("sel", state.sel);
  // Commas and colons are safe in a query string and keep links readable.
  return params.toString().replace(/%2C/g, ",").replace(/%3A/g, ":").replace(/%7C/g, "|");
}
