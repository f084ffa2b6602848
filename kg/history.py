"""The history of the graph: one PROV activity per build, ingest, amend and retraction, in `graph/history`.

Ingests, amends and retractions are also written, one JSON line each, to `kg/data/history.jsonl` in the
repository (in the same journaled unit as the rest of their files, kg/journal.py), so that `kg build` from
scratch loads every record again. Each activity lists exactly the files it wrote, each by its path and hash on
a node of its own (`<activity>/file/<n>`): two files with the same content are two records, not one.
"""

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from kg import __version__
from kg.errors import InputError
from kg.store import Store
from kg.vocab import DCTERMS, HISTORY_GRAPH, KG, PROV, RDF, RDFS, RES, XSD, sparql_prefixes

SOFTWARE = RES["software/syria-kg"]
HISTORY_FILE = "history.jsonl"  # in the facts folder, kg/data/


@dataclass
class FileRecord:
    """One file an activity wrote: its path in the repository and the SHA-256 of what it wrote."""

    path: str
    sha256: str


@dataclass
class Activity:
    """One ingest, amend, retraction or build, as recorded in the store and in the repository's history file."""

    iri: str
    kind: str
    source_id: str
    when: str  # ISO 8601, UTC, to the second
    software: str = f"syria-kg {__version__}"
    files: list[FileRecord] = field(default_factory=list)
    generated: str | None = None
    invalidated: str | None = None

    @classmethod
    def new(
        cls,
        kind: str,
        source_id: str,
        files: list[FileRecord],
        generated: URIRef | None = None,
        invalidated: URIRef | None = None,
    ) -> "Activity":
        """An activity that happens now; its IRI is unique (a random suffix: two in one second stay two)."""
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        stamp = f"{now.strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(4)}"
        iri = str(RES[f"activity/{kind}-{source_id}-{stamp}"])
        return cls(
            iri,
            kind,
            source_id,
            now.isoformat(),
            files=files,
            generated=str(generated) if generated is not None else None,
            invalidated=str(invalidated) if invalidated is not None else None,
        )

    def graph(self) -> Graph:
        """The PROV record: what, when, from which files, by which version."""
        node = URIRef(self.iri)
        graph = Graph()
        graph.add((node, RDF.type, PROV.Activity))
        graph.add((node, RDFS.label, Literal(f"{self.kind} {self.source_id}", lang="en")))
        graph.add((node, KG.activityKind, Literal(self.kind)))
        graph.add((node, PROV.endedAtTime, Literal(self.when, datatype=XSD.dateTime)))
        graph.add((node, PROV.wasAssociatedWith, SOFTWARE))
        graph.add((SOFTWARE, RDF.type, PROV.SoftwareAgent))
        graph.add((SOFTWARE, RDFS.label, Literal(self.software, lang="en")))
        for number, file in enumerate(self.files, start=1):
            file_node = URIRef(f"{self.iri}/file/{number}")
            graph.add((node, PROV.used, file_node))
            graph.add((file_node, RDF.type, PROV.Entity))
            graph.add((file_node, DCTERMS.identifier, Literal(file.path)))
            graph.add((file_node, KG.sha256, Literal(file.sha256)))
        if self.generated is not None:
            graph.add((node, PROV.generated, URIRef(self.generated)))
        if self.invalidated is not None:
            graph.add((node, PROV.invalidated, URIRef(self.invalidated)))
        return graph

    def line(self) -> str:
        """The activity as one line of the history file."""
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True) + "\n"

    @classmethod
    def from_line(cls, line: str, where: str) -> "Activity":
        try:
            record = json.loads(line)
            record["files"] = [FileRecord(**file) for file in record.get("files", [])]
            return cls(**record)
        except (ValueError, TypeError) as error:
            raise InputError(f"not a history record ({error})", file=where) from error


def file_record(path: str, content: bytes) -> FileRecord:
    return FileRecord(path, hashlib.sha256(content).hexdigest())


def record_activity(
    kind: str,
    source_id: str,
    files: list[Path],
    generated: URIRef | None = None,
    invalidated: URIRef | None = None,
) -> Graph:
    """The PROV record of an activity that read `files` (by name and content), for a build."""
    records = [file_record(path.name, path.read_bytes()) for path in files]
    return Activity.new(kind, source_id, records, generated, invalidated).graph()


def history_file_graph(history_file: Path) -> Graph:
    """Every activity of the repository's history file, as PROV records (empty when there is no file)."""
    graph = Graph()
    if not history_file.is_file():
        return graph
    lines = history_file.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if line.strip():
            graph += Activity.from_line(line, f"{history_file.name}:{number}").graph()
    return graph


def history(store: Store) -> list[dict[str, object]]:
    """Every recorded ingest, amend, retraction and build, oldest first, with the files each wrote."""
    query = f"""{sparql_prefixes("prov", "kg")}
    SELECT ?a ?when ?kind ?label ?file ?sha WHERE {{
      GRAPH <{HISTORY_GRAPH}> {{
        ?a a prov:Activity ; prov:endedAtTime ?when ; kg:activityKind ?kind ; <{RDFS.label}> ?label .
        OPTIONAL {{ ?a prov:used ?f . ?f <{DCTERMS.identifier}> ?file OPTIONAL {{ ?f kg:sha256 ?sha }} }}
      }}
    }} ORDER BY ?when ?label ?a ?file"""
    rows: dict[str, dict[str, object]] = {}
    for row in store.select(query):
        activity = row["a"]["value"]
        entry = rows.setdefault(
            activity,
            {
                "activity": activity,
                "when": row["when"]["value"],
                "kind": row["kind"]["value"],
                "label": row["label"]["value"],
                "files": [],
            },
        )
        if "file" in row:
            files = entry["files"]
            assert isinstance(files, list)
            files.append({"path": row["file"]["value"], "sha256": row.get("sha", {}).get("value", "")})
    return list(rows.values())
