// The evidence panel's content for the selection in the state (`sel`): a node's facts from /api/entity, or an
// edge's statements from /api/statement, drawn by panel.js. Only the answer for the latest selection is shown.

import { byId as $, clear } from "./dom.js";
import { RequestError, getJSON } from "./http.js";
import { edgeFromKey, labelOf } from "./model.js";
import { edgePanel, messagePanel, nodePanel } from "./panel.js";

export class EvidencePanel {
  /** `app`: the App (state, index, visible graph, focus, expand). */
  constructor(app) {
    this.app = app;
    this.shownSel = undefined; // the selection the panel holds or is loading
    this.token = 0;
    this.ready = false;
  }

  /** What the panel's links and buttons may do. */
  context() {
    const app = this.app;
    return {
      focus: (id) => app.focus(id),
      expand: (id) => app.expand(id),
      canFocus: (id) => app.index.nodes.has(id),
      nodeLabel: (id) => labelOf(app.index.nodes.get(id), app.state.lang),
    };
  }

  /** Show the state's selection, unless the panel already shows (or is loading) it. */
  update() {
    if (this.app.state.sel !== this.shownSel) this.show(this.app.state.sel);
  }

  async show(sel) {
    this.shownSel = sel;
    const token = ++this.token;
    const panel = $("panel-body");
    this.ready = false;
    if (!sel) {
      const hint = "Click an actor or a relation to see its facts, each with the quote it comes from.";
      clear(panel).append(messagePanel("Evidence", hint));
      this.ready = true;
      return;
    }
    clear(panel).append(messagePanel("Loading…", ""));
    try {
      const content = sel.startsWith("n:")
        ? await this.nodeContent(sel.slice(2))
        : await this.edgeContent(sel.slice(2));
      if (token !== this.token) return;
      clear(panel).append(content);
      $("panel").scrollTop = 0;
    } catch (error) {
      if (token !== this.token) return;
      const title = error instanceof RequestError && error.status !== 404 ? "Not available" : "Not found";
      clear(panel).append(messagePanel(title, String(error.message || error)));
    }
    this.ready = true;
  }

  async nodeContent(id) {
    const entity = await getJSON(`/api/entity?id=${encodeURIComponent(id)}`, `Entity ${id}`);
    return nodePanel(entity, this.context());
  }

  async edgeContent(key) {
    const { index, visible } = this.app;
    // An edge named in the URL may be hidden by the filters: then its facts are gathered from the whole graph.
    const edge = visible.edges.get(key) || edgeFromKey(index, key);
    if (!edge) throw new Error("this relation is not in the graph");
    const items = await Promise.all(
      edge.facts.map((id) => getJSON(`/api/statement?iri=${encodeURIComponent(id)}`, `Statement ${id}`)),
    );
    return edgePanel(edge, items, this.context());
  }
}
