"""Benchmark of the graph browser: a synthetic graph of 10k nodes and 30k edges in headless Chromium.

The real app serves the page and its bundle, and a synthetic graph document of the same shape as `/api/graph`
(relation types and vocabularies taken from the real answer), so the browser code under test is exactly the one
users get. Reported:

- time to first render: from navigation start to the end of the first frame of the graph (every node and edge),
  the GPU included (a one-pixel read is the sync point); target < 3 s. The phases before it are reported too
  (data downloaded and parsed, indexed, laid out, view built, frame issued);
- time to layout settled: the frame drawn with the ForceAtlas2 positions computed in a web worker;
- frames per second while panning the way a user does, with the mouse: a drag whose pointer moves every
  animation frame for a few seconds (events dispatched in the page; sigma's `afterRender` events counted),
  while the background layout runs and after it. Edges and labels of a large graph are not drawn while the
  camera moves (as in Gephi Lite or sigma's `hideEdgesOnMove`), so the frames of full detail are measured
  separately: the camera moved by script every animation frame, every frame with all edges and labels;
- the same drag sent by Playwright (real input events, each one awaited);
- the longest task that blocked the page's main thread between the first frame and the end of the run (long
  tasks API), which says whether the page answers input while the layout settles.

Run: `python bench/browser_bench.py` (starts `uvicorn api.main:app` on a free port with a temporary data folder)
or `python bench/browser_bench.py --url http://127.0.0.1:8000` against a running server. Results are written to
`bench/results/browser_bench.json`. Chromium is Debian's (`/usr/bin/chromium`), run headless with software
WebGL (SwiftShader): a machine with a GPU renders faster.
"""

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import sync_playwright

from kg import vocab

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # processes.py: the start-and-wait helpers shared with the tests

from processes import Server, free_port, start_server  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "browser_bench.json"
# The synthetic graph is served by the app itself as a static file (api/static/dist/ is git-ignored) and the
# page is pointed at it with window.KG_GRAPH_URL, so it travels over HTTP like /api/graph does.
BENCH_GRAPH = ROOT / "api" / "static" / "dist" / "bench-graph.json"
GRAPH_URL = "/static/dist/bench-graph.json"
CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DRAG_MOVES = 30
KINDS = ["state", "government", "armed-group", "armed-forces", "coalition", "person", "organisation"]
STANCES = ["asserted"] * 6 + ["reported"] * 3 + ["claimed", "rumoured", "denied"]


def synthetic_payload(vocabulary: dict[str, Any], nodes: int, edges: int, seed: int = 7) -> dict[str, Any]:
    """A /api/graph answer with `nodes` actors in blocs of ~40 and `edges` distinct relations between them."""
    rng = random.Random(seed)
    bloc_size = 40
    node_list = []
    for i in range(nodes):
        node_list.append(
            {
                "id": f"actor-{i}",
                "iri": f"{vocab.RES}actor-{i}",
                "kind": KINDS[i % len(KINDS)],
                "types": ["Actor"],
                "labels": {"en": f"Actor {i}", "fr": f"Acteur {i}", "ar": f"فاعل {i}"},
                "aliases": [f"A{i}"],
                "label": f"Actor {i}",
            }
        )
    by_polarity: dict[int, list[str]] = {}
    for rt in vocabulary["relationTypes"].values():
        by_polarity.setdefault(rt["polarity"], []).append(rt["id"])
    facts = []
    seen: set[tuple[int, int]] = set()
    while len(facts) < edges:
        a = rng.randrange(nodes)
        same_bloc = rng.random() < 0.75
        if same_bloc:
            base = a - a % bloc_size
            b = base + rng.randrange(min(bloc_size, nodes - base))
        else:
            b = rng.randrange(nodes)
        if a == b or (a, b) in seen or (b, a) in seen:
            continue
        seen.add((a, b))
        polarity = 1 if same_bloc else rng.choice([-1, -1, 0])
        year = rng.randrange(2011, 2025)
        dated = rng.random() < 0.7
        facts.append(
            {
                "id": f"statement/s-{len(facts)}",
                "kind": "statement",
                "type": rng.choice(by_polarity.get(polarity) or next(iter(by_polarity.values()))),
                "pairs": [[f"actor-{a}", f"actor-{b}"]],
                "stance": rng.choice(STANCES),
                "by": None,
                "from": f"{year}-01-01" if dated else None,
                "until": f"{min(year + rng.randrange(0, 4), 2024)}-12-31"
                if dated and rng.random() < 0.5
                else None,
                "sources": ["synthetic"],
                "contradicts": [],
            }
        )
    dates = sorted({d for f in facts for d in (f["from"], f["until"]) if d})
    return {
        **vocabulary,
        "nodes": node_list,
        "facts": facts,
        "speakers": {},
        "kinds": [{**k, "shown": True} for k in vocabulary["kinds"]],
        "sources": [
            {"id": "synthetic", "iri": "urn:synthetic", "title": "Synthetic", "date": None, "href": None}
        ],
        "dates": {"min": dates[0], "max": dates[-1], "all": dates},
    }


