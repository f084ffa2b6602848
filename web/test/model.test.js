// The data model of the alliance view (src/model.js) on a small payload shaped like /api/graph's: dates, filters,
// the gathering of facts into edges, focus, and search.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  assignOffsets,
  breakpoints,
  buildIndex,
  edgeFromKey,
  edgeKey,
  holdsOn,
  labelOf,
  shiftDay,
  suggest,
  visibleGraph,
} from "../src/model.js";
import { defaultState } from "../src/state.js";

const node = (id, kind, en, extra = {}) => ({ id, kind, label: en, labels: { en }, aliases: [], ...extra });
const fact = (id, type, source, target, extra = {}) => ({
  id,
  kind: "statement",
  type,
  pairs: [[source, target]],
  stance: "asserted",
  from: null,
  until: null,
  sources: ["s1"],
  ...extra,
});

/** Russia and Iran back the Assad regime; Turkey fights it; an armed group is met only through a person. */
function payload() {
  return {
    nodes: [
      node("russia", "state", "Russia", {
        labels: { en: "Russia", fr: "Russie", ar: "روسيا" },
        aliases: ["Moscow"],
      }),
      node("iran", "state", "Iran"),
      node("assad-regime", "government", "Assad regime", { aliases: ["Damascus"] }),
      node("turkey", "state", "Türkiye", { aliases: ["Turkey"] }),
      node("hts", "armed-group", "Hayat Tahrir al-Sham"),
      node("jolani", "person", "Abu Mohammad al-Jolani"),
      node("lonely", "state", "Lonely State"),
    ],
    relationTypes: {
      alliedWith: { id: "alliedWith", label: "allied with", polarity: 1, directed: false },
      supports: { id: "supports", label: "supports", polarity: 1, directed: true },
      fightsAgainst: { id: "fightsAgainst", label: "fights against", polarity: -1, directed: false },
      leads: { id: "leads", label: "leads", polarity: 0, directed: true },
    },
    eventTypes: {},
    facts: [
      fact("f1", "alliedWith", "russia", "assad-regime", { from: "2015-09-30" }),
      // The same alliance stated the other way round by another source, as a claim: one symmetric edge.
      fact("f2", "alliedWith", "assad-regime", "russia", { stance: "claimed", sources: ["s2"] }),
      fact("f3", "supports", "iran", "assad-regime", { from: "2012-01-01", until: "2024-12-08" }),
      fact("f4", "fightsAgainst", "turkey", "assad-regime", { stance: "reported", sources: ["s2"] }),
      fact("f5", "leads", "jolani", "hts"),
      fact("f6", "fightsAgainst", "hts", "assad-regime", { stance: "rumoured", from: "2017-01-28" }),
    ],
    kinds: [
      { id: "state", label: "States", shown: true },
      { id: "government", label: "Governments", shown: true },
      { id: "armed-group", label: "Armed groups", shown: true },
      { id: "person", label: "People", shown: false },
    ],
    stances: [],
    sources: [
      { id: "s1", title: "One" },
      { id: "s2", title: "Two" },
    ],
  };
}

const view = (patch = {}) => visibleGraph(buildIndex(payload()), { ...defaultState(), ...patch });
const keys = (graph) => [...graph.edges.keys()].sort();

