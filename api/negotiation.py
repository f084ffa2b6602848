"""Content negotiation: ONE table of media types, Accept parsing with q-values, and `format=` aliases.

SELECT and ASK answers are SPARQL results (JSON, XML, CSV, TSV); CONSTRUCT and DESCRIBE answers, the service
description and Graph Store documents are RDF (Turtle, N-Triples, RDF/XML, JSON-LD, N-Quads, TriG, N3).
The same table says which request bodies the Graph Store reads.
(https://www.w3.org/TR/sparql11-protocol/#query-success, RFC 9110 section 12.5.1 for Accept.)
"""

from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

from api.errors import NotAcceptable, UnsupportedMediaType

Kind = Literal["results", "graph"]


@dataclass(frozen=True)
class Format:
    """A format the server writes: its media type, the aliases `format=` takes, and the pyoxigraph format."""

    media_type: str
    kind: Kind
    aliases: tuple[str, ...]
    also_accepts: tuple[str, ...] = ()
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None

    @property
    def content_type(self) -> str:
        """The Content-Type header value (every format here is UTF-8)."""
        text_like = self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml"))
        return f"{self.media_type}; charset=utf-8" if text_like else self.media_type

    @property
    def holds_datasets(self) -> bool:
        """True for formats that carry named graphs (N-Quads, TriG)."""
        return self.rdf is not None and self.rdf.supports_datasets


# The first format of a kind is the default when the client accepts anything.
FORMATS: tuple[Format, ...] = (
    Format(
        "application/sparql-results+json",
        "results",
        ("json", "srj"),
        ("application/json",),
        results=ox.QueryResultsFormat.JSON,
    ),
    Format(
        "application/sparql-results+xml",
        "results",
        ("xml", "srx"),
        ("application/xml", "text/xml"),
        results=ox.QueryResultsFormat.XML,
    ),
    Format("text/csv", "results", ("csv",), results=ox.QueryResultsFormat.CSV),
    Format("text/tab-separated-values", "results", ("tsv",), results=ox.QueryResultsFormat.TSV),
    Format("text/turtle", "graph", ("turtle", "ttl"), ("application/x-turtle",), rdf=ox.RdfFormat.TURTLE),
    Format("application/n-triples", "graph", ("ntriples", "nt"), rdf=ox.RdfFormat.N_TRIPLES),
    Format("application/n-quads", "graph", ("nquads", "nq"), ("text/x-nquads",), rdf=ox.RdfFormat.N_QUADS),
    Format("application/trig", "graph", ("trig",), rdf=ox.RdfFormat.TRIG),
    # application/xml is not offered for RDF/XML: browsers send it with q=0.9, and Turtle reads better there.
    Format("application/rdf+xml", "graph", ("rdfxml", "rdf", "xml"), rdf=ox.RdfFormat.RDF_XML),
    Format(
        "application/ld+json", "graph", ("jsonld", "json"), ("application/json",), rdf=ox.RdfFormat.JSON_LD
    ),
    Format("text/n3", "graph", ("n3",), rdf=ox.RdfFormat.N3),
)


def media_types(kind: Kind) -> list[str]:
    """The media types the server writes for a kind of answer, in order of preference."""
    return [f.media_type for f in FORMATS if f.kind == kind]


def parse_media_type(header: str | None) -> tuple[str, dict[str, str]]:
    """A Content-Type header as (lower-case type/subtype, parameters).

    >>> parse_media_type('application/sparql-query; charset="UTF-8"')
    ('application/sparql-query', {'charset': 'UTF-8'})
    """
    if not header:
        return "", {}
    essence, *rest = header.split(";")
    params = {}
    for part in rest:
        name, _, value = part.partition("=")
        if name.strip():
            params[name.strip().lower()] = value.strip().strip('"')
    return essence.strip().lower(), params


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their q-values (1.0 when absent; malformed q counts as 0).

    >>> parse_accept("text/turtle;q=0.5, application/*, */*;q=0")
    [('text/turtle', 0.5), ('application/*', 1.0), ('*/*', 0.0)]
    """
    ranges = []
    for item in (header or "").split(","):
        media_range, params = parse_media_type(item)
        if not media_range:
            continue
        try:
            quality = float(params.get("q", "1"))
        except ValueError:
            quality = 0.0
        ranges.append((media_range, min(max(quality, 0.0), 1.0)))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The q-value the most specific matching range gives `media_type` (0 when none matches)."""
    main = media_type.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for media_range, quality in ranges:
        if media_range == media_type:
            specificity = 2
        elif media_range == f"{main}/*":
            specificity = 1
        elif media_range in ("*/*", "*"):
            specificity = 0
        else:
            continue
        if specificity > best[0]:
            best = (specificity, quality)
    return best[1]


def choose(
    kind: Kind, accept: str | None, format_param: str | None = None, *, datasets_only: bool = False
) -> Format:
    """The format to answer with: `format=` (alias or media type) wins, else the Accept header.

    `datasets_only` keeps the formats that carry named graphs (a whole-store dump).

    >>> choose("results", "text/csv;q=0.5, application/sparql-results+xml").media_type
    'application/sparql-results+xml'
    >>> choose("graph", None, "jsonld").media_type
    'application/ld+json'
    >>> choose("results", "*/*").media_type
    'application/sparql-results+json'
    """
    candidates = [f for f in FORMATS if f.kind == kind and (f.holds_datasets or not datasets_only)]
    if format_param:
        wanted = format_param.strip().lower()
        for candidate in candidates:
            if wanted in candidate.aliases or wanted in (candidate.media_type, *candidate.also_accepts):
                return candidate
        raise NotAcceptable(
            f"format={format_param} cannot carry this answer; use one of: "
            + ", ".join(f"{f.aliases[0]} ({f.media_type})" for f in candidates)
        )
    ranges = parse_accept(accept)
    if not ranges:
        return candidates[0]
    best: tuple[float, Format | None] = (0.0, None)
    for candidate in candidates:
        # Aliases (application/json for SPARQL JSON...) count when named exactly, never through a wildcard.
        aliases = [q for m in candidate.also_accepts for r, q in ranges if r == m]
        quality = max([_quality(candidate.media_type, ranges), *aliases])
        if quality > best[0]:
            best = (quality, candidate)
    if best[1] is None:
        raise NotAcceptable(
            f"none of the accepted media types ({accept}) can carry this answer; available: "
            + ", ".join(f.media_type for f in candidates)
        )
    return best[1]


def body_format(content_type: str | None) -> ox.RdfFormat:
    """The RDF format of a request body, from its Content-Type (415 when the server cannot read it)."""
    media_type, params = parse_media_type(content_type)
    charset = params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8", "us-ascii"):
        raise UnsupportedMediaType(f"RDF bodies must be UTF-8, not {params['charset']}")
    for candidate in FORMATS:
        if candidate.rdf is not None and media_type in (candidate.media_type, *candidate.also_accepts):
            return candidate.rdf
    raise UnsupportedMediaType(
        f"cannot read a body of type '{media_type or 'none'}'; send one of: "
        + ", ".join(m for m in media_types("graph"))
    )
