// The controls beside the graph: search, filters (kinds, polarity, stance, relation and event types, sources),
// display options, focus, zoom, exports, the list of relations in view and the status line. Each control changes
// the state through `app.update`; `sync` sets every control from the state (after Back, or a link).

import { byId as $, clear, download, el } from "./dom.js";
import { toCSV, toGraphML, toPNG, toSVG } from "./exporters.js";
import { kindSwatch, renderKindLegend, swatch } from "./legend.js";
import { labelOf, shownKinds, suggest } from "./model.js";
import { ALL_STANCES, LANGUAGES, fromQuery } from "./state.js";
import { POLARITIES, STANCE_STYLES } from "./style.js";

/** The edge list shows at most this many relations (the graph shows them all). */
const EDGE_LIST_MAX = 500;

/** A labelled checkbox. */
function check(name, value, ...label) {
  return el("label", { class: "check" }, el("input", { type: "checkbox", name, value }), ...label);
}

/** The values of the inputs of a box that are (or are not) checked. */
function values(box, checked = true) {
  return [...box.querySelectorAll(checked ? "input:checked" : "input:not(:checked)")].map((i) => i.value);
}

export class Controls {
  /** `app`: the App (state, index, view, visible graph, update, focus, relayout). */
  constructor(app) {
    this.app = app;
  }

  build() {
    this.buildFilters();
    this.buildDisplay();
    this.buildSearch();
    this.buildExports();
  }

  buildFilters() {
    const { app } = this;
    const index = app.index;
    // Kinds present in the data, in the payload's order.
    const presentKinds = new Set([...index.nodes.values()].map((n) => n.kind));
    const kindBox = $("filter-kinds");
    for (const kind of index.kinds.filter((k) => presentKinds.has(k.id))) {
      kindBox.append(check("kind", kind.id, kindSwatch(kind.id), kind.label));
    }
    kindBox.addEventListener("change", () => app.update({ kinds: values(kindBox) }));

    const polarityBox = $("filter-polarity");
    for (const polarity of POLARITIES) {
      polarityBox.append(check("polarity", polarity.id, swatch({ color: polarity.color }), polarity.label));
    }
    polarityBox.addEventListener("change", () => app.update({ polarities: values(polarityBox) }));

    const stanceBox = $("filter-stance");
    const stanceLabels = Object.fromEntries(index.stances.map((s) => [s.id, s.label]));
    for (const stance of ALL_STANCES) {
      const label = `${stanceLabels[stance] || stance} (${STANCE_STYLES[stance].note})`;
      stanceBox.append(check("stance", stance, swatch({ stance }), label));
    }
    stanceBox.addEventListener("change", () => app.update({ stances: values(stanceBox) }));

    const typeBox = $("filter-types");
    const counts = new Map();
    for (const fact of index.facts.values()) counts.set(fact.type, (counts.get(fact.type) || 0) + 1);
    for (const group of ["relation", "event"]) {
      const types = [...index.types.values()].filter((t) => t.group === group && counts.has(t.id));
      if (!types.length) continue;
      const title = group === "relation" ? "Relations" : "Events (agent → target)";
      typeBox.append(el("p", { class: "group-label", text: title }));
      types.sort((a, b) => a.label.localeCompare(b.label));
      for (const type of types) {
        const polarity = POLARITIES.find((p) => p.value === type.polarity) || POLARITIES[1];
        const sample = swatch({ color: polarity.color, arrow: type.directed });
        typeBox.append(check("type", type.id, sample, `${type.label} (${counts.get(type.id)})`));
      }
    }
    typeBox.addEventListener("change", () => app.update({ hideTypes: values(typeBox, false) }));
    $("types-all").addEventListener("click", () => app.update({ hideTypes: [] }));
    $("types-none").addEventListener("click", () =>
      app.update({ hideTypes: [...typeBox.querySelectorAll("input")].map((i) => i.value) }),
    );

    const sourceBox = $("filter-sources");
    for (const source of index.sources) {
      sourceBox.append(
        check("source", source.id, `${source.title || source.id}${source.date ? ` (${source.date})` : ""}`),
      );
    }
    sourceBox.addEventListener("change", () => app.update({ hideSources: values(sourceBox, false) }));
  }

  buildDisplay() {
    const { app } = this;
    $("show-isolated").addEventListener("change", (e) => app.update({ isolated: e.target.checked }));
    $("bloc-on").addEventListener("change", (e) => app.update({ bloc: e.target.checked }));
    $("triangles-on").addEventListener("change", (e) => app.update({ triangles: e.target.checked }));
    const langSelect = $("label-lang");
    langSelect.addEventListener("change", () =>
      app.update({ lang: LANGUAGES.includes(langSelect.value) ? langSelect.value : "en" }),
    );
    $("hops").addEventListener("change", (e) => app.update({ hops: Number(e.target.value) || 1 }));
    $("clear-focus").addEventListener("click", () =>
      app.update({ focus: null, expand: [], sel: null }, { camera: true }),
    );
    $("reset-view").addEventListener("click", () => app.update(fromQuery(""), { camera: true }));
    $("relayout").addEventListener("click", () => app.relayout());
    const camera = () => app.view.sigma.getCamera();
    $("zoom-in").addEventListener("click", () => camera().animatedZoom({ duration: 200 }));
    $("zoom-out").addEventListener("click", () => camera().animatedUnzoom({ duration: 200 }));
    $("zoom-fit").addEventListener("click", () => app.view.centreOn(null));

    // On a phone the graph comes first: filters and legend start folded.
    if (window.matchMedia("(max-width: 760px)").matches) {
      document.querySelector(".filters").open = false;
      $("legend").open = false;
    }
  }

