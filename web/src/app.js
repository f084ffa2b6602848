// The alliance view at `/`: loads /api/graph, lays it out, and keeps the view, the controls, the evidence panel
// and the URL in step with one state object. The App holds the state and redraws; each concern has its module:
// controls.js (search, filters, exports), timeline.js (dates and events), evidence.js (the panel),
// analytics.js (blocs and triangles), url-state.js (the address bar), legend.js.

import { Analytics } from "./analytics.js";
import { Controls } from "./controls.js";
import { byId as $ } from "./dom.js";
import { EvidencePanel } from "./evidence.js";
import { RequestError, getJSON } from "./http.js";
import { computeLayout, refineLarge } from "./layout.js";
import { buildLegend } from "./legend.js";
import { buildIndex, labelOf, polarityOf, visibleGraph } from "./model.js";
import { GraphView } from "./render.js";
import { Timeline } from "./timeline.js";
import { onHistoryMove, stateFromLocation, writeLocation } from "./url-state.js";

/** Above this many facts the graph is large: spiral first, ForceAtlas2 in a worker, lighter drawing. */
const LARGE_FACTS = 5000;

class App {
  /** `view`: the GraphView, made (and warmed up) while the payload was downloading. */
  constructor(payload, view) {
    this.index = buildIndex(payload);
    this.defaultKinds = this.index.kinds.filter((k) => k.shown).map((k) => k.id);
    this.state = stateFromLocation();
    this.controls = new Controls(this);
    this.timeline = new Timeline(this);
    this.panel = new EvidencePanel(this);
    this.analytics = new Analytics(this);
    const mark = (name) => {
      window.kgView.timings[name] = Math.round(performance.now());
    };
    window.kgView.timings = {};
    mark("indexed");
    this.layout();
    mark("laidOut");
    this.large = this.index.facts.size > LARGE_FACTS;
    this.view = view;
    Object.assign(view.handlers, {
      clickNode: (id) => this.update({ sel: `n:${id}` }),
      expandNode: (id) => this.expand(id),
      clickEdge: (key) => this.update({ sel: `e:${key}` }),
      clickStage: () => this.state.sel && this.update({ sel: null }),
      firstRender: (at, painted) => {
        window.kgView.firstRenderAt = at;
        window.kgView.firstPaintAt = painted;
      },
    });
    view.setLarge(this.large);
    // Draw first; the controls, the legend and the list of relations follow in the next task.
    this.controlsBuilt = false;
    this.apply({ history: "replace", camera: true });
    mark("applied");
    setTimeout(() => {
      this.controls.build();
      this.timeline.build();
      buildLegend();
      this.controlsBuilt = true;
      this.syncControls();
      this.controls.renderEdgeList();
      this.analytics.render();
      mark("controls");
      window.kgView.ready = true;
      if (this.refine) this.refineLayout();
    }, 0);
    onHistoryMove((state) => {
      this.state = state;
      this.apply({ history: null, camera: true });
    });
  }

  // ---------------------------------------------------------------------------------------------- layout

  layout() {
    const index = this.index;
    const defaultKinds = new Set(this.defaultKinds);
    const allIds = [...index.nodes.keys()].sort();
    const coreIds = allIds.filter((id) => defaultKinds.has(index.nodes.get(id).kind));
    const edges = [];
    for (const fact of index.facts.values()) {
      const polarity = polarityOf(index.types.get(fact.type));
      for (const [source, target] of fact.pairs) edges.push({ source, target, polarity });
    }
    const { positions, refine } = computeLayout(allIds, coreIds, edges);
    this.positions = positions;
    this.refine = refine;
  }

  relayout() {
    const visible = this.visible;
    const edges = [...visible.edges.values()].map((e) => ({
      source: e.source,
      target: e.target,
      polarity: e.polarity,
    }));
    const ids = [...visible.nodes].sort();
    const { positions } = computeLayout(ids, ids, edges, "relayout");
    for (const [id, at] of positions) this.positions.set(id, at);
    this.apply({ history: null, camera: true });
  }

  /** A large graph, first drawn on a spiral, gets a few seconds of ForceAtlas2 in a worker, then moves once. */
  refineLayout() {
    $("status").textContent += " · laying out…";
    refineLarge(this.view.graph, 4000, (positions) => {
      for (const [id, at] of positions) this.positions.set(id, at);
      this.view.graph.updateEachNodeAttributes((id, attrs) => {
        const at = positions.get(id);
        return at ? { ...attrs, x: at.x, y: at.y } : attrs;
      });
      this.controls.renderStatus();
      // Settled once the frame with the new positions is drawn (the benchmark reports when).
      this.view.sigma.once("afterRender", () => {
        window.kgView.layoutDoneAt = performance.now();
        window.kgView.layoutDone = true;
      });
    });
  }

