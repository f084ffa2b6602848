// The analytics overlays of the alliance view, from GET /api/blocs for the view's date (all time without one):
// actors coloured by bloc (contested actors in a pale tint of the bloc they lean to), the edges of unbalanced
// triangles highlighted, their legend (with each bloc's cohesion and each contested actor's confidence), and the
// event timeline. One request per date, cached; a slow answer for a date the view has already left is dropped.

import { byId as $ } from "./dom.js";
import { getJSON } from "./http.js";
import { renderAnalyticsLegend, tint } from "./legend.js";
import { BLOC_PALETTE, NO_BLOC } from "./style.js";

const RES = "https://w3id.org/syria-kg/id/";

/** The node id of an actor IRI of the graph (the payload's ids are the IRIs' last segment). */
const slug = (iri) => (typeof iri === "string" && iri.startsWith(RES) ? iri.slice(RES.length) : iri);

export class Analytics {
  /** `app`: the App (state, visible graph, view, timeline); `app.controlsBuilt` says whether legends exist yet. */
  constructor(app) {
    this.app = app;
    this.key = null; // the date of the data asked for last ("" for all time)
    this.data = null;
    this.cache = new Map();
    this.ready = false;
    this.token = 0;
    this.highlighted = null; // edge keys drawn highlighted
    this.error = null; // why the last request failed, shown in the legend
    this.drawn = null; // the date whose answer (or error) the legend shows, once the legend exists
  }

  /** Whether the overlays and the legend show the answer for the view's date (or why there is none). */
  isReady() {
    const key = this.app.state.date || "";
    return this.ready && this.key === key && this.drawn === key;
  }

  /** Fetch /api/blocs for the view's date, once per date, then draw the overlays. */
  apply() {
    const key = this.app.state.date || "";
    if (this.key === key && this.data) {
      this.render();
      return;
    }
    this.key = key;
    this.ready = false;
    const token = ++this.token;
    const done = (data, error = null) => {
      if (token !== this.token) return;
      this.data = data;
      this.error = error;
      this.ready = true;
      this.render();
    };
    const cached = this.cache.get(key);
    if (cached) {
      done(cached);
      return;
    }
    // Keep the previous overlays on screen until the new answer arrives (the slider may move fast).
    this.render();
    getJSON(`/api/blocs${key ? `?date=${encodeURIComponent(key)}` : ""}`, "Blocs and events")
      .then((data) => {
        this.cache.set(key, data);
        done(data);
      })
      .catch((error) => done(null, String(error.message || error)));
  }

  /** Node colours, highlighted edges, the bloc legend and the event timeline from the last /api/blocs answer. */
  render() {
    const { state, view, visible } = this.app;
    const data = this.data;
    // Colour by bloc.
    let colors = null;
    const blocColor = new Map();
    if (data) {
      (data.blocs || []).forEach((b, i) => blocColor.set(b.id, BLOC_PALETTE[i % BLOC_PALETTE.length]));
    }
    if (state.bloc && data) {
      colors = new Map();
      for (const id of visible.nodes) colors.set(id, NO_BLOC);
      for (const actor of data.actors || []) {
        const id = slug(actor.iri);
        if (colors.has(id) && actor.bloc !== null && actor.bloc !== undefined && blocColor.has(actor.bloc)) {
          const color = blocColor.get(actor.bloc);
          colors.set(id, actor.contested ? tint(color) : color);
        }
      }
    }
    if (state.bloc && !data && view.nodeColors) colors = view.nodeColors;
    view.setNodeColors(colors);
    // Unbalanced triangles: every visible edge between two actors of a triangle's signed edges.
    let keys = null;
    if (state.triangles && data) {
      const pairs = new Set();
      for (const triangle of data.unbalanced_triangles || []) {
        for (const edge of triangle.edges || []) {
          const [a, b] = [slug(edge.source), slug(edge.target)];
          pairs.add(`${a}|${b}`);
          pairs.add(`${b}|${a}`);
        }
      }
      const inTriangle = (e) => pairs.has(`${e.source}|${e.target}`);
      keys = new Set([...visible.edges.values()].filter(inTriangle).map((e) => e.key));
    }
    if (state.triangles && !data && view.highlightEdges) keys = view.highlightEdges;
    view.setHighlightedEdges(keys);
    this.highlighted = keys;
    if (!this.app.controlsBuilt) return;
    renderAnalyticsLegend(state, data, blocColor, this.error);
    $("analytics-status").textContent = this.error || "";
    if (data) this.app.timeline.renderEvents(data.events || []);
    this.drawn = this.ready ? this.key : null;
  }
}
