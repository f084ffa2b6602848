// The data model of the alliance view, without any DOM: index the /api/graph payload, apply the view state
// (filters, date, focus), and gather the visible facts into edges. Pure functions, so the same state always
// gives the same view (which is what makes a link reproduce it).

import { normaliseName } from "./names.js";
import { POLARITIES, STANCE_STYLES } from "./style.js";

/** Index the /api/graph payload for fast filtering. */
export function buildIndex(payload) {
  const nodes = new Map(payload.nodes.map((n) => [n.id, n]));
  const types = new Map();
  for (const rt of Object.values(payload.relationTypes || {})) {
    types.set(rt.id, { ...rt, group: "relation" });
  }
  for (const [name, et] of Object.entries(payload.eventTypes || {})) {
    types.set(et.id, { ...et, name, group: "event" });
  }
  const facts = new Map();
  const usedTypes = new Set();
  for (const fact of payload.facts) {
    facts.set(fact.id, fact);
    usedTypes.add(fact.type);
  }
  return {
    payload,
    nodes,
    types,
    usedTypes,
    facts,
    kinds: payload.kinds || [],
    stances: payload.stances || [],
    sources: payload.sources || [],
    speakers: payload.speakers || {},
    breakpoints: breakpoints(payload.facts),
  };
}

/** A day before or after an ISO date. */
export function shiftDay(iso, days) {
  const [y, m, d] = iso.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d + days));
  return date.toISOString().slice(0, 10);
}

/**
 * Dates at which the view changes: each start, each last day, each day after an end (up to the last date of the
 * data), and the day before the first start. The last breakpoint is the last date of the data.
 */
export function breakpoints(facts) {
  const dates = new Set();
  for (const fact of facts) {
    if (fact.from) dates.add(fact.from);
    if (fact.until) dates.add(fact.until);
  }
  const known = [...dates].sort();
  if (!known.length) return [];
  const last = known[known.length - 1];
  for (const fact of facts) {
    if (fact.until && fact.until < last) dates.add(shiftDay(fact.until, 1));
  }
  const sorted = [...dates].sort();
  sorted.unshift(shiftDay(sorted[0], -1));
  return sorted;
}

/** True when a fact holds on `date` (ISO); facts without a time hold at every date. */
export function holdsOn(fact, date) {
  if (!date) return true;
  if (fact.from && fact.from > date) return false;
  if (fact.until && fact.until < date) return false;
  return true;
}

/** The polarity id of a type: cooperative, diplomatic or hostile. */
export function polarityOf(type) {
  const value = type ? type.polarity : 0;
  return (POLARITIES.find((p) => p.value === value) || POLARITIES[1]).id;
}

/** The set of node kinds shown by a state (null means the defaults of the payload). */
export function shownKinds(index, state) {
  if (state.kinds) return new Set(state.kinds);
  return new Set(index.kinds.filter((k) => k.shown).map((k) => k.id));
}

/** The filters of a state as sets, for testing many facts. */
export function compileFilters(state) {
  return {
    hideTypes: new Set(state.hideTypes),
    polarities: new Set(state.polarities),
    stances: new Set(state.stances),
    hideSources: new Set(state.hideSources),
    date: state.date,
  };
}

/** Does a fact pass the filters of a state (type, polarity, stance, source, date)? */
export function factPasses(index, state, fact, filters = compileFilters(state)) {
  if (filters.hideTypes.has(fact.type)) return false;
  if (!filters.polarities.has(polarityOf(index.types.get(fact.type)))) return false;
  if (!filters.stances.has(fact.stance)) return false;
  if (
    filters.hideSources.size &&
    fact.sources.length &&
    fact.sources.every((s) => filters.hideSources.has(s))
  ) {
    return false;
  }
  return holdsOn(fact, filters.date);
}

/** The key of the edge a pair of nodes and a type gather into (symmetric types ignore direction). */
export function edgeKey(source, type, target, directed) {
  if (!directed && target < source) [source, target] = [target, source];
  return `${source}|${type}|${target}`;
}

/**
 * The edge of a key (`source|type|target`) with every fact of the graph it gathers, whatever the filters: for an
 * edge named in a URL but hidden by the view. Null when no fact makes that edge.
 */
export function edgeFromKey(index, key) {
  const [source, type, target] = key.split("|");
  const info = index.types.get(type);
  if (!info || !index.nodes.has(source) || !index.nodes.has(target)) return null;
  const facts = [...index.facts.values()].filter(
    (f) => f.type === type && f.pairs.some(([s, t]) => edgeKey(s, type, t, info.directed) === key),
  );
  if (!facts.length) return null;
  return {
    key,
    source,
    target,
    type,
    label: info.label,
    directed: info.directed,
    polarity: polarityOf(info),
    facts: facts.map((f) => f.id),
  };
}

/**
 * The visible graph for a state: `nodes` (Set of ids) and `edges` (Map key → edge), where an edge gathers the
 * visible facts of one type between two nodes.
 */
