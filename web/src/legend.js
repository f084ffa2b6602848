// The legend under the graph, and the small samples (swatches) of line and node styles it shares with the
// filters: relations by polarity, stances, the actor kinds in view, and the blocs and triangles of the analytics.

import { byId as $, clear, el } from "./dom.js";
import { ALL_STANCES } from "./state.js";
import { KIND_STYLES, NO_BLOC, POLARITIES, STANCE_STYLES, UNBALANCED, shapePath } from "./style.js";

const SVG_NS = "http://www.w3.org/2000/svg";

/** A pale tint of a #rrggbb colour (share `amount` of white): how a contested actor shows where it leans. */
export function tint(hex, amount = 0.6) {
  const channel = (i) => parseInt(hex.slice(i, i + 2), 16);
  const mix = (c) =>
    Math.round(c + (255 - c) * amount)
      .toString(16)
      .padStart(2, "0");
  return `#${[1, 3, 5].map((i) => mix(channel(i))).join("")}`;
}

/** A small inline SVG sample: a line in a colour and stance style, or a node shape. */
export function swatch({ color = "#4b5563", stance = "asserted", shape = null, arrow = false }) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("width", shape ? "16" : "34");
  svg.setAttribute("height", "16");
  svg.setAttribute("aria-hidden", "true");
  svg.classList.add("swatch");
  const add = (tag, attrs) => {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) node.setAttribute(k, v);
    svg.append(node);
  };
  if (shape) {
    add("path", { d: shapePath(shape, 8, 8, 6), fill: color, "fill-rule": "evenodd" });
    return svg;
  }
  const style = STANCE_STYLES[stance];
  if (stance === "denied") {
    add("line", { x1: 2, y1: 8, x2: 30, y2: 8, stroke: color, "stroke-width": 1.4 });
    add("path", { d: "M5,11L9,5M14,11L18,5M23,11L27,5", stroke: color, "stroke-width": 1.3 });
  } else {
    add("line", {
      x1: 2,
      y1: 8,
      x2: arrow ? 24 : 32,
      y2: 8,
      stroke: color,
      "stroke-width": 2.4,
      "stroke-dasharray": style.svgDash,
    });
  }
  if (arrow) add("path", { d: "M32,8L24,4L24,12Z", fill: color });
  return svg;
}

/** A node-shape swatch of a kind. */
export function kindSwatch(kindId) {
  const style = KIND_STYLES[kindId] || {};
  return swatch({ shape: style.shape || "circle", color: style.color });
}

/** The fixed part of the legend, with empty lists for the actor kinds and the analytics. */
export function buildLegend() {
  const group = (title, ...items) =>
    el(
      "div",
      { class: "legend-group" },
      el("p", { class: "legend-title", text: title }),
      el("ul", {}, items),
    );
  $("legend-body").append(
    group(
      "Relations",
      POLARITIES.map((p) => el("li", {}, swatch({ color: p.color }), p.label)),
      el("li", {}, swatch({ arrow: true }), "directed"),
    ),
    group(
      "Stance",
      ALL_STANCES.map((s) => el("li", {}, swatch({ stance: s }), s)),
    ),
    el(
      "div",
      { class: "legend-group" },
      el("p", { class: "legend-title", text: "Actors" }),
      el("ul", { id: "legend-kinds" }),
    ),
    el(
      "div",
      { class: "legend-group", id: "legend-analytics", hidden: true },
      el("p", { class: "legend-title", text: "Blocs" }),
      el("ul", { id: "legend-blocs" }),
    ),
    el("p", {
      class: "legend-note",
      text: "Size: relations in view. Relations without a date are undated and shown at every date.",
    }),
  );
}

/** The actor kinds shown (`kinds`: a Set of ids), in the payload's order. */
export function renderKindLegend(index, kinds) {
  const list = $("legend-kinds");
  clear(list);
  for (const kind of index.kinds.filter((k) => kinds.has(k.id))) {
    list.append(el("li", {}, kindSwatch(kind.id), kind.label));
  }
}

/** A bloc's line in the legend: its name, and its cohesion when it has two members or more. */
function blocText(bloc) {
  const name = String(bloc.label || `Bloc ${bloc.id}`);
  if (!bloc.aligned) return `${name} (alone: only hostile ties)`;
  return typeof bloc.cohesion === "number" ? `${name} (cohesion ${bloc.cohesion.toFixed(2)})` : name;
}

/**
 * The analytics part: a colour per bloc (`blocColor`: bloc id → colour) with its cohesion, and the contested
 * actors with their confidence, when `state.bloc`; the count of unbalanced triangles when `state.triangles`;
 * `error` (the request failed) in place of both; hidden when neither is on.
 */
export function renderAnalyticsLegend(state, data, blocColor, error = null) {
  const legend = $("legend-analytics");
  const list = $("legend-blocs");
  clear(list);
  legend.hidden = !(state.bloc || state.triangles);
  legend.querySelector(".legend-title").textContent = state.bloc ? "Blocs" : "Analytics";
  if (error && !data && (state.bloc || state.triangles)) {
    list.append(el("li", { id: "legend-analytics-error", class: "legend-error", text: error }));
    return;
  }
  if (data && state.bloc) {
    for (const bloc of data.blocs || []) {
      list.append(
        el(
          "li",
          { class: "bloc-item", dataset: { bloc: String(bloc.id) } },
          swatch({ shape: "circle", color: blocColor.get(bloc.id) }),
          blocText(bloc),
        ),
      );
    }
    const blocs = new Map((data.blocs || []).map((bloc) => [bloc.id, bloc]));
    const below = data.weights ? data.weights.contested_below : null;
    for (const actor of (data.actors || []).filter((a) => a.contested && !a.acts_for)) {
      const leans = blocs.get(actor.bloc);
      const share = typeof actor.confidence === "number" ? actor.confidence.toFixed(2) : "?";
      const text =
        `${actor.label}: contested, ${share} of its weight agrees with ${leans ? leans.label : "its bloc"}` +
        (typeof below === "number" ? ` (below ${below.toFixed(2)})` : "");
      list.append(
        el(
          "li",
          { class: "contested-item", dataset: { actor: String(actor.iri) } },
          swatch({ shape: "circle", color: tint(blocColor.get(actor.bloc) || NO_BLOC) }),
          text,
        ),
      );
    }
    list.append(el("li", {}, swatch({ shape: "circle", color: NO_BLOC }), "no bloc (no signed tie in view)"));
  }
  if (data && state.triangles) {
    const triangles = data.unbalanced_triangles || [];
    const on = state.date ? "on this date" : "over all time";
    const text = triangles.length
      ? `${triangles.length} unbalanced ${triangles.length === 1 ? "triangle" : "triangles"}`
      : `no unbalanced triangle ${on}`;
    list.append(el("li", { id: "legend-triangles" }, swatch({ color: UNBALANCED }), text));
  }
}
