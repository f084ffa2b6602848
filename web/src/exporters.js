// Exports of the current view: the picture as SVG (drawn from the same positions, colours and line styles as
// the WebGL view) and PNG (that SVG rasterised), and the data as GraphML and CSV. Documents are built with DOM
// APIs and serialised, so labels are escaped by the serialiser, never by hand.

import { POLARITIES, STANCE_STYLES, kindStyle, shapePath } from "./style.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns";
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans Arabic', sans-serif";

function svgEl(doc, tag, attrs = {}, text = null) {
  const node = doc.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) node.setAttribute(key, String(value));
  }
  if (text !== null) node.textContent = text;
  return node;
}

/** Slash marks across a segment, like the "struck" WebGL style. */
function strikePath(x1, y1, x2, y2, spacing = 9, half = 3.2) {
  const length = Math.hypot(x2 - x1, y2 - y1);
  if (!length) return "";
  const ux = (x2 - x1) / length;
  const uy = (y2 - y1) / length;
  const nx = -uy;
  const ny = ux;
  let d = "";
  for (let s = spacing / 2; s < length; s += spacing) {
    const cx = x1 + ux * s;
    const cy = y1 + uy * s;
    d += `M${(cx - ux * half + nx * half).toFixed(1)},${(cy - uy * half + ny * half).toFixed(1)}`;
    d += `L${(cx + ux * half - nx * half).toFixed(1)},${(cy + uy * half - ny * half).toFixed(1)}`;
  }
  return d;
}

/**
 * The current view as an SVG document string. `view` is the GraphView; `meta` gives `title` and `legend`
 * (whether to draw the legend box).
 */
export function toSVG(view, { title = "Syria knowledge graph", legend = true } = {}) {
  const sigma = view.sigma;
  const graph = view.graph;
  const { width, height } = sigma.getDimensions();
  const doc = document.implementation.createDocument(SVG_NS, "svg", null);
  const svg = doc.documentElement;
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("font-family", FONT);
  svg.appendChild(svgEl(doc, "title", {}, title));
  svg.appendChild(svgEl(doc, "rect", { x: 0, y: 0, width, height, fill: "#ffffff" }));

  const point = (id) => {
    const data = sigma.getNodeDisplayData(id);
    const at = sigma.framedGraphToViewport(data);
    return { x: at.x, y: at.y, r: sigma.scaleSize(data.size), data };
  };
  const edgesGroup = svgEl(doc, "g", { class: "edges", fill: "none", "stroke-linecap": "butt" });
  graph.forEachEdge((key, attrs, source, target) => {
    const display = sigma.getEdgeDisplayData(key);
    if (!display || display.hidden) return;
    const a = point(source);
    const b = point(target);
    const length = Math.hypot(b.x - a.x, b.y - a.y);
    if (!length) return;
    const ux = (b.x - a.x) / length;
    const uy = (b.y - a.y) / length;
    const thickness = Math.max(1.2, sigma.scaleSize(display.size || 1));
    // The WebGL normal is (-dy, dx) in graph space, whose y axis points up: on screen it is (uy, -ux).
    const shift = sigma.scaleSize(display.offset || 0);
    const ox = uy * shift;
    const oy = -ux * shift;
    const headLength = attrs.type === "arrow" ? thickness * 2.5 : 0;
    const x1 = a.x + ox;
    const y1 = a.y + oy;
    const x2 = b.x + ox - ux * (attrs.type === "arrow" ? b.r + headLength : 0);
    const y2 = b.y + oy - uy * (attrs.type === "arrow" ? b.r + headLength : 0);
    const style = Object.values(STANCE_STYLES).find((s) => s.dash === display.dash) || STANCE_STYLES.asserted;
    const group = svgEl(doc, "g", { "data-edge": key });
    group.appendChild(svgEl(doc, "title", {}, attrs.fullLabel || ""));
    const struck = display.dash === STANCE_STYLES.denied.dash;
    group.appendChild(
      svgEl(doc, "line", {
        x1: x1.toFixed(1),
        y1: y1.toFixed(1),
        x2: x2.toFixed(1),
        y2: y2.toFixed(1),
        stroke: display.color,
        "stroke-width": (struck ? 1.4 : thickness).toFixed(2),
        "stroke-dasharray": style.svgDash,
      }),
    );
    if (struck) {
      group.appendChild(
        svgEl(doc, "path", { d: strikePath(x1, y1, x2, y2), stroke: display.color, "stroke-width": 1.2 }),
      );
    }
    if (attrs.type === "arrow") {
      const tipX = b.x + ox - ux * b.r;
      const tipY = b.y + oy - uy * b.r;
      const wide = thickness * 2;
      const baseX = tipX - ux * headLength * 2;
      const baseY = tipY - uy * headLength * 2;
      group.appendChild(
        svgEl(doc, "path", {
          d:
            `M${tipX.toFixed(1)},${tipY.toFixed(1)}L${(baseX - uy * wide).toFixed(1)},${(baseY + ux * wide).toFixed(1)}` +
            `L${(baseX + uy * wide).toFixed(1)},${(baseY - ux * wide).toFixed(1)}Z`,
          fill: display.color,
        }),
      );
    }
    edgesGroup.appendChild(group);
  });
  svg.appendChild(edgesGroup);

  const nodesGroup = svgEl(doc, "g", { class: "nodes" });
  const labelsGroup = svgEl(doc, "g", { class: "labels", "font-size": 13, fill: "#1f2937" });
  graph.forEachNode((id, attrs) => {
    const display = sigma.getNodeDisplayData(id);
    if (!display || display.hidden) return;
    const p = point(id);
    const style = kindStyle(attrs.kind);
    const node = svgEl(doc, "path", {
      d: shapePath(style.shape, p.x, p.y, p.r),
      fill: display.color,
      "fill-rule": "evenodd",
      stroke: "#ffffff",
      "stroke-width": 1.2,
      "data-node": id,
    });
    node.appendChild(svgEl(doc, "title", {}, attrs.label || id));
    nodesGroup.appendChild(node);
    if (display.label) {
      labelsGroup.appendChild(
        svgEl(
          doc,
          "text",
          {
            x: (p.x + p.r + 3).toFixed(1),
            y: (p.y + 4).toFixed(1),
            "paint-order": "stroke",
            stroke: "#ffffff",
            "stroke-width": 3,
          },
          display.label,
        ),
      );
    }
  });
  svg.appendChild(nodesGroup);
  svg.appendChild(labelsGroup);
  if (legend) svg.appendChild(legendBox(doc, height));
  return new XMLSerializer().serializeToString(doc);
}

