"""Dates and OWL-Time nodes: `{at: D}`, `{from: D}`, `{until: D}` specs compiled to time:Instant/ProperInterval.

Every temporal node also gets `kg:fromDate` / `kg:untilDate` (xsd:date), the earliest day it may start and the
latest day it may end, so that "valid on a date" is two comparisons whatever the precision (day or year).
"""

import datetime as dt
import re
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from kg.errors import InputError
from kg.vocab import KG, RDF, RES, TIME, XSD

LINE_KEY = "__line__"


def parse_date(value: Any, what: str, file: Path, line: int | None) -> Literal:
    """A typed date literal from a YAML value: YYYY-MM-DD → xsd:date, YYYY → xsd:gYear.

    >>> parse_date("2017", "x", Path("f"), 1)
    rdflib.term.Literal('2017', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYear'))
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    text = str(value)
    if re.fullmatch(r"\d{4}", text):
        return Literal(text, datatype=XSD.gYear)
    try:
        return Literal(dt.date.fromisoformat(text).isoformat(), datatype=XSD.date)
    except ValueError as error:
        raise InputError(
            f"{what}: {value!r} is not a date (YYYY-MM-DD or YYYY)", file=str(file), line=line
        ) from error


def date_bounds(literal: Literal) -> tuple[str, str]:
    """Earliest and latest day a date or year literal may mean.

    >>> date_bounds(Literal("2017", datatype=XSD.gYear))
    ('2017-01-01', '2017-12-31')
    """
    text = str(literal)
    if literal.datatype == XSD.gYear:
        return f"{text}-01-01", f"{text}-12-31"
    return text, text


def add_instant(graph: Graph, literal: Literal) -> URIRef:
    node = RES[f"time/{literal}"]
    graph.add((node, RDF.type, TIME.Instant))
    graph.add((node, TIME.inXSDgYear if literal.datatype == XSD.gYear else TIME.inXSDDate, literal))
    earliest, latest = date_bounds(literal)
    graph.add((node, KG.fromDate, Literal(earliest, datatype=XSD.date)))
    graph.add((node, KG.untilDate, Literal(latest, datatype=XSD.date)))
    return node


def add_time(graph: Graph, spec: Any, file: Path, line: int | None) -> URIRef:
    """The OWL-Time node for `{at: D}`, `{from: D}`, `{until: D}` or `{from: D, until: D}`."""
    keys = set(spec) - {LINE_KEY} if isinstance(spec, dict) else set()
    if keys == {"at"}:
        return add_instant(graph, parse_date(spec["at"], "time.at", file, line))
    if not keys or not keys <= {"from", "until"}:
        raise InputError(
            f"time must be {{at: D}}, {{from: D}}, {{until: D}} or both, got {spec!r}",
            file=str(file),
            line=line,
        )
    start = parse_date(spec["from"], "time.from", file, line) if "from" in keys else None
    end = parse_date(spec["until"], "time.until", file, line) if "until" in keys else None
    if start is not None and end is not None and date_bounds(start)[0] > date_bounds(end)[1]:
        raise InputError(f"time.from {start} is after time.until {end}", file=str(file), line=line)
    node = RES[f"time/{start or 'open'}--{end or 'open'}"]
    graph.add((node, RDF.type, TIME.ProperInterval))
    if start is not None:
        graph.add((node, TIME.hasBeginning, add_instant(graph, start)))
        graph.add((node, KG.fromDate, Literal(date_bounds(start)[0], datatype=XSD.date)))
    if end is not None:
        graph.add((node, TIME.hasEnd, add_instant(graph, end)))
        graph.add((node, KG.untilDate, Literal(date_bounds(end)[1], datatype=XSD.date)))
    return node
