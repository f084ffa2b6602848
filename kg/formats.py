"""Every format the project writes or reads, in one table: its name, media type, file suffixes and engine format.

`kg query --format`, `kg export --format`, the stores and the HTTP service (`/sparql`, `/store`, `/id/...`,
error bodies) all look formats up here; `api/negotiation.py` chooses among them by the Accept header.

Kinds: `results` answer SELECT and ASK (https://www.w3.org/TR/sparql11-results-json/ and the XML, CSV and TSV
ones); `graph` formats carry RDF (one graph, or a dataset for N-Quads and TriG); `page` is the HTML page of an
IRI; `message` formats carry an error or a report.

>>> named("graph", "ttl").media_type, named("results", "text/csv").name
('text/turtle', 'csv')
>>> named("results", "turtle") is None
True
"""

from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

Kind = Literal["results", "graph", "page", "message"]


@dataclass(frozen=True, eq=False)  # each format is one object of the table: compared and hashed by identity
class Format:
    """One format: the names `--format` and `format=` take, its media types, suffixes and pyoxigraph format."""

    name: str
    media_type: str
    kind: Kind
    label: str
    aliases: tuple[str, ...] = ()  # other names for it
    also_accepts: tuple[str, ...] = ()  # other media types that name it when given exactly
    suffixes: tuple[str, ...] = ()  # file suffixes without the dot, the usual one first
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None
    w3c: str | None = None  # its name under http://www.w3.org/ns/formats/

    @property
    def content_type(self) -> str:
        """The Content-Type header value (every format here is UTF-8)."""
        text_like = self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml"))
        return f"{self.media_type}; charset=utf-8" if text_like else self.media_type

    @property
    def holds_datasets(self) -> bool:
        """True for formats that carry named graphs (N-Quads, TriG)."""
        return self.rdf is not None and self.rdf.supports_datasets

    @property
    def suffix(self) -> str | None:
        """The usual file suffix, without the dot."""
        return self.suffixes[0] if self.suffixes else None

    def has_media_type(self, media_type: str) -> bool:
        """True when `media_type` (lower case, no parameters) names this format."""
        return media_type == self.media_type or media_type in self.also_accepts

    def is_named(self, value: str) -> bool:
        """True when `value` is one of its names or media types (as `--format` and `format=` take them)."""
        wanted = value.strip().lower()
        return wanted in (self.name, *self.aliases) or self.has_media_type(wanted)


RESULTS = ox.QueryResultsFormat
# In order of preference within a kind: the first is the default when any format will do.
RESULTS_JSON = Format(
    "json",
    "application/sparql-results+json",
    "results",
    "SPARQL JSON",
    ("srj",),
    ("application/json",),
    ("srj",),
    results=RESULTS.JSON,
    w3c="SPARQL_Results_JSON",
)
RESULTS_XML = Format(
    "xml",
    "application/sparql-results+xml",
    "results",
    "SPARQL XML",
    ("srx",),
    ("application/xml", "text/xml"),
    ("srx",),
    results=RESULTS.XML,
    w3c="SPARQL_Results_XML",
)
RESULTS_CSV = Format(
    "csv", "text/csv", "results", "CSV", suffixes=("csv",), results=RESULTS.CSV, w3c="SPARQL_Results_CSV"
)
RESULTS_TSV = Format(
    "tsv",
    "text/tab-separated-values",
    "results",
    "TSV",
    suffixes=("tsv",),
    results=RESULTS.TSV,
    w3c="SPARQL_Results_TSV",
)
TURTLE = Format(
    "turtle",
    "text/turtle",
    "graph",
    "Turtle",
    ("ttl",),
    ("application/x-turtle",),
    ("ttl",),
    rdf=ox.RdfFormat.TURTLE,
    w3c="Turtle",
)
N_TRIPLES = Format(
    "ntriples",
    "application/n-triples",
    "graph",
    "N-Triples",
    ("nt",),
    suffixes=("nt",),
    rdf=ox.RdfFormat.N_TRIPLES,
    w3c="N-Triples",
)
N_QUADS = Format(
    "nquads",
    "application/n-quads",
    "graph",
    "N-Quads",
    ("nq",),
    ("text/x-nquads",),
    ("nq",),
    rdf=ox.RdfFormat.N_QUADS,
    w3c="N-Quads",
)
TRIG = Format(
    "trig", "application/trig", "graph", "TriG", suffixes=("trig",), rdf=ox.RdfFormat.TRIG, w3c="TriG"
)
# application/xml is not a name of RDF/XML: browsers send it with q=0.9, and Turtle reads better there.
RDF_XML = Format(
    "rdfxml",
    "application/rdf+xml",
    "graph",
    "RDF/XML",
    ("rdf", "xml"),
    suffixes=("rdf", "owl", "xml"),
    rdf=ox.RdfFormat.RDF_XML,
    w3c="RDF_XML",
)
JSON_LD = Format(
    "jsonld",
    "application/ld+json",
    "graph",
    "JSON-LD",
    ("json",),
    ("application/json",),
    ("jsonld",),
    rdf=ox.RdfFormat.JSON_LD,
    w3c="JSON-LD",
)
N3 = Format("n3", "text/n3", "graph", "N3", suffixes=("n3",), rdf=ox.RdfFormat.N3, w3c="N3")
HTML = Format(
    "html", "text/html", "page", "HTML", also_accepts=("application/xhtml+xml",), suffixes=("html",)
)
MESSAGE_JSON = Format("json", "application/json", "message", "JSON")
# A browser asking for a page gets an error as plain text.
MESSAGE_TEXT = Format("text", "text/plain", "message", "plain text", also_accepts=("text/html",))

FORMATS: tuple[Format, ...] = (
    RESULTS_JSON,
    RESULTS_XML,
    RESULTS_CSV,
    RESULTS_TSV,
    TURTLE,
    N_TRIPLES,
    N_QUADS,
    TRIG,
    RDF_XML,
    JSON_LD,
    N3,
    HTML,
    MESSAGE_JSON,
    MESSAGE_TEXT,
)


def formats(kind: Kind) -> tuple[Format, ...]:
    """The formats of a kind, in order of preference."""
    return tuple(f for f in FORMATS if f.kind == kind)


def names(kind: Kind) -> list[str]:
    """The names of the formats of a kind, as `--format` lists them.

    >>> names("results")
    ['json', 'xml', 'csv', 'tsv']
    """
    return [f.name for f in formats(kind)]


def named(kind: Kind, value: str) -> Format | None:
    """The format of a kind that `value` names (a name, alias or media type); None when none does."""
    return next((f for f in formats(kind) if f.is_named(value)), None)


def by_media_type(media_type: str, kind: Kind) -> Format | None:
    """The format of a kind with this media type (lower case, no parameters); None when none has it.

    >>> by_media_type("application/json", "graph").name
    'jsonld'
    """
    return next((f for f in formats(kind) if f.has_media_type(media_type)), None)
