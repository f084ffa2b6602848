// Visual encoding of the alliance view, in one place: node kinds → shape and colour, relation polarity → edge
// colour, stance → line style. The legend, the WebGL programs and the SVG export all read it from here.

// Shape codes, as the node program of programs.js draws them (its shader tests these numbers).
export const SHAPES = {
  circle: 0,
  square: 1,
  diamond: 2,
  triangle: 3,
  triangleDown: 4,
  hexagon: 5,
  ring: 6,
  frame: 7,
};

// Dash codes, as the edge program of programs.js draws them.
export const DASHES = { solid: 0, dashed: 1, dotted: 2, struck: 3 };

/** Edge colours by polarity (Okabe–Ito blue and vermillion, readable on white and for most colour-blind readers). */
export const POLARITIES = [
  { id: "cooperative", value: 1, label: "cooperative", color: "#0067a5" },
  { id: "diplomatic", value: 0, label: "diplomatic or neutral", color: "#7b5aa6" },
  { id: "hostile", value: -1, label: "hostile", color: "#c74100" },
];
export const POLARITY_BY_VALUE = new Map(POLARITIES.map((p) => [p.value, p]));

/** Line style by stance; the strongest stance among an edge's statements styles the edge. */
export const STANCE_STYLES = {
  asserted: { dash: DASHES.solid, svgDash: null, rank: 0, note: "solid" },
  reported: { dash: DASHES.solid, svgDash: null, rank: 1, note: "solid" },
  claimed: { dash: DASHES.dashed, svgDash: "7 5", rank: 2, note: "dashed" },
  rumoured: { dash: DASHES.dotted, svgDash: "2.5 3.5", rank: 3, note: "dotted" },
  denied: { dash: DASHES.struck, svgDash: null, rank: 4, note: "struck through" },
};

/** Node shape and colour by kind (ids from /api/graph `kinds`). */
export const KIND_STYLES = {
  person: { shape: "circle", color: "#5b6270" },
  state: { shape: "square", color: "#1e3a5f" },
  government: { shape: "diamond", color: "#2f6f4f" },
  "armed-forces": { shape: "triangle", color: "#7a4a1d" },
  "armed-group": { shape: "triangleDown", color: "#9a3412" },
  coalition: { shape: "hexagon", color: "#a15c07" },
  organisation: { shape: "ring", color: "#0f766e" },
  group: { shape: "frame", color: "#57534e" },
  unnamed: { shape: "circle", color: "#8d8782" },
  place: { shape: "circle", color: "#6f7d2c" },
  conflict: { shape: "hexagon", color: "#78350f" },
  process: { shape: "diamond", color: "#4338ca" },
  office: { shape: "square", color: "#64748b" },
  goal: { shape: "ring", color: "#8a6a00" },
  actor: { shape: "circle", color: "#475569" },
};
const FALLBACK_KIND = { shape: "circle", color: "#475569" };

const KIND_CACHE = new Map();

/** Shape name, shape code and colour of a node kind. */
export function kindStyle(kind) {
  let style = KIND_CACHE.get(kind);
  if (!style) {
    const base = KIND_STYLES[kind] || FALLBACK_KIND;
    style = { ...base, code: SHAPES[base.shape] };
    KIND_CACHE.set(kind, style);
  }
  return style;
}

/** Bloc colours (in bloc order) and the grey of actors without a bloc in the window. */
export const BLOC_PALETTE = [
  "#0067a5",
  "#c74100",
  "#2f8f5b",
  "#b8336a",
  "#7b5aa6",
  "#a15c07",
  "#00838f",
  "#6b7a00",
];
export const NO_BLOC = "#a3a8b0";
/** Colour of the edges of an unbalanced triangle. */
export const UNBALANCED = "#d4a000";

export const FADED = "#d9dde3";
export const SELECTED = "#111827";

/** Node radius in pixels from its degree in the current view. */
export function nodeSize(degree) {
  return 4 + 2.6 * Math.sqrt(degree);
}

/** Edge thickness in pixels from the number of statements it gathers. */
export function edgeSize(count) {
  return 1.6 + 0.6 * Math.min(count - 1, 4);
}

/** SVG path data of a node shape of radius r centred at (x, y), matching the WebGL shapes. */
export function shapePath(shape, x, y, r) {
  const pts = (list) =>
    "M" + list.map(([px, py]) => `${(x + px * r).toFixed(2)},${(y + py * r).toFixed(2)}`).join("L") + "Z";
  const circle = (rr) =>
    `M${(x - rr).toFixed(2)},${y.toFixed(2)}a${rr.toFixed(2)},${rr.toFixed(2)} 0 1,0 ${(2 * rr).toFixed(2)},0` +
    `a${rr.toFixed(2)},${rr.toFixed(2)} 0 1,0 ${(-2 * rr).toFixed(2)},0Z`;
  switch (shape) {
    case "square":
      return pts([
        [-0.88, -0.88],
        [0.88, -0.88],
        [0.88, 0.88],
        [-0.88, 0.88],
      ]);
    case "diamond":
      return pts([
        [0, -1.2],
        [1.2, 0],
        [0, 1.2],
        [-1.2, 0],
      ]);
    // Screen y grows downwards, WebGL y upwards: the SVG flips the triangles accordingly.
    case "triangle":
      return pts([
        [0, -1.24],
        [1.07, 0.62],
        [-1.07, 0.62],
      ]);
    case "triangleDown":
      return pts([
        [0, 1.24],
        [1.07, -0.62],
        [-1.07, -0.62],
      ]);
    case "hexagon":
      return pts([
        [-0.95, 0],
        [-0.475, -0.82],
        [0.475, -0.82],
        [0.95, 0],
        [0.475, 0.82],
        [-0.475, 0.82],
      ]);
    case "ring":
      return circle(r) + circle(r * 0.44);
    case "frame":
      return (
        pts([
          [-0.88, -0.88],
          [0.88, -0.88],
          [0.88, 0.88],
          [-0.88, 0.88],
        ]) +
        pts([
          [-0.44, -0.44],
          [-0.44, 0.44],
          [0.44, 0.44],
          [0.44, -0.44],
        ])
      );
    default:
      return circle(r);
  }
}
