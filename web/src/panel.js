// The evidence panel: a node's facts, or an edge's statements, each with the exact quote highlighted inside its
// paragraph, who says it, when, with what stance, what contradicts it, links to entity pages and to other
// datasets, and a small map when `kg enrich` found coordinates. Everything from the graph enters the page
// through `el` as text.

import { el } from "./dom.js";
import { mapFigure } from "./map.js";

const STANCE_NOTES = {
  asserted: "the source says it in its own voice",
  reported: "the source relays it from someone named",
  claimed: "an interested party claims it",
  rumoured: "hearsay with no named source",
  denied: "the attributed party denies it",
};

function entityLink(ref, ctx) {
  if (!ref) return null;
  const parts = [];
  if (ref.href) parts.push(el("a", { href: ref.href, text: ref.label, title: ref.iri }));
  else parts.push(el("span", { text: ref.label, title: ref.iri }));
  if (ctx && ctx.canFocus(ref.id)) {
    parts.push(
      " ",
      el("button", {
        type: "button",
        class: "link-button",
        text: "focus",
        "aria-label": `Focus the graph on ${ref.label}`,
        on: { click: () => ctx.focus(ref.id) },
      }),
    );
  }
  return el("span", { class: "entity-ref" }, parts);
}

function timeText(during) {
  if (!during || (!during.from && !during.until)) return "none given";
  if (during.from && during.from === during.until) return `on ${during.from}`;
  if (during.from && during.until) return `from ${during.from} to ${during.until}`;
  if (during.from) return `from ${during.from} (no end given)`;
  return `until ${during.until} (no start given)`;
}

/** When a statement holds by the as-of rule: from its first day, until its last day if it ended. */
function holdsText(holds) {
  if (!holds.from) return "not known";
  return holds.until ? `from ${holds.from} to ${holds.until}` : `from ${holds.from} on`;
}

/** The quote inside its paragraph, the quote marked. */
export function quoteBlock(evidence, speaker = null) {
  const source = evidence.source;
  const para = evidence.paragraph;
  const body = para
    ? el(
        "p",
        { class: "paragraph" },
        para.before,
        el("mark", { class: "quote-exact", text: para.exact }),
        para.after,
      )
    : el("p", { class: "paragraph" }, el("mark", { class: "quote-exact", text: evidence.exact || "" }));
  const footer = source
    ? el(
        "footer",
        {},
        "Source: ",
        source.href
          ? el("a", { href: source.href, text: source.title || source.id })
          : source.title || source.id,
        source.date ? `, ${source.date}` : "",
        evidence.by && evidence.by.iri !== speaker ? [" · said by ", entityLink(evidence.by, null)] : "",
        source.id
          ? [
              " · ",
              el("a", {
                class: "read-source",
                href: `/sources/${encodeURIComponent(source.id)}${evidence.start === null ? "" : `#at=${evidence.start}`}`,
                text: "read the source",
              }),
            ]
          : "",
        para && !para.verified ? " (quote located by its text, not its offsets)" : "",
      )
    : null;
  return el("blockquote", { class: "quote", cite: source ? source.iri : null }, body, footer);
}

function headline(item, ctx) {
  if (item.kind === "statement") {
    return el(
      "h4",
      { class: "fact-title" },
      entityLink(item.subject, ctx),
      " ",
      el("span", { class: "relation", text: item.relation ? item.relation.label : "" }),
      " ",
      entityLink(item.object, ctx),
    );
  }
  if (item.kind === "event") {
    const agents = (item.agents || []).map((a) => entityLink(a, ctx));
    const targets = (item.targets || []).map((t) => entityLink(t, ctx));
    return el(
      "h4",
      { class: "fact-title" },
      el("span", { class: "event-type", text: (item.eventType || "event").toLowerCase() }),
      ": ",
      item.label || item.id,
      agents.length ? el("span", { class: "roles" }, " — by ", join(agents)) : null,
      targets.length ? el("span", { class: "roles" }, " — against ", join(targets)) : null,
    );
  }
  return el(
    "h4",
    { class: "fact-title" },
    item.label || item.id,
    item.value
      ? ` (${item.qualifier ? item.qualifier.label + " " : ""}${item.value} ${item.unit ? item.unit.label : ""})`
      : "",
  );
}

function join(parts, separator = ", ") {
  const out = [];
  parts.forEach((part, i) => {
    if (i) out.push(separator);
    out.push(part);
  });
  return out;
}