  // ---------------------------------------------------------------------------------------------- state

  /** Change part of the state, then redraw; `history`: "push" (default), "replace" or null. */
  update(patch, { history = "push", camera = false } = {}) {
    this.state = { ...this.state, ...patch };
    this.apply({ history, camera });
  }

  focus(id) {
    this.update({ focus: id, expand: [], sel: `n:${id}` }, { camera: true });
  }

  expand(id) {
    if (!this.state.focus) {
      this.update({ focus: id, expand: [], sel: `n:${id}` }, { camera: true });
      return;
    }
    if (!this.state.expand.includes(id) && id !== this.state.focus) {
      this.update({ expand: [...this.state.expand, id], sel: `n:${id}` });
    }
  }

  /** Redraw everything from the state: the view, the controls, the overlays, the address, the panel. */
  apply({ history = "push", camera = false } = {}) {
    const state = this.state;
    const t0 = performance.now();
    this.visible = visibleGraph(this.index, state);
    const t1 = performance.now();
    this.view.show(this.visible, this.index, this.positions, (id) =>
      labelOf(this.index.nodes.get(id), state.lang),
    );
    const t2 = performance.now();
    const selected = [];
    if (state.focus) selected.push(state.focus);
    if (state.sel) selected.push(state.sel.slice(2));
    this.view.setSelected(selected);
    if (camera) this.view.centreOn(null);
    if (this.controlsBuilt) {
      this.syncControls();
      this.controls.renderEdgeList();
    }
    this.analytics.apply();
    this.controls.renderStatus();
    writeLocation(state, this.defaultKinds, history);
    this.panel.update();
    window.kgView.lastApply = {
      visible: Math.round(t1 - t0),
      show: Math.round(t2 - t1),
      setGraph: Math.round(this.view.lastSetGraphMs),
      rest: Math.round(performance.now() - t2),
    };
  }

  syncControls() {
    this.controls.sync();
    this.timeline.sync();
  }
}

/** The test and automation handle: read-only views of what is on screen. */
function exposeHandle(app) {
  Object.assign(window.kgView, {
    state: () => JSON.parse(JSON.stringify(app.state)),
    breakpoints: app.index.breakpoints,
    visibleNodes: () => [...app.visible.nodes].sort(),
    visibleEdges: () =>
      [...app.visible.edges.values()].map((e) => ({
        key: e.key,
        source: e.source,
        target: e.target,
        type: e.type,
        polarity: e.polarity,
        stance: e.stance,
        facts: [...e.facts],
      })),
    nodePoint: (id) => app.view.nodePoint(id),
    edgePoint: (key, t = 0.5) => app.view.edgePoint(key, t),
    panelReady: () => app.panel.ready,
    analyticsReady: () => app.analytics.isReady(),
    nodeColor: (id) => (app.view.graph.hasNode(id) ? app.view.graph.getNodeAttribute(id, "color") : null),
    highlightedEdges: () => [...(app.analytics.highlighted || [])].sort(),
    sigma: () => app.view.sigma,
    settled: () => !app.view.sigma.getCamera().isAnimated(),
    edgeAt: (x, y) => app.view.sigma.getEdgeAtPoint(x, y),
    nodeAt: (x, y) => app.view.sigma.getNodeAtPosition({ x, y }),
  });
  if (!app.refine) window.kgView.layoutDone = true;
}

async function main() {
  window.kgView = { ready: false, firstRenderAt: null, startedAt: performance.now() };
  const status = $("status");
  status.textContent = "Loading the graph…";
  // Automation may point the view at another graph document of this app (the benchmark serves a synthetic one).
  const graphUrl = window.KG_GRAPH_URL;
  const source = typeof graphUrl === "string" && graphUrl.startsWith("/") ? graphUrl : "/api/graph";
  const loading = getJSON(source, "The graph");
  // While the graph downloads, make the view and draw with each WebGL program once (see GraphView.warmUp).
  const view = new GraphView($("graph"));
  view.warmUp();
  let payload;
  try {
    payload = await loading;
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
    status.textContent = error.message;
    return;
  }
  window.kgView.loadedAt = performance.now();
  const app = new App(payload, view);
  exposeHandle(app);
}

main().catch((error) => {
  const status = document.getElementById("status");
  if (status) status.textContent = `The browser failed to start: ${error.message}`;
  throw error;
});
