// A small map of one entity's coordinates (from the enrichment graph written by `kg enrich`): a marker with its
// label on country outlines, drawn as SVG with d3-geo. No tile server is asked for anything: the outlines are
// world-atlas's Natural Earth countries, copied from npm into /static/dist/world/ at build time, so the map
// works offline and tells no third party what is being looked at.

import { geoMercator, geoPath } from "d3-geo";
import { feature, mesh } from "topojson-client";
import { el } from "./dom.js";
import { getJSON } from "./http.js";

/** The outlines, a path of this app (under its root, as every request: see http.js). */
export const ATLAS_URL = "/static/dist/world/countries-50m.json";
const SVG_NS = "http://www.w3.org/2000/svg";
const WIDTH = 320;
const HEIGHT = 200;
// Syria and its neighbours are always in view, so any point is seen relative to the war's theatre.
const REGION = { west: 33, east: 44, south: 29, north: 38 };
const MARGIN = 3; // degrees kept around the point
const MAX_LAT = 80; // Mercator grows without bound towards the poles

let atlas = null;

/** The country outlines, fetched once per page (a failed fetch is tried again next time). */
export function loadAtlas() {
  if (!atlas) {
    atlas = getJSON(ATLAS_URL, "The country outlines")
      .then((topology) => ({
        land: feature(topology, topology.objects.countries),
        borders: mesh(topology, topology.objects.countries, (a, b) => a !== b),
      }))
      .catch((error) => {
        atlas = null;
        throw error;
      });
  }
  return atlas;
}

/** The part of the world shown: the region, widened to hold the point with a margin. */
export function extentFor(lat, long) {
  const clampLat = (value) => Math.max(-MAX_LAT, Math.min(MAX_LAT, value));
  return {
    west: Math.min(REGION.west, long - MARGIN),
    east: Math.max(REGION.east, long + MARGIN),
    south: clampLat(Math.min(REGION.south, lat - MARGIN)),
    north: clampLat(Math.max(REGION.north, lat + MARGIN)),
  };
}

function projectionFor(lat, long) {
  const box = extentFor(lat, long);
  const corners = {
    type: "MultiPoint",
    coordinates: [
      [box.west, box.south],
      [box.east, box.north],
      [box.west, box.north],
      [box.east, box.south],
    ],
  };
  // Clipped to the frame so that the paths hold only what is seen (a few kB, not the world).
  return geoMercator()
    .clipExtent([
      [0, 0],
      [WIDTH, HEIGHT],
    ])
    .fitExtent(
      [
        [4, 4],
        [WIDTH - 4, HEIGHT - 4],
      ],
      corners,
    );
}

function svgNode(tag, attrs = {}, text = null) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

let titles = 0;

/** The SVG of the map: sea, land, borders, and the marker with its label. `place` has lat, long, text. */
export function mapSvg(outlines, place, label) {
  const projection = projectionFor(place.lat, place.long);
  const path = geoPath(projection);
  const [x, y] = projection([place.long, place.lat]);
  const titleId = `map-title-${++titles}`;
  const svg = svgNode("svg", {
    class: "map-svg",
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: "img",
    "aria-labelledby": titleId,
  });
  const onLeft = x > WIDTH * 0.65; // keep the label inside the frame
  const marker = svgNode("g", { class: "map-marker" });
  marker.append(
    svgNode("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 4.5 }),
    svgNode(
      "text",
      {
        x: (onLeft ? x - 8 : x + 8).toFixed(1),
        y: (y + 4).toFixed(1),
        "text-anchor": onLeft ? "end" : "start",
      },
      label,
    ),
  );
  svg.append(
    svgNode("title", { id: titleId }, `Map: ${label} at ${place.text}`),
    svgNode("rect", { class: "map-sea", width: WIDTH, height: HEIGHT }),
    svgNode("path", { class: "map-land", d: path(outlines.land) || "" }),
    svgNode("path", { class: "map-borders", d: path(outlines.borders) || "" }),
    marker,
  );
  return svg;
}

/** Draw the map into `container` (replacing what it holds); on failure, say so in words. */
export async function drawMap(container, place, label) {
  try {
    const outlines = await loadAtlas();
    container.replaceChildren(mapSvg(outlines, place, label));
  } catch (error) {
    const reason = String(error.message || error);
    container.replaceChildren(el("p", { class: "hint", text: `The map could not be drawn: ${reason}` }));
  }
}

/** Where the coordinates come from, in words: item, endpoint, time of the answer. */
export function sourceLine(place) {
  return el(
    "p",
    { class: "hint map-source" },
    "From Wikidata via kg enrich",
    place.item
      ? [": item ", el("a", { href: place.item, rel: "external", text: place.itemLabel || place.item })]
      : "",
    place.endpoint ? [", asked at ", el("code", { text: place.endpoint })] : "",
    place.retrievedAt
      ? [", answered ", el("time", { datetime: place.retrievedAt, text: place.retrievedAt })]
      : "",
    ".",
  );
}

/** The map as a figure for the evidence panel: the drawing, the coordinates in text, a link, the source. */
export function mapFigure(place, label) {
  const canvas = el("div", { class: "map-canvas" }, el("p", { class: "hint", text: "Drawing the map…" }));
  const figure = el(
    "figure",
    { class: "map", dataset: { map: "" } },
    canvas,
    el(
      "figcaption",
      {},
      el(
        "p",
        {},
        el("span", { class: "map-coordinates", text: place.text }),
        " · ",
        el("a", { href: place.osm, rel: "external", text: "on OpenStreetMap" }),
      ),
      sourceLine(place),
    ),
  );
  drawMap(canvas, place, label);
  return figure;
}

/** Draw every map an HTML page holds (entity pages render the figure and its text; this adds the drawing). */
export function drawPageMaps(root = document) {
  for (const figure of root.querySelectorAll("figure.map[data-lat][data-long]")) {
    const place = {
      lat: Number(figure.dataset.lat),
      long: Number(figure.dataset.long),
      text: figure.dataset.text,
    };
    const canvas = figure.querySelector(".map-canvas");
    if (canvas && Number.isFinite(place.lat) && Number.isFinite(place.long)) {
      drawMap(canvas, place, figure.dataset.label || "");
    }
  }
}