function legendBox(doc, height) {
  const rows = [
    ...POLARITIES.map((p) => ({ color: p.color, dash: null, text: p.label })),
    { color: "#4b5563", dash: STANCE_STYLES.claimed.svgDash, text: "claimed" },
    { color: "#4b5563", dash: STANCE_STYLES.rumoured.svgDash, text: "rumoured" },
    { color: "#4b5563", dash: "strike", text: "denied" },
  ];
  const box = svgEl(doc, "g", { class: "legend", "font-size": 11, fill: "#1f2937" });
  const top = height - rows.length * 16 - 14;
  box.appendChild(
    svgEl(doc, "rect", {
      x: 8,
      y: top - 6,
      width: 150,
      height: rows.length * 16 + 12,
      fill: "#ffffff",
      stroke: "#d1d5db",
      rx: 4,
    }),
  );
  rows.forEach((row, i) => {
    const y = top + 8 + i * 16;
    if (row.dash === "strike") {
      box.appendChild(
        svgEl(doc, "line", { x1: 16, y1: y, x2: 46, y2: y, stroke: row.color, "stroke-width": 1.4 }),
      );
      box.appendChild(
        svgEl(doc, "path", { d: strikePath(16, y, 46, y), stroke: row.color, "stroke-width": 1.2 }),
      );
    } else {
      box.appendChild(
        svgEl(doc, "line", {
          x1: 16,
          y1: y,
          x2: 46,
          y2: y,
          stroke: row.color,
          "stroke-width": 2.4,
          "stroke-dasharray": row.dash,
        }),
      );
    }
    box.appendChild(svgEl(doc, "text", { x: 54, y: y + 4 }, row.text));
  });
  return box;
}

