"""The `review: unreviewed` marker: items a tool proposed (`kg mentions --draft`) that no analyst has checked yet.

A draft's proposed entities and statements carry `review: unreviewed`. The compiler refuses a facts file while any
item still has a `review:` key (so `kg ingest`, `kg build` and `kg validate` refuse it), naming the file, the
line and the id of every such item: the analyst checks each one, fixes or deletes it, then deletes the marker line.
"""

from typing import Any

from kg.errors import InputError
from kg.temporal import LINE_KEY

REVIEW_KEY = "review"
UNREVIEWED = "unreviewed"
#: The marker line a draft writes, with its instruction.
MARKER = f"{REVIEW_KEY}: {UNREVIEWED}   # proposed by kg mentions: check this item, then delete this line"
SECTIONS = {"entities": "entity", "statements": "statement", "events": "event", "quantities": "quantity"}


def unreviewed_items(doc: Any) -> list[tuple[str, str, int | None]]:
    """(section, id, line) of every item of a facts document that still carries a `review:` key."""
    if not isinstance(doc, dict):
        return []
    found = []
    for section, kind in SECTIONS.items():
        items = doc.get(section)
        if isinstance(items, dict):
            pairs = [(key, value) for key, value in items.items() if key != LINE_KEY]
        elif isinstance(items, list):
            pairs = [(entry.get("id"), entry) for entry in items if isinstance(entry, dict)]
        else:
            continue
        for item_id, body in pairs:
            if isinstance(body, dict) and REVIEW_KEY in body:
                found.append((kind, str(item_id), body.get(LINE_KEY)))
    return found


def refuse_unreviewed(doc: Any, file: str) -> None:
    """Raise an InputError listing every item of `doc` still marked for review (file, line and id of each)."""
    items = unreviewed_items(doc)
    if not items:
        return
    listed = "\n".join(f"  {file}:{line}: {kind} '{item_id}'" for kind, item_id, line in items)
    raise InputError(
        f"{len(items)} item(s) still marked '{REVIEW_KEY}: {UNREVIEWED}' (proposed by kg mentions):\n{listed}\n"
        f"Review each one (fill or fix it, or delete the item), then delete its '{REVIEW_KEY}:' line.",
        file=file,
        line=items[0][2],
    )
