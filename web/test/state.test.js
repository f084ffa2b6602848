// The URL form of the view state (src/state.js): a link written by toQuery reads back into the same view, and a
// hand-edited or stale link never breaks the page.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ALL_POLARITIES, ALL_STANCES, defaultState, fromQuery, toQuery } from "../src/state.js";

const DEFAULT_KINDS = ["state", "government", "armed-group"];

describe("toQuery and fromQuery", () => {
  it("write the default view as an empty query and read an empty query as the default view", () => {
    assert.equal(toQuery(defaultState(), DEFAULT_KINDS), "");
    assert.deepEqual(fromQuery(""), defaultState());
    assert.deepEqual(fromQuery("?"), defaultState());
  });

  it("round-trip every parameter", () => {
    const state = {
      ...defaultState(),
      focus: "hezbollah",
      hops: 3,
      expand: ["russia", "iran"],
      date: "2015-09-30",
      kinds: ["state", "person"],
      polarities: ["hostile"],
      stances: ["claimed", "denied"],
      hideTypes: ["rt-supports", "event:Airstrike"],
      hideSources: ["003_reuters"],
      isolated: true,
      lang: "ar",
      bloc: true,
      triangles: true,
      sel: "e:russia|alliedWith|assad-regime",
    };
    const read = fromQuery("?" + toQuery(state, DEFAULT_KINDS));
    assert.deepEqual(read, {
      ...state,
      // Lists whose order does not matter are written sorted, so equal views give equal links.
      kinds: ["person", "state"],
      hideTypes: ["event:Airstrike", "rt-supports"],
    });
  });

  it("keep commas, colons and bars readable and put parameters in a fixed order", () => {
    const state = {
      ...defaultState(),
      sel: "e:a|t|b",
      date: "2020-01-01",
      focus: "russia",
      expand: ["iran", "turkey"],
    };
    assert.equal(toQuery(state), "focus=russia&expand=iran,turkey&date=2020-01-01&sel=e:a|t|b");
  });

  it("leave hops and expand out of a link without a focus (they mean nothing then)", () => {
    const state = { ...defaultState(), hops: 2, expand: ["iran"] };
    assert.equal(toQuery(state), "");
  });

  it("leave the kinds out when they are the defaults, in any order", () => {
    const same = { ...defaultState(), kinds: ["armed-group", "state", "government"] };
    assert.equal(toQuery(same, DEFAULT_KINDS), "");
    const fewer = { ...defaultState(), kinds: ["state"] };
    assert.equal(toQuery(fewer, DEFAULT_KINDS), "kinds=state");
    assert.deepEqual(fromQuery("kinds=").kinds, [], "an explicit empty list hides every kind");
  });

  it("write polarities and stances in their canonical order", () => {
    const state = {
      ...defaultState(),
      polarities: ["hostile", "cooperative"],
      stances: ["denied", "asserted"],
    };
    assert.equal(toQuery(state), "pol=cooperative,hostile&stance=asserted,denied");
  });
});

describe("fromQuery on a bad or stale link", () => {
  it("drops values it does not know and keeps the rest", () => {
    const state = fromQuery(
      "focus=iran&hops=9&date=2015-9-30&lang=de&sel=x:iran&pol=hostile,warm&stance=rumoured,sure&iso=yes",
    );
    assert.equal(state.focus, "iran");
    assert.equal(state.hops, 1);
    assert.equal(state.date, null);
    assert.equal(state.lang, "en");
    assert.equal(state.sel, null);
    assert.deepEqual(state.polarities, ["hostile"]);
    assert.deepEqual(state.stances, ["rumoured"]);
    assert.equal(state.isolated, false);
  });

  it("accepts hops from 1 to 4 only, as whole numbers", () => {
    assert.deepEqual(
      ["0", "1", "4", "5", "2.5", "two"].map((hops) => fromQuery(`hops=${hops}`).hops),
      [1, 1, 4, 1, 1, 1],
    );
  });

  it("reads a state whose lists are fresh copies (changing one view never changes another)", () => {
    const a = fromQuery("");
    a.polarities.pop();
    a.stances.pop();
    assert.deepEqual(fromQuery("").polarities, ALL_POLARITIES);
    assert.deepEqual(fromQuery("").stances, ALL_STANCES);
  });
});
