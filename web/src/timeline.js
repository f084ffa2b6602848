// Time in the alliance view: the date slider over the dates at which the view changes, the exact date input,
// Play (one date every 900 ms), and the list of dated events (from /api/blocs), each a button to its date.

import { byId as $, clear, el } from "./dom.js";

const PLAY_STEP_MS = 900;

export class Timeline {
  /** `app`: the App (state, index, update). */
  constructor(app) {
    this.app = app;
    this.playing = null;
  }

  get points() {
    return this.app.index.breakpoints;
  }

  build() {
    const points = this.points;
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
      if (date) this.app.update({ date }, { history });
    };
    slider.addEventListener("input", () => setIndex(Number(slider.value), "replace"));
    slider.addEventListener("change", () => setIndex(Number(slider.value), "replace"));
    // At "all dates" the thumb already sits on the last date: a key or a click there still means "as of it".
    const adopt = () => {
      if (!this.app.state.date) setIndex(Number(slider.value), "push");
    };
    slider.addEventListener("keyup", adopt);
    slider.addEventListener("pointerup", adopt);
    $("date-input").addEventListener("change", (e) => {
      const value = e.target.value;
      if (/^\d{4}-\d{2}-\d{2}$/.test(value)) this.app.update({ date: value });
    });
    $("date-on").addEventListener("change", (e) => {
      if (e.target.checked) setIndex(points.length - 1, "push");
      else this.app.update({ date: null });
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
    const points = this.points;
    if (!points.length) return;
    let i = this.sliderIndex();
    if (!this.app.state.date || i >= points.length - 1) i = 0;
    this.app.update({ date: points[i] }, { history: "replace" });
    button.setAttribute("aria-pressed", "true");
    button.textContent = "Pause";
    this.playing = setInterval(() => {
      i += 1;
      if (i >= points.length) {
        this.togglePlay();
        return;
      }
      this.app.update({ date: points[i] }, { history: "replace" });
    }, PLAY_STEP_MS);
  }

  /** The slider position of the current date: the last breakpoint on or before it. */
  sliderIndex() {
    const points = this.points;
    const date = this.app.state.date;
    if (!date) return points.length - 1;
    let found = 0;
    points.forEach((p, i) => {
      if (p <= date) found = i;
    });
    return found;
  }

  /** The slider, the date input and the date label from the state. */
  sync() {
    const date = this.app.state.date;
    const points = this.points;
    const slider = $("date-slider");
    slider.value = String(this.sliderIndex());
    slider.setAttribute("aria-valuetext", date || "all dates");
    $("date-label").textContent = date ? `as of ${date}` : "all dates";
    $("date-on").checked = Boolean(date);
    $("date-input").value = date || (points.length ? points[points.length - 1] : "");
  }

  /** The events in date order; those in the window emphasised; a click sets the date to the event's start. */
  renderEvents(events) {
    const list = $("timeline-items");
    clear(list);
    const sorted = [...events].sort((a, b) => {
      const [x, y] = [a.from || "9999", b.from || "9999"];
      return x < y ? -1 : x > y ? 1 : String(a.label).localeCompare(String(b.label));
    });
    for (const event of sorted) {
      const when = event.from
        ? event.until && event.until !== event.from
          ? `${event.from} – ${event.until}`
          : event.from
        : "undated";
      const label = String(event.label || event.iri);
      const content = [
        el("span", { class: "event-date", text: when }),
        " ",
        el("span", { class: "event-label", text: label }),
      ];
      const item = event.from
        ? el(
            "button",
            {
              type: "button",
              class: "link-button event",
              dataset: { date: event.from },
              "aria-label": `${label}, ${when}: show the network on ${event.from}`,
              on: { click: () => this.app.update({ date: event.from }) },
            },
            content,
          )
        : el("span", { class: "event" }, content);
      const current = event.in_window ? "true" : null;
      list.append(el("li", { class: event.in_window ? "in-window" : null, "aria-current": current }, item));
    }
    if (!sorted.length) list.append(el("li", { class: "hint", text: "No dated event." }));
  }
}