  buildSearch() {
    const { app } = this;
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
      app.focus(hit.id);
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
      hits = suggest(app.index, input.value);
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
        if (!hits.length) hits = suggest(app.index, input.value);
        choose(hits[active >= 0 ? active : 0]);
      } else if (e.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
    $("search-form").addEventListener("submit", (e) => e.preventDefault());
  }

  buildExports() {
    const { app } = this;
    const name = () => {
      const { focus, date } = app.state;
      return `syria-kg-view${focus ? "-" + focus : ""}${date ? "-" + date : ""}`;
    };
    const label = (id) => labelOf(app.index.nodes.get(id), app.state.lang);
    const svg = () => toSVG(app.view, { title: document.title });
    $("export-svg").addEventListener("click", () => {
      download(new Blob([svg()], { type: "image/svg+xml" }), `${name()}.svg`);
    });
    $("export-png").addEventListener("click", async () => {
      const { width, height } = app.view.sigma.getDimensions();
      download(await toPNG(svg(), width, height, 2), `${name()}.png`);
    });
    $("export-graphml").addEventListener("click", () => {
      const graphml = toGraphML(app.visible, app.index, label);
      download(new Blob([graphml], { type: "application/graphml+xml" }), `${name()}.graphml`);
    });
    $("export-csv").addEventListener("click", () => {
      download(new Blob([toCSV(app.visible, app.index, label)], { type: "text/csv" }), `${name()}.csv`);
    });
  }

  /** Every control (and the actor kinds of the legend) from the state. */
  sync() {
    const { state, index } = this.app;
    const kinds = shownKinds(index, state);
    const setChecks = (selector, isChecked) => {
      for (const input of document.querySelectorAll(selector)) input.checked = isChecked(input.value);
    };
    setChecks("#filter-kinds input", (v) => kinds.has(v));
    setChecks("#filter-polarity input", (v) => state.polarities.includes(v));
    setChecks("#filter-stance input", (v) => state.stances.includes(v));
    setChecks("#filter-types input", (v) => !state.hideTypes.includes(v));
    setChecks("#filter-sources input", (v) => !state.hideSources.includes(v));
    $("show-isolated").checked = state.isolated;
    $("bloc-on").checked = state.bloc;
    $("triangles-on").checked = state.triangles;
    $("label-lang").value = state.lang;
    $("hops").value = String(state.hops);
    const focusNode = state.focus ? index.nodes.get(state.focus) : null;
    $("focus-box").hidden = !focusNode;
    $("focus-name").textContent = focusNode ? labelOf(focusNode, state.lang) : "";
    $("expanded-names").textContent = state.expand.length
      ? `Expanded: ${state.expand.map((id) => labelOf(index.nodes.get(id), state.lang)).join(", ")}`
      : "";
    renderKindLegend(index, kinds);
  }

  /** The relations in view as buttons (the keyboard's way to every edge), in key order. */
  renderEdgeList() {
    const { state, index, visible } = this.app;
    const list = $("edge-list-items");
    clear(list);
    const name = (id) => labelOf(index.nodes.get(id), state.lang);
    const edges = [...visible.edges.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
    $("edge-list-count").textContent = String(edges.length);
    for (const edge of edges.slice(0, EDGE_LIST_MAX)) {
      const select = () => this.app.update({ sel: `e:${edge.key}` });
      list.append(
        el(
          "li",
          {},
          el(
            "button",
            { type: "button", class: "link-button", on: { click: select } },
            `${name(edge.source)} — ${edge.label} — ${name(edge.target)}`,
          ),
          el("span", { class: `badge stance stance-${edge.stance}`, text: edge.stance }),
        ),
      );
    }
  }

  /** "N nodes · M relations · around X · as of D". */
  renderStatus() {
    const { state, index, visible } = this.app;
    const nodes = visible.nodes.size;
    const edges = visible.edges.size;
    const parts = [
      `${nodes} ${nodes === 1 ? "node" : "nodes"}`,
      `${edges} ${edges === 1 ? "relation" : "relations"}`,
    ];
    if (state.focus) parts.push(`around ${labelOf(index.nodes.get(state.focus), state.lang)}`);
    parts.push(state.date ? `as of ${state.date}` : "all dates");
    $("status").textContent = parts.join(" · ");
  }
}
