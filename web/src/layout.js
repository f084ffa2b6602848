// The default layout: blocs near each other. Blocs are the communities (Louvain) of the cooperative relations;
// each starts in its own sector of a circle, then ForceAtlas2 pulls cooperating actors together (strong weight)
// and lets hostile ones drift apart (weak weight). Seeded, so the same data always gives the same picture.
// Graphs above LARGE nodes are drawn at once from the bloc placement and refined by ForceAtlas2 in a web worker.

import Graph from "graphology";
import louvain from "graphology-communities-louvain";
import forceAtlas2 from "graphology-layout-forceatlas2";
import FA2Layout from "graphology-layout-forceatlas2/worker.js";

export const LARGE = 2000;
const ATTRACTION = { cooperative: 3, diplomatic: 0.6, hostile: 0.25 };
const BLOC_WEIGHT = { cooperative: 1, diplomatic: 0.15, hostile: 0.01 };

/** A seeded random number generator (mulberry32) from a string. */
export function seededRandom(text) {
  let seed = 2166136261;
  for (let i = 0; i < text.length; i++) seed = Math.imul(seed ^ text.charCodeAt(i), 16777619);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An undirected weighted graph of nodes and the pairs of edges given as {source, target, polarity}. */
function weightedGraph(nodeIds, edges) {
  const graph = new Graph({ type: "undirected" });
  for (const id of nodeIds) graph.addNode(id);
  for (const edge of edges) {
    if (!graph.hasNode(edge.source) || !graph.hasNode(edge.target) || edge.source === edge.target) continue;
    const key = edge.source < edge.target ? `${edge.source}|${edge.target}` : `${edge.target}|${edge.source}`;
    if (!graph.hasEdge(key)) graph.addEdgeWithKey(key, edge.source, edge.target, { weight: 0, bloc: 0 });
    graph.updateEdgeAttribute(key, "weight", (w) => w + (ATTRACTION[edge.polarity] ?? 0.5));
    graph.updateEdgeAttribute(key, "bloc", (w) => w + (BLOC_WEIGHT[edge.polarity] ?? 0.1));
  }
  return graph;
}

/** Each node placed in the sector of its bloc: the first layout, and the start of ForceAtlas2. */
function blocPlacement(graph, random) {
  const communities = graph.size ? louvain(graph, { getEdgeWeight: "bloc", rng: random }) : {};
  const members = new Map();
  graph.forEachNode((id) => {
    if (graph.degree(id) === 0) return;
    const community = communities[id] ?? -1;
    if (!members.has(community)) members.set(community, []);
    members.get(community).push(id);
  });
  const blocs = [...members.values()].sort((a, b) => b.length - a.length || (a[0] < b[0] ? -1 : 1));
  const total = blocs.reduce((n, b) => n + b.length, 0) || 1;
  let angle = 0;
  blocs.forEach((bloc) => {
    const share = (bloc.length / total) * 2 * Math.PI;
    const centre = angle + share / 2;
    const radius = 10 * Math.sqrt(total);
    const cx = Math.cos(centre) * radius;
    const cy = Math.sin(centre) * radius;
    const spread = 4 * Math.sqrt(bloc.length);
    bloc.sort().forEach((id) => {
      graph.setNodeAttribute(id, "x", cx + (random() - 0.5) * spread);
      graph.setNodeAttribute(id, "y", cy + (random() - 0.5) * spread);
    });
    angle += share;
  });
  return blocs.length;
}

/** Positions on a ring around the laid-out nodes for `isolated` ids (no relation at all), in id order. */
function ringPositions(positions, isolated) {
  let radius = 1;
  for (const at of positions.values()) radius = Math.max(radius, Math.hypot(at.x, at.y));
  isolated.sort().forEach((id, i) => {
    const angle = (i / Math.max(isolated.length, 1)) * 2 * Math.PI;
    positions.set(id, { x: Math.cos(angle) * radius * 1.2, y: Math.sin(angle) * radius * 1.2 });
  });
}

/** Remove the nodes without any relation (ForceAtlas2 would push them out; unplaced they would poison it). */
function dropIsolated(graph) {
  const isolated = graph.filterNodes((id) => graph.degree(id) === 0);
  for (const id of isolated) graph.dropNode(id);
  return isolated;
}

function runForceAtlas(graph, iterations) {
  if (graph.order < 2 || graph.size === 0) return;
  forceAtlas2.assign(graph, {
    iterations,
    getEdgeWeight: "weight",
    settings: {
      ...forceAtlas2.inferSettings(graph),
      linLogMode: true,
      edgeWeightInfluence: 1,
      gravity: 0.6,
      scalingRatio: 4,
      barnesHutOptimize: graph.order > 400,
    },
  });
}

/**
 * Positions for every node id: `core` ids (the actors) are laid out first, then the others (places, goals...)
 * are placed around them with the core held fixed. Returns {positions: Map id → {x, y}, refine: boolean}.
 */
export function computeLayout(allIds, coreIds, edges, seed = "syria-kg") {
  const positions = new Map();
  if (coreIds.length > LARGE) {
    // A large graph is drawn at once on a spiral; its blocs and ForceAtlas2 come after the first frame.
    spiral(traversalOrder(allIds, edges), positions);
    return { positions, refine: true };
  }
  const random = seededRandom(seed);
  const core = weightedGraph(coreIds, edges);
  const coreIsolated = dropIsolated(core);
  blocPlacement(core, random);
  runForceAtlas(core, core.order > 300 ? 250 : 600);
  core.forEachNode((id, a) => positions.set(id, { x: a.x, y: a.y }));
  const rest = allIds.filter((id) => !positions.has(id) && !coreIsolated.includes(id));
  if (rest.length) {
    const full = weightedGraph(allIds, edges);
    const isolated = new Set(dropIsolated(full));
    full.forEachNode((id) => {
      const known = positions.get(id);
      if (known) {
        full.mergeNodeAttributes(id, { ...known, fixed: true });
        return;
      }
      const around = full
        .neighbors(id)
        .map((n) => positions.get(n))
        .filter(Boolean);
      const cx = around.length ? around.reduce((s, p) => s + p.x, 0) / around.length : 0;
      const cy = around.length ? around.reduce((s, p) => s + p.y, 0) / around.length : 0;
      full.mergeNodeAttributes(id, { x: cx + (random() - 0.5) * 20, y: cy + (random() - 0.5) * 20 });
    });
    runForceAtlas(full, 200);
    full.forEachNode((id, a) => {
      if (!positions.has(id)) positions.set(id, { x: a.x, y: a.y });
    });
    ringPositions(
      positions,
      [...coreIsolated, ...isolated].filter((id) => !positions.has(id)),
    );
  } else {
    ringPositions(positions, coreIsolated);
  }
  return { positions, refine: false };
}

/**
 * Ids in breadth-first order over the relations (each component from its smallest id, components in id order):
 * neighbours come out close together, so on the spiral most edges are short, which reads better than a uniform
 * hairball and costs software WebGL fewer pixels to draw.
 */
function traversalOrder(ids, edges) {
  const adjacency = new Map(ids.map((id) => [id, []]));
  for (const { source, target } of edges) {
    if (source === target || !adjacency.has(source) || !adjacency.has(target)) continue;
    adjacency.get(source).push(target);
    adjacency.get(target).push(source);
  }
  const order = [];
  const seen = new Set();
  for (const start of [...ids].sort()) {
    if (seen.has(start)) continue;
    seen.add(start);
    for (let head = order.push(start) - 1; head < order.length; head++) {
      for (const next of adjacency.get(order[head])) {
        if (!seen.has(next)) {
          seen.add(next);
          order.push(next);
        }
      }
    }
  }
  return order;
}

/**
 * Nodes along an Archimedean spiral in the given order, one unit apart along the arm and between turns: an
 * instant, even, deterministic first placement where consecutive ids are neighbours.
 */
function spiral(ids, positions) {
  ids.forEach((id, i) => {
    const angle = Math.sqrt(4 * Math.PI * (i + 0.5));
    const r = angle / (2 * Math.PI);
    positions.set(id, { x: Math.cos(angle) * r, y: Math.sin(angle) * r });
  });
}

/**
 * The deferred layout of a large graph: ForceAtlas2 (LinLog, so blocs gather) in a web worker, on a copy of the
 * displayed graph so that the view stays responsive; after `ms` milliseconds the new positions are handed to
 * `done(positions)` in one go.
 */
export function refineLarge(displayed, ms, done) {
  const copy = new Graph({ type: "undirected" });
  displayed.forEachNode((id, a) => copy.addNode(id, { x: a.x, y: a.y }));
  displayed.forEachEdge((key, attrs, source, target) => {
    if (source !== target && !copy.hasEdge(source, target)) {
      copy.addEdge(source, target, { weight: ATTRACTION[attrs.polarity] ?? 0.5 });
    }
  });
  const layout = new FA2Layout(copy, {
    getEdgeWeight: "weight",
    settings: { ...forceAtlas2.inferSettings(copy), linLogMode: true, barnesHutOptimize: true, gravity: 1 },
  });
  layout.start();
  const timer = setTimeout(() => {
    layout.stop();
    layout.kill();
    const positions = new Map();
    copy.forEachNode((id, a) => positions.set(id, { x: a.x, y: a.y }));
    done(positions);
  }, ms);
  return () => {
    clearTimeout(timer);
    layout.kill();
  };
}