describe("dates", () => {
  it("shiftDay crosses months, years and leap days", () => {
    assert.equal(shiftDay("2024-02-28", 1), "2024-02-29");
    assert.equal(shiftDay("2023-02-28", 1), "2023-03-01");
    assert.equal(shiftDay("2015-01-01", -1), "2014-12-31");
  });

  it("breakpoints are the day before the first start, each start and end, and the day after an end", () => {
    assert.deepEqual(breakpoints(payload().facts), [
      "2011-12-31",
      "2012-01-01",
      "2015-09-30",
      "2017-01-28",
      "2024-12-08",
    ]);
    const ended = [
      fact("a", "t", "x", "y", { from: "2020-01-01", until: "2020-06-30" }),
      fact("b", "t", "x", "y", { from: "2021-01-01" }),
    ];
    assert.deepEqual(breakpoints(ended), [
      "2019-12-31",
      "2020-01-01",
      "2020-06-30",
      "2020-07-01",
      "2021-01-01",
    ]);
    assert.deepEqual(breakpoints([fact("u", "t", "x", "y")]), [], "undated facts change nothing over time");
  });

  it("holdsOn counts both ends of a time span, and undated facts hold at every date", () => {
    const span = { from: "2012-01-01", until: "2024-12-08" };
    assert.deepEqual(
      ["2011-12-31", "2012-01-01", "2024-12-08", "2024-12-09"].map((d) => holdsOn(span, d)),
      [false, true, true, false],
    );
    assert.equal(holdsOn({}, "1900-01-01"), true);
    assert.equal(holdsOn(span, null), true);
  });
});

describe("visibleGraph", () => {
  it("gathers the facts of one type between two actors into one edge, symmetric types in either direction", () => {
    const graph = view();
    const allied = graph.edges.get(edgeKey("russia", "alliedWith", "assad-regime", false));
    assert.deepEqual(allied.facts, ["f1", "f2"]);
    assert.equal(allied.stance, "asserted", "the strongest stance of its facts styles the edge");
    assert.equal(allied.polarity, "cooperative");
    assert.equal(allied.dated, true);
    assert.deepEqual(keys(graph), [
      "assad-regime|alliedWith|russia",
      "assad-regime|fightsAgainst|hts",
      "assad-regime|fightsAgainst|turkey",
      "iran|supports|assad-regime",
    ]);
  });

  it("shows the default kinds with a relation: not people, not actors without any", () => {
    assert.deepEqual([...view().nodes].sort(), ["assad-regime", "hts", "iran", "russia", "turkey"]);
    assert.ok(view({ isolated: true }).nodes.has("lonely"));
    const withPeople = view({ kinds: ["state", "government", "armed-group", "person"] });
    assert.ok(withPeople.edges.has("jolani|leads|hts"));
  });

  it("filters by date: a fact outside its span disappears, an undated one stays", () => {
    assert.deepEqual(keys(view({ date: "2013-06-01" })), [
      "assad-regime|alliedWith|russia", // f2 is undated
      "assad-regime|fightsAgainst|turkey",
      "iran|supports|assad-regime",
    ]);
    const after = view({ date: "2025-01-01" });
    assert.equal(after.edges.has("iran|supports|assad-regime"), false);
    assert.deepEqual(after.edges.get("assad-regime|alliedWith|russia").facts, ["f1", "f2"]);
  });

  it("filters by stance, polarity, type and source", () => {
    const claimedOnly = view({ stances: ["claimed"] });
    assert.deepEqual(keys(claimedOnly), ["assad-regime|alliedWith|russia"]);
    assert.equal(claimedOnly.edges.get("assad-regime|alliedWith|russia").stance, "claimed");
    assert.deepEqual(keys(view({ polarities: ["hostile"] })), [
      "assad-regime|fightsAgainst|hts",
      "assad-regime|fightsAgainst|turkey",
    ]);
    assert.deepEqual(keys(view({ hideTypes: ["fightsAgainst", "supports"] })), [
      "assad-regime|alliedWith|russia",
    ]);
    // A fact is hidden only when every source that states it is hidden.
    const withoutTwo = view({ hideSources: ["s2"] });
    assert.deepEqual(withoutTwo.edges.get("assad-regime|alliedWith|russia").facts, ["f1"]);
    assert.equal(withoutTwo.edges.has("assad-regime|fightsAgainst|turkey"), false);
  });

  it("focuses on an actor's neighbourhood, k hops deep, plus the nodes expanded on demand", () => {
    assert.deepEqual([...view({ focus: "iran" }).nodes].sort(), ["assad-regime", "iran"]);
    assert.deepEqual([...view({ focus: "iran", hops: 2 }).nodes].sort(), [
      "assad-regime",
      "hts",
      "iran",
      "russia",
      "turkey",
    ]);
    const expanded = view({ focus: "iran", expand: ["assad-regime"] });
    assert.deepEqual(
      keys(expanded),
      keys(view()),
      "expanding the regime adds its neighbours and their edges",
    );
    assert.equal(view({ focus: "iran" }).degree.get("assad-regime"), 1);
  });

  it("shows a focused actor even when its kind is hidden", () => {
    const graph = view({ focus: "jolani", kinds: ["armed-group"] });
    assert.deepEqual([...graph.nodes].sort(), ["hts", "jolani"]);
  });
});

