// The alliance view at `/`: loads /api/graph, lays it out, and keeps the view, the controls, the evidence panel
// and the URL in step with one state object (see state.js for the URL form).

import { clear, download, el } from "./dom.js";
import { toCSV, toGraphML, toPNG, toSVG } from "./exporters.js";
import { computeLayout, refineLarge } from "./layout.js";
import { buildIndex, edgeKey, labelOf, polarityOf, shownKinds, suggest, visibleGraph } from "./model.js";
import { edgePanel, messagePanel, nodePanel } from "./panel.js";
import { GraphView } from "./render.js";
import { ALL_STANCES, LANGUAGES, fromQuery, toQuery } from "./state.js";
import { BLOC_PALETTE, KIND_STYLES, NO_BLOC, POLARITIES, STANCE_STYLES, UNBALANCED, shapePath } from "./style.js";

const $ = (id) => document.getElementById(id);
const RES = "https://w3id.org/syria-kg/id/";
const SVG_NS = "http://www.w3.org/2000/svg";

/** A small inline SVG sample: a line in a colour and stance style, or a node shape. */
function swatch({ color = "#4b5563", stance = "asserted", shape = null, arrow = false }) {
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
    add("line", { x1: 2, y1: 8, x2: arrow ? 24 : 32, y2: 8, stroke: color, "stroke-width": 2.4, "stroke-dasharray": style.svgDash });
  }
  if (arrow) add("path", { d: "M32,8L24,4L24,12Z", fill: color });
  return svg;
}

