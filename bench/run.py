"""Run every benchmark of bench/ in turn (what `make bench` calls).

Each `*_bench.py` script runs in its own process, from the repository root, with this interpreter; a failing
script does not stop the others, and the exit status is 1 if any failed. Each script writes its own results
under `bench/results/` (see bench/README.md).

    python bench/run.py                       # everything, full size (about an hour)
    python bench/run.py --only endpoint       # one or more scripts, by name without `_bench.py`
    python bench/run.py --quick               # small sizes, results in the temporary folder, not bench/results/
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
QUICK_DIR = Path(tempfile.gettempdir()) / "kg-bench-quick"

# Options each script takes for a quick look; its outputs then go to QUICK_DIR, not bench/results/.
QUICK_OPTIONS = {
    "asof": ["--triples", "100000", "--runs", "1", "--out"],
    "build": ["--runs", "1", "--out"],
    "endpoint": ["--quick", "--out"],
    "ingest": ["--triples", "100000", "--full-runs", "1", "--incremental-runs", "3", "--out"],
    "browser": ["--nodes", "2000", "--edges", "6000", "--runs", "1", "--output"],
    "text_search": ["--quick", "--out"],
}
QUICK_OUTPUTS = {
    "asof": "asof.md",
    "build": "build",
    "endpoint": "endpoint.md",
    "ingest": "ingest-validation.md",
    "browser": "browser_bench.json",
    "text_search": "text-search.md",
}


def scripts() -> dict[str, Path]:
    """The benchmark scripts, by name (`endpoint` for endpoint_bench.py), in alphabetical order."""
    return {path.stem.removesuffix("_bench"): path for path in sorted(BENCH.glob("*_bench.py"))}


def command(name: str, path: Path, quick: bool) -> list[str]:
    argv = [sys.executable, str(path)]
    if quick:
        argv += QUICK_OPTIONS.get(name, [])
        if name in QUICK_OUTPUTS:
            argv.append(str(QUICK_DIR / QUICK_OUTPUTS[name]))
    return argv


def main() -> int:
    available = scripts()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=sorted(available), help="Run only these scripts.")
    parser.add_argument("--quick", action="store_true", help="Small sizes; results in the temporary folder.")
    args = parser.parse_args()
    QUICK_DIR.mkdir(parents=True, exist_ok=True)
    outcomes: list[tuple[str, int, float]] = []
    for name, path in available.items():
        if args.only and name not in args.only:
            continue
        argv = command(name, path, args.quick)
        print(f"==> {' '.join(argv[1:])}", flush=True)
        started = time.perf_counter()
        code = subprocess.call(argv, cwd=ROOT)
        outcomes.append((name, code, time.perf_counter() - started))
    print("\nbenchmark         status   minutes")
    for name, code, seconds in outcomes:
        print(f"{name:<17} {'ok' if code == 0 else f'exit {code}':<8} {seconds / 60:7.1f}")
    return 1 if any(code for _, code, _ in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