describe("edges", () => {
  it("edgeFromKey finds an edge hidden by the filters, with every fact it gathers", () => {
    const index = buildIndex(payload());
    const edge = edgeFromKey(index, "assad-regime|alliedWith|russia");
    assert.deepEqual(edge.facts, ["f1", "f2"]);
    assert.equal(edge.label, "allied with");
    assert.equal(edge.polarity, "cooperative");
    assert.equal(edgeFromKey(index, "russia|supports|turkey"), null, "no fact makes it");
    assert.equal(edgeFromKey(index, "russia|noSuchType|iran"), null);
    assert.equal(edgeFromKey(index, "atlantis|alliedWith|russia"), null);
  });

  it("assignOffsets spreads parallel edges symmetrically and leaves a lone edge centred", () => {
    const edges = new Map(
      [
        { key: "a|t1|b", source: "a", target: "b" },
        { key: "a|t2|b", source: "a", target: "b" },
        { key: "b|t3|a", source: "b", target: "a" },
        { key: "a|t1|c", source: "a", target: "c" },
      ].map((e) => [e.key, e]),
    );
    assignOffsets(edges, 5);
    assert.equal(edges.get("a|t1|c").offset, 0);
    assert.deepEqual(
      ["a|t1|b", "a|t2|b", "b|t3|a"].map((k) => edges.get(k).offset),
      // The reversed edge's normal points the other way: its offset is flipped so that it lands on the other side.
      [-5, 0, -5],
    );
  });
});

describe("search and labels", () => {
  const index = buildIndex(payload());

  it("finds actors by any label, alias or metonym, ignoring case and accents", () => {
    assert.deepEqual(
      suggest(index, "turkiye").map((h) => h.id),
      ["turkey"],
    );
    assert.deepEqual(
      suggest(index, "RUSSIE").map((h) => [h.id, h.matched]),
      [["russia", "Russie"]],
    );
    assert.deepEqual(
      suggest(index, "moscow").map((h) => [h.id, h.via]),
      [["russia", "alias"]],
    );
    assert.deepEqual(suggest(index, "روسيا")[0].id, "russia");
    assert.deepEqual(suggest(index, "   "), []);
  });

  it("ranks a whole-name match before a prefix, and a prefix before a match inside a name", () => {
    const index2 = buildIndex({
      ...payload(),
      nodes: [
        node("b", "state", "Sham Falcons"),
        node("a", "state", "Sham"),
        node("c", "state", "Ahrar al-Sham"),
      ],
    });
    assert.deepEqual(
      suggest(index2, "sham").map((h) => h.id),
      ["a", "b", "c"],
    );
    assert.equal(suggest(index2, "a", 2).length, 2);
  });

  it("labelOf falls back to English, then to the node's label or id", () => {
    const russia = index.nodes.get("russia");
    assert.equal(labelOf(russia, "fr"), "Russie");
    assert.equal(labelOf(index.nodes.get("iran"), "ar"), "Iran");
    assert.equal(labelOf({ id: "x-1", labels: {} }, "en"), "x-1");
    assert.equal(labelOf(undefined, "en"), "");
  });
});
