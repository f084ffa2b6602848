// The annotation form of the source view: the words selected in the text become a statement, another name of
// an entity, or a new entity, sent to POST /api/sources/<id>/annotations with the bearer token. Names complete
// from the graph's one name index (/api/search), relation types from the scheme (/api/relation-types). A refused
// item shows the compiler's message or the SHACL report next to the form; an accepted one is marked in the text
// at once and linked to the graph's evidence panel.

import { byId as $, clear, el } from "./dom.js";
import { getJSON, postJSON } from "./http.js";
import { edgeKey } from "./model.js";

const KINDS = [
  ["statement", "Statement"],
  ["name", "Another name of an entity"],
  ["entity", "New entity"],
];

/** A labelled input; `list` names a datalist for completion. */
function field(id, label, attrs = {}) {
  return el(
    "div",
    { class: "field" },
    el("label", { for: id, text: label }),
    el("input", { id, name: id, type: "text", autocomplete: "off", spellcheck: "false", ...attrs }),
  );
}

function select(id, label, options, value) {
  return el(
    "div",
    { class: "field" },
    el("label", { for: id, text: label }),
    el(
      "select",
      { id, name: id },
      options.map(([v, text]) => el("option", { value: v, text, selected: v === value })),
    ),
  );
}

export class AnnotationForm {
  /** `view`: the SourceView; `access`: the answer of /api/annotate (the form's choices); `token`: the bearer. */
  constructor(view, access, token) {
    this.view = view;
    this.access = access;
    this.token = token;
    this.kind = "statement";
    this.relationTypes = [];
    this.searchToken = 0;
  }

  build() {
    this.selected = el("blockquote", { id: "selected-words", class: "selected-words" });
    this.fields = el("div", { id: "annotate-fields" });
    this.result = el("div", { id: "annotate-result", role: "status", "aria-live": "polite" });
    const kinds = el(
      "fieldset",
      { class: "kinds" },
      el("legend", { text: "Make from the selected words" }),
      KINDS.map(([value, text]) =>
        el(
          "label",
          { class: "check" },
          el("input", {
            type: "radio",
            name: "annotate-kind",
            value,
            checked: value === this.kind,
            on: { change: () => this.switchKind(value) },
          }),
          ` ${text}`,
        ),
      ),
    );
    this.form = el(
      "form",
      { id: "annotate-form", class: "annotate-form" },
      el("h2", { text: "Annotate" }),
      el("p", {
        class: "hint",
        text: "Select words in the text (across lines too), then fill in what they say.",
      }),
      this.selected,
      kinds,
      this.fields,
      el("button", { type: "submit", id: "annotate-submit", text: "Add to the source" }),
      this.result,
      el("datalist", { id: "entity-options" }),
      el("datalist", { id: "relation-options" }),
      el(
        "datalist",
        { id: "type-options" },
        this.access.entityTypes.map((t) => el("option", { value: t })),
      ),
    );
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.form.addEventListener("input", (event) => {
      if (event.target.dataset.complete === "entity") this.completeEntity(event.target.value);
    });
    document.addEventListener("selectionchange", () => this.showSelection());
    this.switchKind(this.kind);
    this.loadRelationTypes();
    this.showSelection();
    return this.form;
  }

  async loadRelationTypes() {
    this.relationTypes = await getJSON("/api/relation-types", "The relation types");
    clear($("relation-options")).append(
      ...this.relationTypes.map((t) => el("option", { value: t.id, label: t.label })),
    );
  }

  /** Completion from the one name index: the datalist offers ids, labelled with the name that matched. */
  async completeEntity(text) {
    const token = ++this.searchToken;
    if (text.trim().length < 2) return;
    const hits = await getJSON(`/api/search?q=${encodeURIComponent(text)}&limit=10`, "Suggestions");
    if (token !== this.searchToken) return;
    const options = hits.map((h) =>
      el("option", { value: h.id, label: h.matched === h.label ? h.label : `${h.label} (${h.matched})` }),
    );
    clear($("entity-options")).append(...options);
  }

  /** Keep the last selection made in the text (clicking into the form must not lose it). */
  showSelection() {
    const selection = this.view.selection();
    if (selection) this.selection = selection;
    const words = this.selection ? this.selection.exact : "";
    clear(this.selected).append(
      words ? words : el("span", { class: "hint", text: "No words selected yet." }),
    );
    if (this.selection) this.prefill();
  }

  /** Fields that take the selected words by default, until the analyst types there. */
  prefill() {
    const words = this.selection.exact.split(/\s+/).join(" ");
    for (const id of ["name-name", "entity-label"]) {
      const input = $(id);
      if (input && !input.dataset.typed) input.value = words;
    }
  }