export function visibleGraph(index, state) {
  const kinds = shownKinds(index, state);
  const nodeAllowed = (id) => {
    const node = index.nodes.get(id);
    return node !== undefined && (kinds.has(node.kind) || id === state.focus);
  };
  const all = new Map();
  const filters = compileFilters(state);
  // Per type once, not per fact: 30,000 facts share a few dozen types (this loop is most of a large view's cost).
  const typeInfo = new Map();
  for (const fact of index.facts.values()) {
    if (!factPasses(index, state, fact, filters)) continue;
    let info = typeInfo.get(fact.type);
    if (!info) {
      const type = index.types.get(fact.type) || { directed: true, polarity: 0, label: fact.type };
      info = {
        type,
        polarity: polarityOf(type),
        directed: type.directed !== false,
        group: type.group || "relation",
      };
      typeInfo.set(fact.type, info);
    }
    const type = info.type;
    for (const [source, target] of fact.pairs) {
      if (source === target || !nodeAllowed(source) || !nodeAllowed(target)) continue;
      const key = edgeKey(source, fact.type, target, type.directed);
      let edge = all.get(key);
      if (!edge) {
        // A symmetric edge reads in the direction of its first fact ("Russia allied with Assad regime").
        edge = {
          key,
          source,
          target,
          type: fact.type,
          label: type.label,
          directed: info.directed,
          polarity: info.polarity,
          group: info.group,
          facts: [],
          stance: fact.stance,
          dated: false,
        };
        all.set(key, edge);
      }
      if (!edge.facts.includes(fact.id)) edge.facts.push(fact.id);
      if (STANCE_STYLES[fact.stance].rank < STANCE_STYLES[edge.stance].rank) edge.stance = fact.stance;
      if (fact.from || fact.until) edge.dated = true;
    }
  }
  const adjacency = new Map();
  const link = (a, b) => {
    const set = adjacency.get(a);
    if (set) set.add(b);
    else adjacency.set(a, new Set([b]));
  };
  for (const edge of all.values()) {
    link(edge.source, edge.target);
    link(edge.target, edge.source);
  }
  let nodes;
  let edges = all;
  if (state.focus && index.nodes.has(state.focus)) {
    nodes = neighbourhood(adjacency, state.focus, state.hops);
    for (const id of state.expand) {
      if (!index.nodes.has(id)) continue;
      nodes.add(id);
      for (const other of adjacency.get(id) || []) nodes.add(other);
    }
    edges = new Map();
    for (const [key, edge] of all) {
      if (nodes.has(edge.source) && nodes.has(edge.target)) edges.set(key, edge);
    }
  } else {
    // Without a focus every end of an edge is an allowed node with a relation: all the edges stay.
    nodes = new Set();
    for (const [id, node] of index.nodes) {
      if (kinds.has(node.kind) && (state.isolated || adjacency.has(id))) nodes.add(id);
    }
  }
  assignOffsets(edges);
  const degree = new Map();
  for (const edge of edges.values()) {
    degree.set(edge.source, (degree.get(edge.source) || 0) + 1);
    degree.set(edge.target, (degree.get(edge.target) || 0) + 1);
  }
  return { nodes, edges, degree, adjacency };
}

/** Parallel edges between the same two nodes get side-by-side offsets (pixels), so each stays visible and clickable. */
export function assignOffsets(edges, gap = 5) {
  // Most pairs have one edge: it is stored alone and gets offset 0; only real groups become arrays and sort.
  const byPair = new Map();
  for (const edge of edges.values()) {
    const pair =
      edge.source < edge.target ? `${edge.source}|${edge.target}` : `${edge.target}|${edge.source}`;
    const known = byPair.get(pair);
    if (known === undefined) byPair.set(pair, edge);
    else if (Array.isArray(known)) known.push(edge);
    else byPair.set(pair, [known, edge]);
  }
  for (const group of byPair.values()) {
    if (!Array.isArray(group)) {
      group.offset = 0;
      continue;
    }
    group.sort((a, b) => (a.key < b.key ? -1 : 1));
    group.forEach((edge, i) => {
      const offset = (i - (group.length - 1) / 2) * gap;
      // The normal of an edge flips with its direction: flip the offset too so the edges really separate.
      edge.offset = edge.source < edge.target ? offset : -offset;
    });
  }
}

/** Nodes within `hops` steps of `start`, direction ignored. */
export function neighbourhood(adjacency, start, hops) {
  const seen = new Set([start]);
  let frontier = [start];
  for (let step = 0; step < hops; step++) {
    const next = [];
    for (const id of frontier) {
      for (const other of adjacency.get(id) || []) {
        if (!seen.has(other)) {
          seen.add(other);
          next.push(other);
        }
      }
    }
    frontier = next;
  }
  return seen;
}

/** Names as the server compares them (kg/names.py): "Turkiye" finds "Türkiye", "Assad" finds "al-Assad". */
export const fold = normaliseName;

/** Suggestions for a search text over labels (every language), aliases and metonyms; best first. */
export function suggest(index, text, limit = 8) {
  const needle = fold(text);
  if (!needle) return [];
  const hits = [];
  for (const node of index.nodes.values()) {
    let best = null;
    const candidates = [
      ...Object.entries(node.labels || {}).map(([lang, label]) => ({ text: label, lang, via: "label" })),
      ...(node.aliases || []).map((alias) => ({ text: alias, lang: "", via: "alias" })),
    ];
    for (const candidate of candidates) {
      const folded = fold(candidate.text);
      const at = folded.indexOf(needle);
      if (!needle.split(" ").every((word) => folded.includes(word))) continue;
      const rank = (folded === needle ? 0 : at === 0 ? 1 : 2) * 2 + (candidate.via === "label" ? 0 : 1);
      if (!best || rank < best.rank) best = { ...candidate, rank };
    }
    if (best) {
      hits.push({
        id: node.id,
        label: node.label,
        kind: node.kind,
        matched: best.text,
        via: best.via,
        rank: best.rank,
      });
    }
  }
  hits.sort((a, b) => a.rank - b.rank || a.label.localeCompare(b.label));
  return hits.slice(0, limit);
}

/** The label of a node in a language, falling back to English and then to any label. */
export function labelOf(node, lang) {
  if (!node) return "";
  return (node.labels && (node.labels[lang] || node.labels.en || node.labels[""])) || node.label || node.id;
}
