"""The competency queries of `queries/` (`# cq:` question and SPARQL), the query page's examples."""

import re

from kg.settings import Settings


def competency_queries(settings: Settings) -> list[dict[str, str]]:
    """Every `queries/*.rq` with its `# cq:` question, for the query page's examples."""
    found = []
    for path in sorted(settings.queries_dir.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        match = re.search(r"^#\s*cq:\s*(.+)$", text, re.MULTILINE)
        found.append(
            {"name": path.stem, "question": match.group(1).strip() if match else path.stem, "query": text}
        )
    return found
