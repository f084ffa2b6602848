"""docs/coverage.md and the blocs section of docs/analytics.md are what the graph gives (`kg coverage --write`),
and `kg sample` draws the same statements for the same seed.

A source, a statement or an entity added without rerunning `kg coverage --write` fails here.
"""

import shutil
from pathlib import Path

from helpers import invoke

from kg.coverage import (
    BLOCS_BEGIN,
    BLOCS_END,
    NO_RELATION,
    blocs_markdown,
    coverage_markdown,
    read_graph,
    sample,
    with_blocs_section,
)
from kg.store import Store

GENERATED = ("docs/coverage.md", "docs/analytics.md")


def test_coverage_doc_is_what_the_generator_writes(store: Store, project_dir: Path) -> None:
    committed = (project_dir / "docs/coverage.md").read_text(encoding="utf-8")
    assert committed == coverage_markdown(store), (
        "docs/coverage.md is stale: run `kg build && kg coverage --write`"
    )


def test_analytics_blocs_section_is_what_the_generator_writes(store: Store, project_dir: Path) -> None:
    committed = (project_dir / "docs/analytics.md").read_text(encoding="utf-8")
    assert committed.rstrip("\n").endswith(BLOCS_END), "the generated section stays at the end of the page"
    assert committed == with_blocs_section(committed, blocs_markdown(store)), (
        "docs/analytics.md's blocs section is stale: run `kg build && kg coverage --write`"
    )


def test_every_pair_of_core_actors_has_a_row(store: Store, project_dir: Path) -> None:
    doc = coverage_markdown(store)
    table = doc.split("## The 28 pairs", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and " — " in line]
    assert len(rows) == 28
    assert all(row.rstrip(" |").endswith(" 0") == (NO_RELATION in row) for row in rows)
    russia_regime = next(row for row in rows if row.startswith("| Assad regime and its side — Russia |"))
    assert "*allied with*" in russia_regime and "from 2024-12-07" in russia_regime


def test_the_sample_depends_on_the_seed_only(store: Store) -> None:
    graph = read_graph(store)
    first, again, other = (
        sample(graph, 10, seed=1),
        sample(read_graph(store), 10, seed=1),
        sample(graph, 10, seed=2),
    )
    assert [st.iri for st in first] == [st.iri for st in again]
    assert [st.iri for st in first] != [st.iri for st in other]
    assert all(st.quotes and st.speakers and st.holds_from for st in first)


def test_the_blocs_section_is_replaced_in_place_and_appended_when_absent() -> None:
    page = "# Analytics\n\nText of another engineer.\n"
    once = with_blocs_section(page, "## Blocs\n\nold\n")
    assert once.startswith(page) and once.endswith(f"{BLOCS_BEGIN}\n## Blocs\n\nold\n{BLOCS_END}\n")
    twice = with_blocs_section(once, "## Blocs\n\nnew\n")
    assert twice == once.replace("old", "new")


def test_coverage_check_and_write_and_the_sample_command(project: Path, project_dir: Path) -> None:
    """One built project copy for the commands: `--check` finds a stale page, `--write` repairs it, and
    `kg sample` prints the same statements for the same seed."""
    for name in GENERATED:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(project_dir / name, project / name)
    assert invoke("coverage", "--check")[0] == 0
    stale = project / "docs/coverage.md"
    stale.write_text(stale.read_text(encoding="utf-8") + "A line written by hand.\n", encoding="utf-8")
    code, output = invoke("coverage", "--check")
    assert code == 1 and "docs/coverage.md differs" in output
    assert invoke("coverage", "--write")[0] == 0
    assert stale.read_text(encoding="utf-8") == (project_dir / "docs/coverage.md").read_text(encoding="utf-8")

    first, again = (
        invoke("sample", "--size", "5", "--seed", "3"),
        invoke("sample", "--size", "5", "--seed", "3"),
    )
    assert first == again and first[0] == 0
    assert first[1].startswith("5 of ") and first[1].count("   - quote: “") >= 5
    code, output = invoke("sample", "--size", "0")
    assert code == 2 and "--size" in output
