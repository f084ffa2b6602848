// The sigma.js view: a graphology graph built from the visible nodes and edges, drawn with our WebGL programs,
// with hover highlighting (a node and its neighbours stay, the rest fades) and click handlers.

import Graph from "graphology";
import Sigma from "sigma";

import { edgeProgramClasses, nodeProgramClasses } from "./programs.js";
import {
  FADED,
  UNBALANCED,
  POLARITY_BY_VALUE,
  POLARITIES,
  STANCE_STYLES,
  edgeSize,
  kindStyle,
  nodeSize,
} from "./style.js";

const POLARITY_COLOR = Object.fromEntries(POLARITIES.map((p) => [p.id, p.color]));
/** Above this many edges in view, edges are drawn as one-pixel lines without stance styles or arrows. */
export const FAST_EDGES = 5000;
/**
 * Above this many nodes in view, nodes shrink with the square root of their number (down to a fifth of their size):
 * fitted to the screen, 10,000 nodes at full size would cover the canvas several times over, unreadable, and
 * software WebGL pays for every pixel of every node (it was 80% of a frame). The real data stays at full size.
 */
const NODE_SCALE_FROM = 500;

/** The factor applied to node sizes when `order` nodes are in view. */
export function nodeScale(order) {
  return order <= NODE_SCALE_FROM ? 1 : Math.max(0.2, Math.sqrt(NODE_SCALE_FROM / order));
}

export class GraphView {
  /**
   * `large` (or setLarge(true) later): thousands of edges. Edges are then not pickable (click them from the list
   * instead), and edges and labels are hidden while the camera moves, so that panning stays fluid even with
   * software WebGL.
   */
  constructor(container, handlers = {}, { large = false } = {}) {
    this.large = false;
    this.container = container;
    this.handlers = handlers;
    this.hovered = null;
    this.hoveredEdge = null;
    this.selected = new Set();
    /** Optional overlays: node id → colour (colour by bloc), and edge keys drawn highlighted (triangles). */
    this.nodeColors = null;
    this.highlightEdges = null;
    this.graph = new Graph({ multi: true, type: "directed" });
    this.firstRender = null;
    this.sigma = new Sigma(this.graph, container, {
      nodeProgramClasses,
      edgeProgramClasses,
      defaultNodeType: "shape",
      defaultEdgeType: "arrow",
      // The edge layer always gets a picking buffer (sigma decides at construction); setLarge() turns events off.
      enableEdgeEvents: true,
      renderEdgeLabels: true,
      labelFont: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans Arabic', sans-serif",
      labelSize: 13,
      labelWeight: "500",
      labelColor: { color: "#1f2937" },
      edgeLabelSize: 12,
      edgeLabelColor: { color: "#374151" },
      labelDensity: 0.9,
      labelGridCellSize: 90,
      labelRenderedSizeThreshold: 2,
      minEdgeThickness: 1.2,
      zIndex: true,
      stagePadding: 70,
      enableCameraRotation: false,
      nodeReducer: (node, data) => this.reduceNode(node, data),
      edgeReducer: (edge, data) => this.reduceEdge(edge, data),
    });
    if (large) this.setLarge(true);
    this.sigma.on("afterRender", () => {
      if (this.firstRender !== null || this.warming || !this.graph.order) return;
      this.firstRender = performance.now();
      // Wait for the GPU to finish that frame (reading one pixel is a sync point): the moment it is on screen.
      const gl = this.sigma.webGLContexts && this.sigma.webGLContexts.edges;
      if (gl) gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
      this.firstPaint = performance.now();
      if (this.handlers.firstRender) this.handlers.firstRender(this.firstRender, this.firstPaint);
    });
    // The container changes size when the legend, the panel or the window change: redraw at the new size.
    if (typeof ResizeObserver === "function") {
      let last = `${container.clientWidth}x${container.clientHeight}`;
      new ResizeObserver(() => {
        const now = `${container.clientWidth}x${container.clientHeight}`;
        if (now === last) return;
        last = now;
        this.sigma.resize();
        this.sigma.scheduleRefresh();
      }).observe(container);
    }
    // The fast edge program skips frames drawn while the camera moves; once a drag is over (sigma clears its
    // drag state in a task of its own, queued before this one), one frame draws the edges and labels again.
    this.sigma.getMouseCaptor().on("mouseup", () => {
      if (this.large) setTimeout(() => this.sigma.scheduleRender(), 0);
    });
    this.sigma.on("enterNode", ({ node }) => this.hover(node));
    this.sigma.on("leaveNode", () => this.hover(null));
    this.sigma.on("enterEdge", ({ edge }) => {
      this.hoveredEdge = edge;
      container.style.cursor = "pointer";
      this.redraw();
    });
    this.sigma.on("leaveEdge", () => {
      this.hoveredEdge = null;
      container.style.cursor = "";
      this.redraw();
    });
    this.sigma.on("clickNode", ({ node }) => handlers.clickNode && handlers.clickNode(node));
    this.sigma.on("doubleClickNode", (event) => {
      event.preventSigmaDefault();
      if (handlers.expandNode) handlers.expandNode(event.node);
    });
    this.sigma.on("clickEdge", ({ edge }) => handlers.clickEdge && handlers.clickEdge(edge));
    this.sigma.on("clickStage", () => handlers.clickStage && handlers.clickStage());
  }