def median(values: list[float]) -> float:
    """The middle value (the upper one of the two middles for an even count)."""
    return sorted(values)[len(values) // 2]


def start_app(folder: Path) -> Server:
    """`uvicorn api.main:app` on a free port, its store and log in `folder`, once it answers (it builds first)."""
    port = free_port()
    env = {**os.environ, "KG_DATA_DIR": str(folder / "store")}
    command = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port)]
    return start_server(
        command,
        port=port,
        probe="/api/graph",
        log=folder / "uvicorn.log",
        name="uvicorn",
        env=env,
        cwd=ROOT,
        timeout=300,
    )


# Collects the page's long tasks (> 50 ms of main thread) from the start, for the longest-block figure.
LONG_TASKS_INIT = """window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
}).observe({ type: "longtask", buffered: true });"""

# A drag as a user makes it: mouse down in the middle of the graph, the pointer moving on a circle every animation
# frame, mouse up. Sigma pans the camera from these events exactly as from real ones.
DRAG_SCRIPT = """async (ms) => {
  const sigma = window.kgView.sigma();
  const target = sigma.getMouseCaptor().container;
  const box = target.getBoundingClientRect();
  const cx = box.left + box.width / 2, cy = box.top + box.height / 2;
  const fire = (type, x, y) => target.dispatchEvent(new MouseEvent(type, {
    clientX: x, clientY: y, button: 0, buttons: type === "mouseup" ? 0 : 1, bubbles: true, cancelable: true, view: window,
  }));
  let renders = 0;
  const count = () => { renders += 1; };
  sigma.on("afterRender", count);
  fire("mousedown", cx, cy);
  const start = performance.now();
  let x = cx, y = cy;
  await new Promise((resolve) => {
    const step = (now) => {
      const t = (now - start) / 1000;
      x = cx + 120 * Math.sin(t * 2);
      y = cy + 80 * (Math.cos(t * 2) - 1);
      fire("mousemove", x, y);
      if (now - start < ms) requestAnimationFrame(step); else resolve();
    };
    requestAnimationFrame(step);
  });
  const elapsed = performance.now() - start;
  sigma.off("afterRender", count);
  fire("mouseup", x, y);
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { renders, seconds: elapsed / 1000, fps: renders / (elapsed / 1000) };
}"""

# The camera moved by script every animation frame: sigma does not count that as moving, so every frame is drawn
# with all its edges and labels (the cost of one full frame).
FULL_FRAMES_SCRIPT = """async (ms) => {
  const sigma = window.kgView.sigma();
  const camera = sigma.getCamera();
  let renders = 0;
  const count = () => { renders += 1; };
  sigma.on("afterRender", count);
  const start = performance.now();
  const base = camera.getState();
  await new Promise((resolve) => {
    const step = (now) => {
      const t = (now - start) / 1000;
      camera.setState({ x: base.x + 0.25 * Math.sin(t * 2), y: base.y + 0.25 * Math.cos(t * 2) });
      if (now - start < ms) requestAnimationFrame(step); else resolve();
    };
    requestAnimationFrame(step);
  });
  const elapsed = performance.now() - start;
  sigma.off("afterRender", count);
  camera.setState(base);
  return { renders, seconds: elapsed / 1000, fps: renders / (elapsed / 1000) };
}"""