class App {
  /** `view`: the GraphView, made (and warmed up) while the payload was downloading. */
  constructor(payload, view) {
    this.index = buildIndex(payload);
    this.defaultKinds = this.index.kinds.filter((k) => k.shown).map((k) => k.id);
    this.state = fromQuery(location.search);
    this.panelToken = 0;
    this.playing = null;
    this.panelReady = false;
    this.analytics = { key: null, data: null, cache: new Map(), ready: false, token: 0 };
    const mark = (name) => {
      window.kgView.timings[name] = Math.round(performance.now());
    };
    window.kgView.timings = {};
    mark("indexed");
    this.layout();
    mark("laidOut");
    this.large = this.index.facts.size > 5000;
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
      this.buildControls();
      this.controlsBuilt = true;
      this.syncControls();
      this.renderEdgeList();
      this.renderAnalytics();
      mark("controls");
      window.kgView.ready = true;
      if (this.refine) this.refineLayout();
    }, 0);
    window.addEventListener("popstate", () => {
      this.state = fromQuery(location.search);
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
    const edges = [...visible.edges.values()].map((e) => ({ source: e.source, target: e.target, polarity: e.polarity }));
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
      this.renderStatus();
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

  apply({ history = "push", camera = false } = {}) {
    const state = this.state;
    const lang = state.lang;
    const t0 = performance.now();
    this.visible = visibleGraph(this.index, state);
    const t1 = performance.now();
    this.view.show(this.visible, this.index, this.positions, (id) => labelOf(this.index.nodes.get(id), lang));
    const t2 = performance.now();
    const selected = [];
    if (state.focus) selected.push(state.focus);
    if (state.sel) selected.push(state.sel.slice(2));
    this.view.setSelected(selected);
    if (camera) this.view.centreOn(null);
    if (this.controlsBuilt) {
      this.syncControls();
      this.renderEdgeList();
    }
    this.applyAnalytics();
    this.renderStatus();
    const query = toQuery(state, this.defaultKinds);
    const url = `${location.pathname}${query ? "?" + query : ""}`;
    if (history === "push" && url !== `${location.pathname}${location.search}`) window.history.pushState(null, "", url);
    else if (history) window.history.replaceState(null, "", url);
    if (state.sel !== this.shownSel) this.renderPanel();
    window.kgView.lastApply = { visible: Math.round(t1 - t0), show: Math.round(t2 - t1), setGraph: Math.round(this.view.lastSetGraphMs), rest: Math.round(performance.now() - t2) };

  }

  // ---------------------------------------------------------------------------------------------- controls

  buildControls() {
    const index = this.index;
    // Kinds present in the data, in the payload's order.
    const presentKinds = new Set([...index.nodes.values()].map((n) => n.kind));
    const kindBox = $("filter-kinds");
    for (const kind of index.kinds.filter((k) => presentKinds.has(k.id))) {
      const style = KIND_STYLES[kind.id] || {};
      kindBox.append(
        el(
          "label",
          { class: "check" },
          el("input", { type: "checkbox", name: "kind", value: kind.id }),
          swatch({ shape: style.shape || "circle", color: style.color }),
          kind.label,
        ),
      );
    }
    kindBox.addEventListener("change", () => {
      const kinds = [...kindBox.querySelectorAll("input:checked")].map((i) => i.value);
      this.update({ kinds });
    });

    const polarityBox = $("filter-polarity");
    for (const polarity of POLARITIES) {
      polarityBox.append(
        el(
          "label",
          { class: "check" },
          el("input", { type: "checkbox", name: "polarity", value: polarity.id }),
          swatch({ color: polarity.color }),
          polarity.label,
        ),
      );
    }
    polarityBox.addEventListener("change", () => {
      this.update({ polarities: [...polarityBox.querySelectorAll("input:checked")].map((i) => i.value) });
    });

    const stanceBox = $("filter-stance");
    const stanceLabels = Object.fromEntries(index.stances.map((s) => [s.id, s.label]));
    for (const stance of ALL_STANCES) {
      stanceBox.append(
        el(
          "label",
          { class: "check" },
          el("input", { type: "checkbox", name: "stance", value: stance }),
          swatch({ stance }),
          `${stanceLabels[stance] || stance} (${STANCE_STYLES[stance].note})`,
        ),
      );
    }
    stanceBox.addEventListener("change", () => {
      this.update({ stances: [...stanceBox.querySelectorAll("input:checked")].map((i) => i.value) });
    });

    const typeBox = $("filter-types");
    const counts = new Map();
    for (const fact of index.facts.values()) counts.set(fact.type, (counts.get(fact.type) || 0) + 1);
    for (const group of ["relation", "event"]) {
      const types = [...index.types.values()].filter((t) => t.group === group && counts.has(t.id));
      if (!types.length) continue;
      typeBox.append(el("p", { class: "group-label", text: group === "relation" ? "Relations" : "Events (agent → target)" }));
      types.sort((a, b) => a.label.localeCompare(b.label));
      for (const type of types) {
        const polarity = POLARITIES.find((p) => p.value === type.polarity) || POLARITIES[1];
        typeBox.append(
          el(
            "label",
            { class: "check" },
            el("input", { type: "checkbox", name: "type", value: type.id }),
            swatch({ color: polarity.color, arrow: type.directed }),
            `${type.label} (${counts.get(type.id)})`,
          ),
        );
      }
    }
    typeBox.addEventListener("change", () => {
      const hidden = [...typeBox.querySelectorAll("input:not(:checked)")].map((i) => i.value);
      this.update({ hideTypes: hidden });
    });
    $("types-all").addEventListener("click", () => this.update({ hideTypes: [] }));
    $("types-none").addEventListener("click", () =>
      this.update({ hideTypes: [...typeBox.querySelectorAll("input")].map((i) => i.value) }),
    );

    const sourceBox = $("filter-sources");
    for (const source of index.sources) {
      sourceBox.append(
        el(
          "label",
          { class: "check" },
          el("input", { type: "checkbox", name: "source", value: source.id }),
          `${source.title || source.id}${source.date ? ` (${source.date})` : ""}`,
        ),
      );
    }
    sourceBox.addEventListener("change", () => {
      this.update({ hideSources: [...sourceBox.querySelectorAll("input:not(:checked)")].map((i) => i.value) });
    });

    $("show-isolated").addEventListener("change", (e) => this.update({ isolated: e.target.checked }));
    $("bloc-on").addEventListener("change", (e) => this.update({ bloc: e.target.checked }));
    $("triangles-on").addEventListener("change", (e) => this.update({ triangles: e.target.checked }));
    const langSelect = $("label-lang");
    langSelect.addEventListener("change", () => this.update({ lang: LANGUAGES.includes(langSelect.value) ? langSelect.value : "en" }));
    $("hops").addEventListener("change", (e) => this.update({ hops: Number(e.target.value) || 1 }));
    $("clear-focus").addEventListener("click", () => this.update({ focus: null, expand: [], sel: null }, { camera: true }));
    $("reset-view").addEventListener("click", () => {
      this.state = fromQuery("");
      this.apply({ history: "push", camera: true });
    });
    $("relayout").addEventListener("click", () => this.relayout());
    $("zoom-in").addEventListener("click", () => this.view.sigma.getCamera().animatedZoom({ duration: 200 }));
    $("zoom-out").addEventListener("click", () => this.view.sigma.getCamera().animatedUnzoom({ duration: 200 }));
    $("zoom-fit").addEventListener("click", () => this.view.centreOn(null));

    // On a phone the graph comes first: filters and legend start folded.
    if (window.matchMedia("(max-width: 760px)").matches) {
      document.querySelector(".filters").open = false;
      $("legend").open = false;
    }
    this.buildDateControls();
    this.buildSearch();
    this.buildExports();
    this.buildLegend();
  }

  buildDateControls() {
    const points = this.index.breakpoints;
    const slider = $("date-slider");
    slider.min = "0";
    slider.max = String(Math.max(points.length - 1, 0));
    slider.step = "1";
    if (points.length) {
      $("date-input").min = points[0];
      $("date-input").max = points[points.length - 1];
    }
    const setIndex = (i, history) => {
      const date = points[Math.min(Math.max(i, 0), points.length - 1)];
      if (date) this.update({ date }, { history });
    };
    slider.addEventListener("input", () => setIndex(Number(slider.value), "replace"));
    slider.addEventListener("change", () => setIndex(Number(slider.value), "replace"));
    // At "all dates" the thumb already sits on the last date: a key or a click there still means "as of it".
    const adopt = () => {
      if (!this.state.date) setIndex(Number(slider.value), "push");
    };
    slider.addEventListener("keyup", adopt);
    slider.addEventListener("pointerup", adopt);
    $("date-input").addEventListener("change", (e) => {
      const value = e.target.value;
      if (/^\d{4}-\d{2}-\d{2}$/.test(value)) this.update({ date: value });
    });
    $("date-on").addEventListener("change", (e) => {
      if (e.target.checked) setIndex(points.length - 1, "push");
      else this.update({ date: null });
    });
    $("play").addEventListener("click", () => this.togglePlay());
  }

  togglePlay() {
    const button = $("play");
    if (this.playing) {
      clearInterval(this.playing);
      this.playing = null;
      button.setAttribute("aria-pressed", "false");
      button.textContent = "Play";
      return;
    }
    const points = this.index.breakpoints;
    if (!points.length) return;
    let i = this.sliderIndex();
    if (!this.state.date || i >= points.length - 1) i = 0;
    this.update({ date: points[i] }, { history: "replace" });
    button.setAttribute("aria-pressed", "true");
    button.textContent = "Pause";
    this.playing = setInterval(() => {
      i += 1;
      if (i >= points.length) {
        this.togglePlay();
        return;
      }
      this.update({ date: points[i] }, { history: "replace" });
    }, 900);
  }

  /** The slider position of the current date: the last breakpoint on or before it. */
  sliderIndex() {
    const points = this.index.breakpoints;
    if (!this.state.date) return points.length - 1;
    let found = 0;
    points.forEach((p, i) => {
      if (p <= this.state.date) found = i;
    });
    return found;
  }

  buildSearch() {
    const input = $("search");
    const list = $("search-results");
    let active = -1;
    let hits = [];
    const close = () => {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    };
    const choose = (hit) => {
      if (!hit) return;
      close();
      input.value = hit.label;
      this.focus(hit.id);
    };
    const render = () => {
      clear(list);
      hits.forEach((hit, i) => {
        const option = el(
          "li",
          {
            id: `search-option-${i}`,
            role: "option",
            class: i === active ? "active" : null,
            "aria-selected": i === active ? "true" : "false",
            dataset: { id: hit.id },
            on: { mousedown: (e) => e.preventDefault(), click: () => choose(hit) },
          },
          el("span", { class: "option-label", text: hit.label }),
          hit.matched !== hit.label ? el("span", { class: "option-match", text: ` — ${hit.matched}` }) : null,
          el("span", { class: "option-kind", text: ` ${hit.kind}` }),
        );
        list.append(option);
      });
      list.hidden = hits.length === 0;
      input.setAttribute("aria-expanded", hits.length ? "true" : "false");
      if (active >= 0) input.setAttribute("aria-activedescendant", `search-option-${active}`);
      else input.removeAttribute("aria-activedescendant");
      $("search-status").textContent = input.value.trim() ? `${hits.length} suggestions` : "";
    };
    input.addEventListener("input", () => {
      hits = suggest(this.index, input.value);
      active = -1;
      render();
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" && hits.length) {
        active = (active + 1) % hits.length;
        render();
        e.preventDefault();
      } else if (e.key === "ArrowUp" && hits.length) {
        active = (active - 1 + hits.length) % hits.length;
        render();
        e.preventDefault();
      } else if (e.key === "Enter") {
        e.preventDefault();
        if (!hits.length) hits = suggest(this.index, input.value);
        choose(hits[active >= 0 ? active : 0]);
      } else if (e.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
    $("search-form").addEventListener("submit", (e) => e.preventDefault());
  }

  buildExports() {
    const name = () => `syria-kg-view${this.state.focus ? "-" + this.state.focus : ""}${this.state.date ? "-" + this.state.date : ""}`;
    const label = (id) => labelOf(this.index.nodes.get(id), this.state.lang);
    $("export-svg").addEventListener("click", () => {
      download(new Blob([toSVG(this.view, { title: document.title })], { type: "image/svg+xml" }), `${name()}.svg`);
    });
    $("export-png").addEventListener("click", async () => {
      const { width, height } = this.view.sigma.getDimensions();
      const blob = await toPNG(toSVG(this.view, { title: document.title }), width, height, 2);
      download(blob, `${name()}.png`);
    });
    $("export-graphml").addEventListener("click", () => {
      download(new Blob([toGraphML(this.visible, this.index, label)], { type: "application/graphml+xml" }), `${name()}.graphml`);
    });
    $("export-csv").addEventListener("click", () => {
      download(new Blob([toCSV(this.visible, this.index, label)], { type: "text/csv" }), `${name()}.csv`);
    });
  }

  buildLegend() {
    const group = (title, ...items) => el("div", { class: "legend-group" }, el("p", { class: "legend-title", text: title }), el("ul", {}, items));
    $("legend-body").append(
      group("Relations", POLARITIES.map((p) => el("li", {}, swatch({ color: p.color }), p.label)), el("li", {}, swatch({ arrow: true }), "directed")),
      group("Stance", ALL_STANCES.map((s) => el("li", {}, swatch({ stance: s }), s))),
      el("div", { class: "legend-group" }, el("p", { class: "legend-title", text: "Actors" }), el("ul", { id: "legend-kinds" })),
      el("div", { class: "legend-group", id: "legend-analytics", hidden: true },
        el("p", { class: "legend-title", text: "Blocs" }), el("ul", { id: "legend-blocs" })),
      el("p", { class: "legend-note", text: "Size: relations in view. Relations without a date are undated and shown at every date." }),
    );
  }

  syncControls() {
    const state = this.state;
    const kinds = shownKinds(this.index, state);
    for (const input of document.querySelectorAll("#filter-kinds input")) input.checked = kinds.has(input.value);
    for (const input of document.querySelectorAll("#filter-polarity input")) input.checked = state.polarities.includes(input.value);
    for (const input of document.querySelectorAll("#filter-stance input")) input.checked = state.stances.includes(input.value);
    for (const input of document.querySelectorAll("#filter-types input")) input.checked = !state.hideTypes.includes(input.value);
    for (const input of document.querySelectorAll("#filter-sources input")) input.checked = !state.hideSources.includes(input.value);
    $("show-isolated").checked = state.isolated;
    $("bloc-on").checked = state.bloc;
    $("triangles-on").checked = state.triangles;
    $("label-lang").value = state.lang;
    $("hops").value = String(state.hops);
    const focusNode = state.focus ? this.index.nodes.get(state.focus) : null;
    $("focus-box").hidden = !focusNode;
    $("focus-name").textContent = focusNode ? labelOf(focusNode, state.lang) : "";
    $("expanded-names").textContent = state.expand.length
      ? `Expanded: ${state.expand.map((id) => labelOf(this.index.nodes.get(id), state.lang)).join(", ")}`
      : "";
    const points = this.index.breakpoints;
    const slider = $("date-slider");
    slider.value = String(this.sliderIndex());
    const dateText = state.date || "all dates";
    slider.setAttribute("aria-valuetext", dateText);
    $("date-label").textContent = state.date ? `as of ${state.date}` : "all dates";
    $("date-on").checked = Boolean(state.date);
    $("date-input").value = state.date || (points.length ? points[points.length - 1] : "");
    const legendKinds = $("legend-kinds");
    clear(legendKinds);
    for (const kind of this.index.kinds.filter((k) => kinds.has(k.id))) {
      const style = KIND_STYLES[kind.id] || {};
      legendKinds.append(el("li", {}, swatch({ shape: style.shape || "circle", color: style.color }), kind.label));
    }
  }

  // ---------------------------------------------------------------------------------------------- analytics

  /** Fetch /api/blocs for the view's date (all time without one), once per date, then draw the overlays. */
  applyAnalytics() {
    const key = this.state.date || "";
    const analytics = this.analytics;
    if (analytics.key === key && analytics.data) {
      this.renderAnalytics();
      return;
    }
    analytics.key = key;
    analytics.ready = false;
    const token = ++analytics.token;
    const cached = analytics.cache.get(key);
    const done = (data) => {
      if (token !== analytics.token) return;
      analytics.data = data;
      analytics.ready = true;
      this.renderAnalytics();
    };
    if (cached) {
      done(cached);
      return;
    }
    // Keep the previous overlays on screen until the new answer arrives (the slider may move fast).
    this.renderAnalytics();
    fetch(`/api/blocs${key ? `?date=${encodeURIComponent(key)}` : ""}`)
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`analytics unavailable (${response.status})`))))
      .then((data) => {
        analytics.cache.set(key, data);
        done(data);
      })
      .catch((error) => {
        if (token !== analytics.token) return;
        analytics.data = null;
        analytics.ready = true;
        $("analytics-status").textContent = String(error.message || error);
      });
  }

  /** Node colours, highlighted edges, the bloc legend and the event timeline from the last /api/blocs answer. */
  renderAnalytics() {
    const state = this.state;
    const data = this.analytics.data;
    const slug = (iri) => (typeof iri === "string" && iri.startsWith(RES) ? iri.slice(RES.length) : iri);
    // Colour by bloc.
    let colors = null;
    const blocColor = new Map();
    if (data) (data.blocs || []).forEach((b, i) => blocColor.set(b.id, BLOC_PALETTE[i % BLOC_PALETTE.length]));
    if (state.bloc && data) {
      colors = new Map();
      for (const id of this.visible.nodes) colors.set(id, NO_BLOC);
      for (const actor of data.actors || []) {
        const id = slug(actor.iri);
        if (colors.has(id) && actor.bloc !== null && actor.bloc !== undefined && blocColor.has(actor.bloc)) {
          colors.set(id, blocColor.get(actor.bloc));
        }
      }
    }
    if (state.bloc && !data && this.view.nodeColors) colors = this.view.nodeColors;
    this.view.setNodeColors(colors);
    // Unbalanced triangles: every visible edge between two actors of a triangle's signed edges.
    let keys = null;
    const triangles = data ? data.unbalanced_triangles || [] : [];
    if (state.triangles && data) {
      const pairs = new Set();
      for (const triangle of triangles) {
        for (const edge of triangle.edges || []) {
          const [a, b] = [slug(edge.source), slug(edge.target)];
          pairs.add(`${a}|${b}`);
          pairs.add(`${b}|${a}`);
        }
      }
      keys = new Set([...this.visible.edges.values()].filter((e) => pairs.has(`${e.source}|${e.target}`)).map((e) => e.key));
    }
    if (state.triangles && !data && this.view.highlightEdges) keys = this.view.highlightEdges;
    this.view.setHighlightedEdges(keys);
    this.highlighted = keys;
    if (!this.controlsBuilt) return;
    // Legend.
    const legend = $("legend-analytics");
    const list = $("legend-blocs");
    clear(list);
    legend.hidden = !(state.bloc || state.triangles);
    legend.querySelector(".legend-title").textContent = state.bloc ? "Blocs" : "Analytics";
    if (data && state.bloc) {
      for (const bloc of data.blocs || []) {
        list.append(el("li", { class: "bloc-item", dataset: { bloc: String(bloc.id) } },
          swatch({ shape: "circle", color: blocColor.get(bloc.id) }), String(bloc.label || `Bloc ${bloc.id}`)));
      }
      list.append(el("li", {}, swatch({ shape: "circle", color: NO_BLOC }), "no bloc (no signed tie in view)"));
    }
    if (data && state.triangles) {
      const on = state.date ? "on this date" : "over all time";
      list.append(el("li", { id: "legend-triangles" }, swatch({ color: UNBALANCED }),
        triangles.length ? `${triangles.length} unbalanced ${triangles.length === 1 ? "triangle" : "triangles"}` : `no unbalanced triangle ${on}`));
    }
    if (data) $("analytics-status").textContent = "";
    if (data) this.renderTimeline(data.events || []);
  }

  /** The events in date order; those in the window emphasised; a click sets the date to the event's start. */
  renderTimeline(events) {
    const list = $("timeline-items");
    clear(list);
    const sorted = [...events].sort((a, b) => {
      const [x, y] = [a.from || "9999", b.from || "9999"];
      return x < y ? -1 : x > y ? 1 : String(a.label).localeCompare(String(b.label));
    });
    for (const event of sorted) {
      const when = event.from ? (event.until && event.until !== event.from ? `${event.from} – ${event.until}` : event.from) : "undated";
      const label = String(event.label || event.iri);
      const content = [el("span", { class: "event-date", text: when }), " ", el("span", { class: "event-label", text: label })];
      const item = event.from
        ? el("button", {
            type: "button",
            class: "link-button event",
            dataset: { date: event.from },
            "aria-label": `${label}, ${when}: show the network on ${event.from}`,
            on: { click: () => this.update({ date: event.from }) },
          }, content)
        : el("span", { class: "event" }, content);
      list.append(el("li", { class: event.in_window ? "in-window" : null, "aria-current": event.in_window ? "true" : null }, item));
    }
    if (!sorted.length) list.append(el("li", { class: "hint", text: "No dated event." }));
  }

  renderStatus() {
    const nodes = this.visible.nodes.size;
    const edges = this.visible.edges.size;
    const parts = [`${nodes} ${nodes === 1 ? "node" : "nodes"}`, `${edges} ${edges === 1 ? "relation" : "relations"}`];
    if (this.state.focus) parts.push(`around ${labelOf(this.index.nodes.get(this.state.focus), this.state.lang)}`);
    parts.push(this.state.date ? `as of ${this.state.date}` : "all dates");
    $("status").textContent = parts.join(" · ");
  }

  renderEdgeList() {
    const list = $("edge-list-items");
    clear(list);
    const lang = this.state.lang;
    const edges = [...this.visible.edges.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
    $("edge-list-count").textContent = String(edges.length);
    for (const edge of edges.slice(0, 500)) {
      list.append(
        el(
          "li",
          {},
          el(
            "button",
            { type: "button", class: "link-button", on: { click: () => this.update({ sel: `e:${edge.key}` }) } },
            `${labelOf(this.index.nodes.get(edge.source), lang)} — ${edge.label} — ${labelOf(this.index.nodes.get(edge.target), lang)}`,
          ),
          el("span", { class: `badge stance stance-${edge.stance}`, text: edge.stance }),
        ),
      );
    }
  }

  panelContext() {
    return {
      focus: (id) => this.focus(id),
      expand: (id) => this.expand(id),
      canFocus: (id) => this.index.nodes.has(id),
      nodeLabel: (id) => labelOf(this.index.nodes.get(id), this.state.lang),
    };
  }

  async renderPanel() {
    const sel = this.state.sel;
    this.shownSel = sel;
    const token = ++this.panelToken;
    const panel = $("panel-body");
    this.panelReady = false;
    if (!sel) {
      clear(panel).append(messagePanel("Evidence", "Click an actor or a relation to see its facts, each with the quote it comes from."));
      this.panelReady = true;
      return;
    }
    clear(panel).append(messagePanel("Loading…", ""));
    try {
      let content;
      if (sel.startsWith("n:")) {
        const id = sel.slice(2);
        const response = await fetch(`/api/entity?id=${encodeURIComponent(id)}`);
        if (!response.ok) throw new Error(`no entity ${id}`);
        content = nodePanel(await response.json(), this.panelContext());
      } else {
        const key = sel.slice(2);
        const edge = this.visible.edges.get(key) || this.edgeFromKey(key);
        if (!edge) throw new Error("this relation is not in the graph");
        const items = await Promise.all(
          edge.facts.map(async (id) => {
            const response = await fetch(`/api/statement?iri=${encodeURIComponent(id)}`);
            if (!response.ok) throw new Error(`no statement ${id}`);
            return response.json();
          }),
        );
        content = edgePanel(edge, items, this.panelContext());
      }
      if (token !== this.panelToken) return;
      clear(panel).append(content);
      $("panel").scrollTop = 0;
    } catch (error) {
      if (token !== this.panelToken) return;
      clear(panel).append(messagePanel("Not found", String(error.message || error)));
    }
    this.panelReady = true;
  }

  /** An edge named in the URL but hidden by the filters: gather its facts from every fact of the graph. */
  edgeFromKey(key) {
    const [source, type, target] = key.split("|");
    const info = this.index.types.get(type);
    if (!info || !this.index.nodes.has(source) || !this.index.nodes.has(target)) return null;
    const facts = [...this.index.facts.values()].filter(
      (f) => f.type === type && f.pairs.some(([s, t]) => edgeKey(s, type, t, info.directed) === key),
    );
    if (!facts.length) return null;
    return { key, source, target, type, label: info.label, directed: info.directed, polarity: polarityOf(info), facts: facts.map((f) => f.id) };
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
    panelReady: () => app.panelReady,
    analyticsReady: () => app.analytics.ready && app.analytics.key === (app.state.date || ""),
    nodeColor: (id) => (app.view.graph.hasNode(id) ? app.view.graph.getNodeAttribute(id, "color") : null),
    highlightedEdges: () => [...(app.highlighted || [])].sort(),
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
  // Automation may point the view at another graph document (the benchmark serves a synthetic one).
  const source = typeof window.KG_GRAPH_URL === "string" && window.KG_GRAPH_URL.startsWith("/") ? window.KG_GRAPH_URL : "/api/graph";
  const loading = fetch(source);
  // While the graph downloads, make the view and draw with each WebGL program once (see GraphView.warmUp).
  const view = new GraphView($("graph"));
  view.warmUp();
  const response = await loading;
  if (!response.ok) {
    status.textContent = `The graph could not be loaded (${response.status}).`;
    return;
  }
  const payload = await response.json();
  window.kgView.loadedAt = performance.now();
  const app = new App(payload, view);
  exposeHandle(app);
}

main().catch((error) => {
  const status = document.getElementById("status");
  if (status) status.textContent = `The browser failed to start: ${error.message}`;
  throw error;
});