  /** Large graphs: no edge events, and edges and labels hidden while the camera moves (see the constructor). */
  setLarge(large) {
    if (large === this.large) return;
    this.large = large;
    this.sigma.setSettings({ enableEdgeEvents: !large, hideLabelsOnMove: large });
  }

  /**
   * Draw one invisible node and one invisible edge of every program, while the data is still on its way: the
   * first draw with a program makes the GPU side build its pipeline (hundreds of milliseconds with software
   * WebGL), and this way that happens during the download instead of before the first real frame.
   */
  warmUp() {
    const graph = new Graph({ multi: true, type: "directed" });
    const clear = "rgba(0,0,0,0)";
    graph.addNode("a", { x: 0, y: 0, size: 1, color: clear, shape: 0 });
    graph.addNode("b", { x: 1, y: 1, size: 1, color: clear, shape: 0 });
    for (const type of Object.keys(edgeProgramClasses)) {
      graph.addEdge("a", "b", { type, size: 1, color: clear, label: null });
    }
    this.warming = true;
    this.sigma.setGraph(graph);
    this.warming = false;
    this.graph = graph;
  }

  /**
   * Apply the reducers again. Hovering raises items (z-index), which reorders them: small graphs are re-indexed
   * so that picking stays right; large ones have no z-index, so skipping the indexation is safe and cheaper.
   */
  redraw() {
    if (this.graph.size < FAST_EDGES) {
      this.sigma.refresh();
      return;
    }
    // A large graph costs a whole frame per refresh (sigma re-reads and re-uploads every item, even with
    // skipIndexation): coalesce the refreshes asked within one task (selection, colours, highlights) into one.
    if (this.redrawFrame) return;
    this.redrawFrame = requestAnimationFrame(() => {
      this.redrawFrame = null;
      this.sigma.refresh();
    });
  }

  hover(node) {
    if (this.large) {
      // Fading 10,000 nodes around the hovered one costs a whole frame per move of the mouse: large graphs only
      // get sigma's own hover (the node raised with its label) and the pointer.
      this.container.style.cursor = node ? "pointer" : "";
      return;
    }
    this.hovered = node;
    this.hoverNeighbours = node ? new Set(this.graph.neighbors(node)) : null;
    this.container.style.cursor = node ? "pointer" : "";
    this.redraw();
  }

  reduceNode(node, data) {
    // Most frames have nothing highlighted: hand the attributes back untouched (no copy per node).
    if (!this.hovered && !this.selected.has(node)) return data;
    const out = { ...data };
    if (this.selected.has(node)) {
      out.highlighted = true;
      out.zIndex = 2;
    }
    if (this.hovered && node !== this.hovered && !this.hoverNeighbours.has(node)) {
      out.color = FADED;
      out.label = null;
      out.zIndex = 0;
    } else if (this.hovered) {
      out.zIndex = 2;
    }
    return out;
  }

  reduceEdge(edge, data) {
    const marked = edge === this.hoveredEdge || this.selected.has(edge);
    if (!this.hovered && !marked) return data.label === null ? data : { ...data, label: null };
    const out = { ...data, label: null };
    if (this.hovered) {
      const [source, target] = this.graph.extremities(edge);
      if (source !== this.hovered && target !== this.hovered) {
        out.color = FADED;
        out.zIndex = 0;
      } else {
        out.zIndex = 2;
        out.label = data.fullLabel;
      }
    }
    if (marked) {
      out.label = data.fullLabel;
      out.size = data.size + 1.5;
      out.zIndex = 3;
    }
    return out;
  }