def measure(url: str, nodes: int, edges: int, pan_ms: int) -> dict[str, Any]:
    """Load the synthetic graph in headless Chromium and measure first render and panning."""
    vocabulary = httpx.get(url + "/api/graph", timeout=60).json()
    for key in ("nodes", "facts"):
        vocabulary.pop(key)
    BENCH_GRAPH.write_text(json.dumps(synthetic_payload(vocabulary, nodes, edges)), encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))

        page.add_init_script(f"window.KG_GRAPH_URL = {json.dumps(GRAPH_URL)}")
        page.add_init_script(LONG_TASKS_INIT)
        load_before = os.getloadavg()[0]
        page.goto(url + "/")
        page.wait_for_function("() => window.kgView && window.kgView.firstPaintAt", timeout=120_000)
        page.wait_for_function("() => window.kgView.ready", timeout=120_000)
        timing = page.evaluate(
            "() => ({ ...window.kgView.timings, loaded: window.kgView.loadedAt,"
            " firstRender: window.kgView.firstRenderAt, firstPaint: window.kgView.firstPaintAt,"
            " nodes: window.kgView.visibleNodes().length, edges: window.kgView.visibleEdges().length,"
            " renderer: (() => { const gl = window.kgView.sigma().webGLContexts.nodes;"
            " const info = gl.getExtension('WEBGL_debug_renderer_info');"
            " return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER); })() })"
        )
        during_layout = page.evaluate(DRAG_SCRIPT, pan_ms)
        page.wait_for_function("() => window.kgView.layoutDone", timeout=120_000)
        settled = page.evaluate("() => window.kgView.layoutDoneAt || null")
        after_layout = page.evaluate(DRAG_SCRIPT, pan_ms)
        full_frames = page.evaluate(FULL_FRAMES_SCRIPT, pan_ms)
        box = page.locator("#graph").bounding_box()
        assert box is not None
        page.evaluate(
            "() => { window.__renders = 0; window.kgView.sigma().on('afterRender', () => window.__renders++); }"
        )
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        start = time.perf_counter()
        page.mouse.move(cx, cy)
        page.mouse.down()
        for i in range(DRAG_MOVES):
            page.mouse.move(cx + 150 * ((i % 10) / 10 - 0.5), cy + 60 * ((i % 5) / 5 - 0.5))
        page.mouse.up()
        drag_seconds = time.perf_counter() - start
        drag_renders = page.evaluate("() => window.__renders")
        long_tasks = page.evaluate("() => window.__longTasks")
        browser.close()
    after_first = [duration for start_ms, duration in long_tasks if start_ms >= timing["firstPaint"]]
    return {
        "nodes": nodes,
        "edges": edges,
        "visible_nodes": timing["nodes"],
        "visible_edges": timing["edges"],
        "data_loaded_ms": round(timing["loaded"]),
        "indexed_ms": round(timing["indexed"]),
        "laid_out_ms": round(timing["laidOut"]),
        "first_frame_issued_ms": round(timing["firstRender"]),
        "first_render_ms": round(timing["firstPaint"]),
        "controls_ready_ms": round(timing["controls"]),
        "layout_settled_ms": round(settled) if settled else None,
        "pan_fps_during_layout": round(during_layout["fps"], 1),
        "pan_fps_after_layout": round(after_layout["fps"], 1),
        "full_frame_fps_after_layout": round(full_frames["fps"], 1),
        "playwright_drag_fps": round(drag_renders / drag_seconds, 1),
        "longest_task_after_first_render_ms": round(max(after_first, default=0)),
        "webgl_renderer": timing["renderer"],
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "console_errors": errors,
    }


def main() -> int:
    """Run the benchmark, print the numbers and write them to bench/results/browser_bench.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server (default: start uvicorn api.main:app)")
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--edges", type=int, default=30_000)
    parser.add_argument("--pan-ms", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    server = None
    workdir = tempfile.TemporaryDirectory(prefix="kg-bench-")
    try:
        url = args.url
        if not url:
            server = start_app(Path(workdir.name))
            url = server.url
        runs = []
        for run in range(args.runs):
            runs.append(measure(url, args.nodes, args.edges, args.pan_ms))
            print(f"run {run + 1}: {json.dumps(runs[-1])}", file=sys.stderr, flush=True)
    finally:
        BENCH_GRAPH.unlink(missing_ok=True)
        if server is not None:
            server.stop()
        workdir.cleanup()
    best = min(runs, key=lambda r: r["first_render_ms"])
    result = {
        "benchmark": "graph browser, synthetic graph in headless Chromium",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "chromium": CHROMIUM},
        # "Interactive", as measured here: a mouse drag pans at 10 frames/s or more (median of the runs), while the
        # layout runs and after it.
        "target": {"first_render_ms": 3000, "pan_fps": 10},
        "load_average_note": "1-minute load average of the machine before and after each run (2 cores shared)",
        "runs": runs,
        "median_first_render_ms": median([r["first_render_ms"] for r in runs]),
        "median_pan_fps_during_layout": median([r["pan_fps_during_layout"] for r in runs]),
        "median_pan_fps_after_layout": median([r["pan_fps_after_layout"] for r in runs]),
        "median_full_frame_fps_after_layout": median([r["full_frame_fps_after_layout"] for r in runs]),
        "median_longest_task_after_first_render_ms": median(
            [r["longest_task_after_first_render_ms"] for r in runs]
        ),
        "best": best,
    }
    met = (
        result["median_first_render_ms"] < 3000
        and result["median_pan_fps_during_layout"] >= 10
        and result["median_pan_fps_after_layout"] >= 10
    )
    result["target_met"] = met
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