  switchKind(kind) {
    this.kind = kind;
    const stances = this.access.stances.map((s) => [s, s]);
    const entity = { list: "entity-options", dataset: { complete: "entity" } };
    const time = el(
      "fieldset",
      { class: "time" },
      el("legend", { text: "Time (EDTF: 2024-12-08, 2024-12, 2015~)" }),
      field("time-at", "at"),
      field("time-from", "from"),
      field("time-until", "until"),
    );
    const forms = {
      statement: () => [
        field("subject", "Subject", entity),
        field("relation", "Relation", { list: "relation-options" }),
        field("object", "Object", entity),
        select("stance", "Stance", stances, "reported"),
        field("by", "Said by (speaker)", entity),
        field("said_on", "Said on (YYYY-MM-DD, if the text says)"),
        time,
        field("note", "Note"),
      ],
      name: () => [
        field("name-entity", "Entity", entity),
        field("name-name", "Name"),
        select(
          "name-kind",
          "Kind",
          this.access.nameKinds.map((k) => [k, k]),
          "alias",
        ),
        field("name-language", "Language", { value: "en" }),
        select("stance", "Stance", stances, "asserted"),
        field("by", "Said by (speaker)", entity),
      ],
      entity: () => [
        field("entity-label", "English label"),
        field("entity-id", "Id (kebab-case; from the label if empty)"),
        field("entity-type", "Type", { list: "type-options" }),
        field("entity-description", "Description"),
        field("entity-affiliation", "Affiliation (an unnamed source's)", entity),
      ],
    };
    clear(this.fields).append(...forms[kind]());
    for (const id of ["name-name", "entity-label"]) {
      const input = $(id);
      if (input) input.addEventListener("input", () => (input.dataset.typed = "1"));
    }
    if (this.selection) this.prefill();
  }

  values() {
    const value = (id) => ($(id) ? $(id).value.trim() : "");
    if (this.kind === "statement") {
      return {
        subject: value("subject"),
        relation: value("relation"),
        object: value("object"),
        stance: value("stance"),
        by: value("by"),
        said_on: value("said_on"),
        note: value("note"),
        time: { at: value("time-at"), from: value("time-from"), until: value("time-until") },
      };
    }
    if (this.kind === "name") {
      return {
        entity: value("name-entity"),
        name: value("name-name"),
        kind: value("name-kind"),
        language: value("name-language"),
        stance: value("stance"),
        by: value("by"),
      };
    }
    return {
      label: value("entity-label"),
      id: value("entity-id"),
      type: value("entity-type"),
      description: value("entity-description"),
      affiliation: value("entity-affiliation"),
    };
  }

  async submit() {
    const selection = this.selection;
    if (!selection) {
      this.report("Select the words first.", null, false);
      return;
    }
    const button = $("annotate-submit");
    button.disabled = true;
    this.form.setAttribute("aria-busy", "true");
    const path = `/api/sources/${encodeURIComponent(this.view.sourceId)}/annotations`;
    const payload = { kind: this.kind, ...selection, fields: this.values() };
    try {
      const answer = await postJSON(path, payload, "The annotation", {
        Authorization: `Bearer ${this.token}`,
      });
      if (answer.ok) {
        await this.view.load(); // the new quote is marked at once
        this.report(`Added ${answer.body.kind} ${answer.body.id} to ${answer.body.file}.`, answer.body, true);
      } else {
        const body = answer.body || {};
        const detail = Array.isArray(body.detail)
          ? body.detail.map((d) => `${(d.loc || []).join(".")}: ${d.msg}`).join("\n")
          : body.report_text || body.detail || "";
        this.report(`Refused (HTTP ${answer.status}): ${body.error || ""}`, detail, false);
      }
    } catch (error) {
      this.report(String(error.message || error), null, false);
    } finally {
      button.disabled = false;
      this.form.removeAttribute("aria-busy");
    }
  }

  /** The outcome next to the form: what was added and where to see it, or the refusal with its report. */
  report(message, detail, ok) {
    const parts = [el("p", { class: ok ? "added" : "refused", text: message })];
    if (ok && detail && detail.fact && detail.fact.relation) {
      const { subject, relation, object } = detail.fact;
      const type = this.relationTypes.find((t) => t.id === relation);
      const key = edgeKey(subject, relation, object, type ? type.directed : true);
      const link = `/?sel=${encodeURIComponent(`e:${key}`)}`; // el() puts app paths under the app's root
      parts.push(el("p", {}, el("a", { id: "see-in-graph", href: link, text: "See it in the graph" })));
    } else if (ok && detail && detail.kind === "entity") {
      parts.push(el("p", {}, el("a", { href: `/id/${detail.id}`, text: "Its page" })));
    } else if (!ok && detail) {
      parts.push(el("pre", { class: "report", text: detail }));
    }
    clear(this.result).append(...parts);
    this.result.className = ok ? "result ok" : "result error";
  }
}