/** One statement, event or quantity as a card. */
export function factCard(item, ctx, { nested = false } = {}) {
  const stance = item.stance ? item.stance.id : "asserted";
  const meta = el(
    "dl",
    { class: "meta" },
    el("dt", { text: "Stance" }),
    el(
      "dd",
      {},
      el("span", { class: `badge stance stance-${stance}`, text: item.stance ? item.stance.label : stance }),
      " ",
      el("span", { class: "hint", text: STANCE_NOTES[stance] || "" }),
    ),
    el("dt", { text: "Who says it" }),
    el("dd", {}, item.by ? entityLink(item.by, null) : "the source"),
    el("dt", { text: "Said on" }),
    el("dd", { text: item.statedOn || "not given" }),
    (item.observedOn || []).length
      ? [el("dt", { text: "Source date" }), el("dd", { text: item.observedOn.join(", ") })]
      : null,
    el("dt", { text: "Time given" }),
    el("dd", { text: timeText(item.during) }),
    item.holds ? [el("dt", { text: "Holds" }), el("dd", { text: holdsText(item.holds) })] : null,
    ...[
      ["supersededBy", "Superseded by"],
      ["disputedWith", "Disputed by"],
    ].map(([key, label]) =>
      (item[key] || []).length
        ? [el("dt", { text: label }), el("dd", {}, join(item[key].map((r) => entityLink(r, null))))]
        : null,
    ),
    item.context ? [el("dt", { text: "Context" }), el("dd", {}, entityLink(item.context, null))] : null,
    (item.closedBy || []).length
      ? [el("dt", { text: "Ended by" }), el("dd", {}, join(item.closedBy.map((r) => entityLink(r, null))))]
      : null,
    (item.closes || []).length
      ? [el("dt", { text: "Ends" }), el("dd", {}, join(item.closes.map((r) => entityLink(r, null))))]
      : null,
    item.subjectMention || item.objectMention
      ? [
          el("dt", { text: "Words used" }),
          el("dd", {
            text: [item.subjectMention, item.objectMention]
              .filter(Boolean)
              .map((w) => `“${w}”`)
              .join(", "),
          }),
        ]
      : null,
  );
  const quotes = (item.evidence || []).map((e) => quoteBlock(e, item.by ? item.by.iri : null));
  const contradictions = (item.contradicts || []).filter((c) => c.kind);
  const card = el(
    "article",
    { class: `fact stance-${stance}${nested ? " nested" : ""}`, dataset: { fact: item.id } },
    headline(item, ctx),
    meta,
    quotes,
    item.note
      ? el("p", { class: "note" }, el("span", { class: "note-label", text: "Analyst note: " }), item.note)
      : null,
    contradictions.length
      ? el(
          "section",
          { class: "contradictions" },
          el("h5", { text: contradictions.length > 1 ? "Contradicted by" : "Contradicted by" }),
          contradictions.map((c) => factCard(c, ctx, { nested: true })),
        )
      : null,
    el(
      "p",
      { class: "fact-links" },
      item.href ? el("a", { href: item.href, text: `${item.kind} page` }) : null,
    ),
  );
  return card;
}

/** The panel for a node: who it is, then every fact that names it. */
export function nodePanel(entity, ctx) {
  const labels = Object.entries(entity.labels || {})
    .filter(([lang]) => lang)
    .map(([lang, text]) =>
      el(
        "li",
        { lang, dir: lang === "ar" ? "rtl" : null },
        el("span", { class: "lang", text: lang }),
        " ",
        text,
      ),
    );
  const aliases = (entity.aliases || []).map((a) =>
    el(
      "li",
      { lang: a.lang || null },
      a.text,
      el("span", { class: "hint", text: a.kind === "metonym" ? " (metonym)" : "" }),
    ),
  );
  const links = [
    el("a", { href: entity.href || "#", text: "Entity page" }),
    ...(entity.links || []).map((l) => el("a", { href: l.iri, text: l.label, rel: "external" })),
  ];
  const facts = entity.facts || [];
  const says = entity.says || [];
  return el(
    "div",
    { class: "panel-node" },
    el("h2", { id: "panel-title", text: entity.label }),
    el(
      "p",
      { class: "kinds" },
      (entity.types || []).map((t) => el("span", { class: "badge kind", text: t })),
    ),
    entity.description ? el("p", { class: "description", text: entity.description }) : null,
    el(
      "div",
      { class: "actions" },
      ctx.canFocus(entity.id)
        ? el("button", { type: "button", text: "Focus on it", on: { click: () => ctx.focus(entity.id) } })
        : null,
      ctx.canFocus(entity.id)
        ? el("button", {
            type: "button",
            text: "Expand its neighbours",
            on: { click: () => ctx.expand(entity.id) },
          })
        : null,
    ),
    el("p", { class: "links" }, join(links, " · ")),
    entity.coordinates
      ? [el("h3", { text: "On the map" }), mapFigure(entity.coordinates, entity.label)]
      : null,
    labels.length
      ? el(
          "details",
          {},
          el("summary", { text: "Labels and aliases" }),
          el("ul", { class: "labels" }, labels, aliases),
        )
      : null,
    el("h3", { text: `Facts (${facts.length})` }),
    facts.length
      ? facts.map((f) => factCard(f, ctx))
      : el("p", { class: "hint", text: "No statement names it yet." }),
    says.length
      ? el(
          "details",
          { class: "says" },
          el("summary", { text: `What it says (${says.length})` }),
          says.map((f) => factCard(f, ctx)),
        )
      : null,
  );
}

/** The panel for an edge: the relation, then each of its statements. */
export function edgePanel(edge, items, ctx) {
  return el(
    "div",
    { class: "panel-edge" },
    el(
      "h2",
      { id: "panel-title" },
      ctx.nodeLabel(edge.source),
      " ",
      el("span", { class: "relation", text: edge.label }),
      " ",
      ctx.nodeLabel(edge.target),
    ),
    el(
      "p",
      { class: "hint" },
      `${items.length} ${items.length === 1 ? "fact" : "facts"} · ${edge.polarity} · ${edge.directed ? "directed" : "symmetric"}`,
    ),
    items.map((item) => factCard(item, ctx)),
  );
}

export function messagePanel(title, text) {
  return el("div", {}, el("h2", { id: "panel-title", text: title }), el("p", { class: "hint", text }));
}
