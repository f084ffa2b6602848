// The query page at `/query`: YASGUI (loaded from the npm package, copied next to this bundle) on our own
// `/sparql` endpoint, the competency queries of `queries/` as examples, and "Show as graph" for answers that are
// triples (CONSTRUCT, DESCRIBE) or rows with subject, predicate and object columns.

import Graph from "graphology";
import forceAtlas2 from "graphology-layout-forceatlas2";
import Sigma from "sigma";

import { byId as $, clear } from "./dom.js";
import { appUrl } from "./http.js";
import { seededRandom } from "./layout.js";
import { edgeProgramClasses, nodeProgramClasses } from "./programs.js";
import { POLARITIES } from "./style.js";

const RES = "https://w3id.org/syria-kg/id/";
const LABELS = new Set([
  "http://www.w3.org/2000/01/rdf-schema#label",
  "http://www.w3.org/2004/02/skos/core#prefLabel",
]);
const TRIPLE_COLUMNS = [
  ["s", "p", "o"],
  ["subject", "predicate", "object"],
];

/** Where this server shows an IRI, or null. */
function pageOf(iri) {
  if (iri.startsWith(RES)) return appUrl("/id/" + iri.slice(RES.length));
  if (iri.startsWith("https://w3id.org/syria-kg/ontology#")) return appUrl("/ontology#" + iri.split("#")[1]);
  return null;
}

function shortName(iri) {
  const tail = iri.split(/[#/]/).pop();
  return tail || iri;
}

/** The three column names of a triple-shaped answer, or null. */
export function tripleColumns(variables) {
  return TRIPLE_COLUMNS.find((cols) => cols.every((c) => variables.includes(c))) || null;
}

/** Nodes and edges from rows of subject, predicate, object bindings. */
export function triplesToGraph(bindings, [s, p, o]) {
  const graph = new Graph({ multi: true, type: "directed" });
  const labels = new Map();
  let literals = 0;
  for (const row of bindings) {
    if (!row[s] || !row[p] || !row[o]) continue;
    if (LABELS.has(row[p].value) && row[o].type === "literal") {
      if (!labels.has(row[s].value) || row[o]["xml:lang"] === "en") labels.set(row[s].value, row[o].value);
    }
  }
  const addNode = (term) => {
    const key = term.type === "literal" ? `literal-${literals++}` : term.value;
    if (!graph.hasNode(key)) {
      const literal = term.type === "literal";
      const text = literal ? term.value : labels.get(term.value) || shortName(term.value);
      graph.addNode(key, {
        label: text.length > 48 ? text.slice(0, 47) + "…" : text,
        iri: literal ? null : term.value,
        size: literal ? 3 : 6,
        color: literal ? "#9ca3af" : term.value.startsWith(RES) ? "#1e3a5f" : "#0f766e",
        shape: literal ? 1 : 0,
      });
    }
    return key;
  };
  for (const row of bindings) {
    if (!row[s] || !row[p] || !row[o]) continue;
    if (LABELS.has(row[p].value) && labels.has(row[s].value)) continue;
    const source = addNode(row[s]);
    const target = addNode(row[o]);
    if (source === target) continue;
    graph.addEdge(source, target, {
      label: shortName(row[p].value),
      fullLabel: shortName(row[p].value),
      color: POLARITIES[1].color,
      size: 1.4,
      type: "arrow",
    });
  }
  return graph;
}

class ResultGraph {
  constructor(container) {
    this.container = container;
    this.sigma = null;
  }

  show(graph) {
    if (this.sigma) this.sigma.kill();
    const random = seededRandom("query");
    graph.forEachNode((node) => graph.mergeNodeAttributes(node, { x: random() * 100, y: random() * 100 }));
    if (graph.order > 1 && graph.size > 0) {
      forceAtlas2.assign(graph, {
        iterations: 300,
        settings: { ...forceAtlas2.inferSettings(graph), barnesHutOptimize: graph.order > 400 },
      });
    }
    this.sigma = new Sigma(graph, this.container, {
      nodeProgramClasses,
      edgeProgramClasses,
      defaultNodeType: "shape",
      defaultEdgeType: "arrow",
      renderEdgeLabels: true,
      labelRenderedSizeThreshold: 4,
      labelSize: 12,
      edgeLabelSize: 11,
      enableCameraRotation: false,
      edgeReducer: (edge, data) => ({ ...data, label: graph.size <= 60 ? data.fullLabel : null }),
    });
    this.sigma.on("clickNode", ({ node }) => {
      const iri = graph.getNodeAttribute(node, "iri");
      const page = iri && pageOf(iri);
      if (page) window.location.assign(page);
    });
  }
}

function main() {
  const examples = JSON.parse($("examples-data").textContent || "[]");
  const Yasgui = window.Yasgui;
  if (!Yasgui) {
    $("query-status").textContent =
      "The query editor is not built: run `npm ci --prefix web && npm run build --prefix web`.";
    return;
  }
  // YASGUI wants an absolute address; the endpoint is this app's, under its root.
  const endpoint = new URL(appUrl("/sparql"), window.location.href).href;
  const yasgui = new Yasgui($("yasgui"), {
    requestConfig: { endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint }] },
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    yasqe: { value: examples.length ? examples[0].query : "SELECT * WHERE { ?s ?p ?o } LIMIT 10" },
    yasr: { defaultPlugin: "table", persistenceId: null },
  });
  window.kgYasgui = yasgui;
  const select = $("example");
  select.addEventListener("change", () => {
    const example = examples.find((e) => e.name === select.value);
    if (!example) return;
    const tab = yasgui.getTab();
    tab.setQuery(example.query);
    $("query-status").textContent = example.question;
  });
  $("run-example").addEventListener("click", () => {
    yasgui.getTab().query();
  });

  const graphButton = $("show-graph");
  const graphBox = $("result-graph");
  const resultGraph = new ResultGraph(graphBox);
  let lastTriples = null;
  const onResults = (yasr) => {
    const results = yasr.results;
    lastTriples = null;
    graphBox.hidden = true;
    if (!results || !results.getVariables) return;
    let variables = [];
    let bindings = [];
    try {
      variables = results.getVariables();
      bindings = results.getBindings();
    } catch {
      // Errors and ASK answers have no bindings.
    }
    const columns = tripleColumns(variables);
    if (columns) lastTriples = { bindings, columns };
    graphButton.disabled = !lastTriples;
    $("query-status").textContent = columns
      ? `${bindings.length} triples: "Show as graph" draws them.`
      : `${bindings.length} rows.`;
  };
  // Yasr draws after the response arrives: read its results once it has ("drawn"), for every tab's Yasr.
  const watched = new WeakSet();
  const watch = (tab) => {
    const yasr = tab && tab.getYasr();
    if (!yasr || watched.has(yasr)) return;
    watched.add(yasr);
    yasr.on("drawn", () => onResults(yasr));
  };
  watch(yasgui.getTab());
  yasgui.on("query", (_instance, tab) => watch(tab));
  yasgui.on("tabSelect", () => setTimeout(() => watch(yasgui.getTab()), 0));
  graphButton.addEventListener("click", () => {
    if (!lastTriples) return;
    graphBox.hidden = false;
    clear(graphBox);
    resultGraph.show(triplesToGraph(lastTriples.bindings, lastTriples.columns));
    graphBox.scrollIntoView({ behavior: "smooth", block: "nearest" });
  });
  graphButton.disabled = true;
  window.kgQuery = { ready: true, examples: examples.length };
}

document.addEventListener("DOMContentLoaded", main);