/** The SVG rasterised to a PNG Blob, at `scale` times the view's size. */
export function toPNG(svgText, width, height, scale = 2) {
  return new Promise((resolve, reject) => {
    const image = new Image();
    const url = URL.createObjectURL(new Blob([svgText], { type: "image/svg+xml" }));
    image.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      const context = canvas.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("PNG encoding failed"))), "image/png");
    };
    image.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error("the SVG could not be drawn"));
    };
    image.src = url;
  });
}

/** The visible graph as GraphML (http://graphml.graphdrawing.org/specification.html). */
export function toGraphML(visible, index, labelOf) {
  const doc = document.implementation.createDocument(GRAPHML_NS, "graphml", null);
  const root = doc.documentElement;
  const keys = [
    ["label", "node", "string"],
    ["kind", "node", "string"],
    ["iri", "node", "string"],
    ["relation", "edge", "string"],
    ["polarity", "edge", "string"],
    ["stance", "edge", "string"],
    ["facts", "edge", "string"],
    ["from", "edge", "string"],
    ["until", "edge", "string"],
  ];
  for (const [id, domain, type] of keys) {
    const key = doc.createElementNS(GRAPHML_NS, "key");
    key.setAttribute("id", id);
    key.setAttribute("for", domain);
    key.setAttribute("attr.name", id);
    key.setAttribute("attr.type", type);
    root.appendChild(key);
  }
  const graph = doc.createElementNS(GRAPHML_NS, "graph");
  graph.setAttribute("id", "view");
  graph.setAttribute("edgedefault", "directed");
  root.appendChild(graph);
  const data = (parent, key, value) => {
    if (value === null || value === undefined || value === "") return;
    const d = doc.createElementNS(GRAPHML_NS, "data");
    d.setAttribute("key", key);
    d.textContent = String(value);
    parent.appendChild(d);
  };
  for (const id of [...visible.nodes].sort()) {
    const node = index.nodes.get(id);
    const n = doc.createElementNS(GRAPHML_NS, "node");
    n.setAttribute("id", id);
    data(n, "label", labelOf(id));
    data(n, "kind", node.kind);
    data(n, "iri", node.iri);
    graph.appendChild(n);
  }
  for (const edge of [...visible.edges.values()].sort((a, b) => (a.key < b.key ? -1 : 1))) {
    const e = doc.createElementNS(GRAPHML_NS, "edge");
    e.setAttribute("id", edge.key);
    e.setAttribute("source", edge.source);
    e.setAttribute("target", edge.target);
    e.setAttribute("directed", edge.directed ? "true" : "false");
    const { from, until } = span(edge, index);
    data(e, "relation", edge.label);
    data(e, "polarity", edge.polarity);
    data(e, "stance", edge.stance);
    data(e, "facts", edge.facts.join(" "));
    data(e, "from", from);
    data(e, "until", until);
    graph.appendChild(e);
  }
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(doc);
}

function span(edge, index) {
  const facts = edge.facts.map((id) => index.facts.get(id));
  const froms = facts
    .map((f) => f.from)
    .filter(Boolean)
    .sort();
  const untils = facts
    .map((f) => f.until)
    .filter(Boolean)
    .sort();
  return { from: froms[0] || "", until: untils[untils.length - 1] || "" };
}

/** One CSV field (RFC 4180); text that a spreadsheet would run as a formula is prefixed with a quote. */
export function csvField(value) {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = "'" + text;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The visible edges as CSV, one row per edge, with the labels of both ends. */
export function toCSV(visible, index, labelOf) {
  const header = [
    "source",
    "source_label",
    "relation",
    "target",
    "target_label",
    "directed",
    "polarity",
    "stance",
    "from",
    "until",
    "facts",
  ];
  const rows = [header];
  for (const edge of [...visible.edges.values()].sort((a, b) => (a.key < b.key ? -1 : 1))) {
    const { from, until } = span(edge, index);
    rows.push([
      edge.source,
      labelOf(edge.source),
      edge.label,
      edge.target,
      labelOf(edge.target),
      edge.directed ? "true" : "false",
      edge.polarity,
      edge.stance,
      from,
      until,
      edge.facts.join(" "),
    ]);
  }
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}
