// The source view at `/sources/<id>`: the whole text of a source with the quotes the graph holds from it
// marked, and, for a holder of the write token, the annotation form (annotate.js) for the words selected.
//
// Offsets: the server counts code points (as the Web Annotation selectors do); JavaScript strings count UTF-16
// units. `Offsets` converts both ways, so a quote outside the Basic Multilingual Plane still lands right.

import { AnnotationForm } from "./annotate.js";
import { byId as $, clear, el } from "./dom.js";
import { RequestError, getJSON } from "./http.js";

const TOKEN_KEY = "kg-write-token"; // sessionStorage only: gone when the tab closes, never in a URL

/** Code point offsets ↔ UTF-16 offsets of one text. */
export class Offsets {
  constructor(text) {
    this.units = [0]; // units[cp] = the UTF-16 offset of code point cp
    let at = 0;
    for (const char of text) {
      at += char.length;
      this.units.push(at);
    }
  }

  toUnits(codePoint) {
    return this.units[Math.min(codePoint, this.units.length - 1)];
  }

  toCodePoints(unit) {
    let low = 0;
    let high = this.units.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.units[mid] <= unit) low = mid;
      else high = mid - 1;
    }
    return low;
  }
}

/**
 * The text cut at every quote boundary: pieces `{ start, end, quotes }` in UTF-16 offsets, each with the quotes
 * covering it (quotes may overlap or nest).
 */
export function pieces(text, quotes) {
  const cuts = new Set([0, text.length]);
  for (const q of quotes) cuts.add(q.from).add(q.to);
  const sorted = [...cuts].filter((c) => c >= 0 && c <= text.length).sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const [start, end] = [sorted[i], sorted[i + 1]];
    out.push({ start, end, quotes: quotes.filter((q) => q.from <= start && q.to >= end) });
  }
  return out;
}

class SourceView {
  constructor(sourceId) {
    this.sourceId = sourceId;
    this.textBox = $("source-text");
    this.status = $("source-status");
    this.form = null;
    this.source = null;
  }

  async load() {
    this.source = await getJSON(`/api/sources/${encodeURIComponent(this.sourceId)}`, "The source");
    this.offsets = new Offsets(this.source.text || "");
    this.render();
  }

  /** The text with each quote marked; each piece of text remembers its offset (for the selection). */
  render() {
    const text = this.source.text || "";
    const quotes = (this.source.quotes || []).map((q) => ({
      ...q,
      from: this.offsets.toUnits(q.start),
      to: this.offsets.toUnits(q.end),
    }));
    const nodes = pieces(text, quotes).map((piece) => {
      const words = text.slice(piece.start, piece.end);
      if (!piece.quotes.length) return el("span", { dataset: { at: String(piece.start) } }, words);
      const facts = piece.quotes.map((q) => q.fact);
      return el(
        "mark",
        {
          class: "source-quote",
          dataset: { at: String(piece.start), facts: facts.map((f) => f.id).join(" ") },
          title: facts.map((f) => `${f.kind}: ${f.label}`).join("\n"),
          on: { click: () => this.showFacts(facts) },
        },
        words,
      );
    });
    clear(this.textBox).append(...nodes);
    this.status.textContent = `${quotes.length} quotes of this source are in the graph (marked).`;
    this.reveal();
  }

  /** `#at=<code point>` (the evidence panel's link): scroll to the quote that starts there. */
  reveal() {
    const match = /^#at=(\d+)$/.exec(window.location.hash);
    if (!match) return;
    const unit = this.offsets.toUnits(Number(match[1]));
    const mark = [...this.textBox.querySelectorAll("mark")].find((m) => Number(m.dataset.at) === unit);
    if (!mark) return;
    mark.classList.add("source-quote-target");
    mark.scrollIntoView({ block: "center" });
  }

  showFacts(facts) {
    const list = $("quote-facts");
    if (!list) return;
    clear(list).append(
      ...facts.map((f) =>
        el(
          "li",
          {},
          el("span", { class: "badge", text: f.kind }),
          " ",
          el("a", { href: f.href, text: f.label }),
        ),
      ),
    );
  }

  /**
   * The selection inside the text as offsets of the text (UTF-16), trimmed of spaces at its ends; null when
   * nothing of the text is selected.
   */
  selection() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!this.textBox.contains(range.commonAncestorContainer)) return null;
    let start = this.pointOffset(range.startContainer, range.startOffset);
    let end = this.pointOffset(range.endContainer, range.endOffset);
    const text = this.source.text || "";
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    if (start >= end) return null;
    return {
      exact: text.slice(start, end),
      start: this.offsets.toCodePoints(start),
      end: this.offsets.toCodePoints(end),
    };
  }

  /** The text offset of a DOM point inside the text box: a text node of a piece, or between pieces. */
  pointOffset(node, offset) {
    if (node.nodeType === Node.TEXT_NODE) return Number(node.parentElement.dataset.at) + offset;
    if (node === this.textBox) {
      const child = this.textBox.childNodes[offset];
      return child ? Number(child.dataset.at) : (this.source.text || "").length;
    }
    const piece = node.closest("[data-at]");
    const words = piece.textContent.length;
    return Number(piece.dataset.at) + (offset > 0 ? words : 0);
  }

  // ---------------------------------------------------------------------------------------------- access

  token() {
    return window.sessionStorage.getItem(TOKEN_KEY);
  }

  /** Ask the server whether writes are enabled and the stored token accepted; show the form or the unlock. */
  async access() {
    const token = this.token();
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    const access = await getJSON("/api/annotate", "Access", headers);
    const aside = $("annotate");
    if (!access.writable) {
      aside.hidden = true;
      return;
    }
    aside.hidden = false;
    if (access.accepted) {
      this.form = new AnnotationForm(this, access, token);
      clear(aside).append(this.form.build(), this.quoteFacts());
    } else {
      if (token) window.sessionStorage.removeItem(TOKEN_KEY);
      clear(aside).append(this.unlock(Boolean(token)), this.quoteFacts());
    }
    window.kgSource.access = access.accepted ? "editing" : "locked";
    window.kgSource.checks += 1; // automation waits for the answer to an unlock on this
  }

  quoteFacts() {
    return el(
      "section",
      { class: "quote-facts" },
      el("h2", { text: "Facts of a marked quote" }),
      el("p", { class: "hint", text: "Click a marked quote to list the facts it supports." }),
      el("ul", { id: "quote-facts" }),
    );
  }

  /** The token field: the one way in, kept in this tab's sessionStorage. */
  unlock(refused) {
    const input = el("input", {
      id: "token",
      type: "password",
      autocomplete: "off",
      "aria-describedby": "token-hint",
    });
    const message = el("p", {
      id: "token-hint",
      class: "hint",
      role: "status",
      text: refused
        ? "The token kept in this tab was not accepted; type it again."
        : "Annotating needs the server's write token (KG_WRITE_TOKEN). It is kept in this tab only.",
    });
    const form = el(
      "form",
      { id: "unlock", class: "unlock" },
      el("h2", { text: "Annotate" }),
      el("label", { for: "token", text: "Write token" }),
      input,
      el("button", { type: "submit", text: "Unlock editing" }),
      message,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      window.sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      await this.access();
    });
    return form;
  }
}

async function main() {
  window.kgSource = { ready: false, access: null, checks: 0 };
  const sourceId = document.querySelector("main[data-source]").dataset.source;
  const view = new SourceView(sourceId);
  window.kgSource.view = view;
  try {
    await view.load();
    await view.access();
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
    view.status.textContent = error.message;
  }
  window.kgSource.ready = true;
}

main();