  /**
   * Show a new visible graph. `positions`: Map id → {x, y}; `labelOf(id)`: node label; `nodes` of the index.
   */
  show(visible, index, positions, labelOf) {
    // A multigraph only when two edges join the same pair (graphology's simple graphs are faster to fill).
    const pairs = new Set();
    let multi = false;
    for (const edge of visible.edges.values()) {
      const pair = `${edge.source}|${edge.target}`;
      if (pairs.has(pair)) {
        multi = true;
        break;
      }
      pairs.add(pair);
    }
    const graph = new Graph({ multi, type: "directed" });
    const scale = nodeScale(visible.nodes.size);
    for (const id of visible.nodes) {
      const node = index.nodes.get(id);
      const style = kindStyle(node.kind);
      const at = positions.get(id) || { x: 0, y: 0 };
      graph.addNode(id, {
        x: at.x,
        y: at.y,
        size: nodeSize(visible.degree.get(id) || 0) * scale,
        color: (this.nodeColors && this.nodeColors.get(id)) || style.color,
        baseColor: style.color,
        shape: style.code,
        label: labelOf(id),
        kind: node.kind,
      });
    }
    const fast = visible.edges.size > FAST_EDGES;
    this.fast = fast;
    for (const edge of visible.edges.values()) {
      const stance = STANCE_STYLES[edge.stance] || STANCE_STYLES.asserted;
      graph.addEdgeWithKey(edge.key, edge.source, edge.target, {
        type: fast ? "fast" : edge.directed ? "arrow" : "line",
        color: POLARITY_COLOR[edge.polarity] || POLARITY_BY_VALUE.get(0).color,
        size:
          edgeSize(edge.facts.length) + (this.highlightEdges && this.highlightEdges.has(edge.key) ? 3 : 0),
        baseSize: edgeSize(edge.facts.length),
        baseColor: POLARITY_COLOR[edge.polarity] || POLARITY_BY_VALUE.get(0).color,
        ...(this.highlightEdges && this.highlightEdges.has(edge.key) ? { color: UNBALANCED } : {}),
        dash: stance.dash,
        polarity: edge.polarity,
        offset: edge.offset || 0,
        label: null,
        fullLabel: `${edge.label}${edge.stance !== "asserted" && edge.stance !== "reported" ? ` (${edge.stance})` : ""}`,
        zIndex: 1,
      });
    }
    this.hovered = null;
    this.hoveredEdge = null;
    this.graph = graph;
    // Sorting by z-index costs a sort of every edge on each refresh: only small graphs need it (for hover).
    const small = graph.size < 5000;
    if (this.sigma.getSetting("zIndex") !== small) this.sigma.setSetting("zIndex", small);
    if (this.redrawFrame) {
      cancelAnimationFrame(this.redrawFrame);
      this.redrawFrame = null;
    }
    const t = performance.now();
    this.sigma.setGraph(graph);
    this.lastSetGraphMs = performance.now() - t;
  }

  /** Colour nodes from a Map id → colour (null: back to the colours of their kinds). */
  setNodeColors(colors) {
    // Nothing to undo (show() already used the kinds' colours): no pass over every node, no frame.
    if (!colors && !this.nodeColors) return;
    this.nodeColors = colors;
    this.graph.updateEachNodeAttributes((id, attrs) => ({
      ...attrs,
      color: (colors && colors.get(id)) || attrs.baseColor,
    }));
    this.redraw();
  }

  /** Draw the edges whose keys are in `keys` thicker and in the highlight colour (null: none). */
  setHighlightedEdges(keys) {
    if (!keys && !this.highlightEdges) return;
    this.highlightEdges = keys;
    this.graph.updateEachEdgeAttributes((key, attrs) => {
      const on = keys && keys.has(key);
      return {
        ...attrs,
        color: on ? UNBALANCED : attrs.baseColor,
        size: on ? attrs.baseSize + 3 : attrs.baseSize,
      };
    });
    this.redraw();
  }

  setSelected(ids) {
    const selected = new Set(ids);
    // The same selection as the last frame drew: nothing to redraw.
    if (selected.size === this.selected.size && [...selected].every((id) => this.selected.has(id))) return;
    this.selected = selected;
    this.redraw();
  }

  /** Move the camera to a node (or fit everything when `id` is null). */
  centreOn(id, ratio = 0.8) {
    const camera = this.sigma.getCamera();
    if (!id || !this.graph.hasNode(id)) {
      // Animating means drawing every frame of the animation: large graphs jump instead.
      if (this.large || this.firstRender === null) camera.setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
      else camera.animatedReset({ duration: 300 });
      return;
    }
    const data = this.sigma.getNodeDisplayData(id);
    if (data) camera.animate({ x: data.x, y: data.y, ratio }, { duration: 300 });
  }

  /** Viewport coordinates (CSS pixels) of a node centre. */
  nodePoint(id) {
    const data = this.sigma.getNodeDisplayData(id);
    if (!data) return null;
    return this.sigma.framedGraphToViewport(data);
  }

  /** Viewport coordinates of a point on an edge, a fraction `t` of the way from source to target. */
  edgePoint(key, t = 0.5) {
    if (!this.graph.hasEdge(key)) return null;
    const [source, target] = this.graph.extremities(key);
    const a = this.nodePoint(source);
    const b = this.nodePoint(target);
    return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
  }
}
