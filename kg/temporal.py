"""Dates and OWL-Time nodes: `{at: D}`, `{from: D}`, `{until: D}` specs compiled to time:Instant/ProperInterval.

A date is an EDTF level 1 string (ISO 8601-2: `2015~` approximate, `2024-12?` uncertain, `201X` unspecified
digits, `2024-21` a season), parsed by the `edtf` package; `{at: ...}` also takes an EDTF interval
(`2024-12-07/2024-12-08`, overnight). Plain `YYYY-MM-DD` and `YYYY` (which YAML may read as a date or a number)
are the simplest EDTF dates.

Every temporal node carries `kg:edtf` (the EDTF text of what was written) and `kg:fromDate` / `kg:untilDate`
(xsd:date), the earliest day it may start and the latest day it may end (the strict bounds: `2015~` runs from
2015-01-01 to 2015-12-31), so that "valid on a date" is two comparisons whatever the precision. A certain day or
year keeps its `time:inXSDDate` / `time:inXSDgYear`.
"""

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import edtf
from rdflib import Graph, Literal, URIRef

from kg.errors import InputError
from kg.vocab import KG, RDF, RES, TIME, XSD

LINE_KEY = "__line__"
# The EDTF level 0 and 1 forms of a single date the project accepts (level 2 sets, times of day and years
# outside 1..9999 are refused: a time node's bounds are days).
_SINGLE = (edtf.Date, edtf.UncertainOrApproximate, edtf.Unspecified, edtf.Season)
_INTERVALS = (edtf.Interval, edtf.Level1Interval)
_WHAT = "an EDTF level 1 date such as 2024-12-07, 2024-12, 2015, 2015~, 2024-12? or 201X"


def _text(value: Any) -> str:
    """The EDTF text of a YAML value: YAML reads `2024-12-07` as a date and `2015` as a number."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


@lru_cache(maxsize=4096)
def _parse_edtf(text: str) -> Any:
    """The edtf package's parse, once per text: its grammar takes about 20 ms a date, and a build parses the
    same few hundred dates again and again (16 of `kg build`'s 66 profiled seconds over the 44 sources)."""
    return edtf.parse_edtf(text)


def _parse(text: str, what: str, file: Path, line: int | None) -> Any:
    try:
        return _parse_edtf(text)
    except Exception as error:  # the parser raises EDTFParseException, and TypeError on some level 2 forms
        raise InputError(f"{what}: {text!r} is not {_WHAT}", file=str(file), line=line) from error


def _day(struct: Any, text: str, what: str, file: Path, line: int | None) -> dt.date:
    try:
        return edtf.struct_time_to_date(struct)
    except (TypeError, ValueError, OverflowError) as error:
        raise InputError(f"{what}: {text!r} has no bounds in days", file=str(file), line=line) from error


class EdtfDate:
    """One EDTF date (not an interval): its text and its earliest and latest days.

    >>> d = EdtfDate.parse("2015~", "time.from", Path("f"), 1)
    >>> d.text, d.earliest.isoformat(), d.latest.isoformat(), d.plain_datatype() is None
    ('2015~', '2015-01-01', '2015-12-31', True)
    """

    def __init__(self, text: str, earliest: dt.date, latest: dt.date) -> None:
        self.text, self.earliest, self.latest = text, earliest, latest

    @classmethod
    def parse(cls, value: Any, what: str, file: Path, line: int | None) -> "EdtfDate":
        text = _text(value)
        parsed = _parse(text, what, file, line)
        if not isinstance(parsed, _SINGLE):
            raise InputError(f"{what}: {text!r} is not {_WHAT}", file=str(file), line=line)
        return cls.of(parsed, text, what, file, line)

    @classmethod
    def of(cls, parsed: Any, text: str, what: str, file: Path, line: int | None) -> "EdtfDate":
        earliest = _day(parsed.lower_strict(), text, what, file, line)
        return cls(str(parsed), earliest, _day(parsed.upper_strict(), text, what, file, line))

    def plain_datatype(self) -> URIRef | None:
        """xsd:date for a certain day, xsd:gYear for a certain year, None for anything vaguer."""
        if len(self.text) == 10 and self.text[4] == "-" and self.earliest == self.latest:
            return XSD.date
        if len(self.text) == 4 and self.text.isdigit():
            return XSD.gYear
        return None

    def slug(self) -> str:
        """A path segment for the node's IRI (`?` and `%` escaped)."""
        return quote(self.text, safe="-~X")


def parse_date(value: Any, what: str, file: Path, line: int | None) -> Literal:
    """An xsd:date literal from a YAML value written YYYY-MM-DD.

    A source's date, a `said_on` and a retrieval date are days: the as-of rule reads the day a source observes,
    and the shapes require xsd:date. A year alone is refused with a message saying so.

    >>> parse_date("2017-05-04", "x", Path("f"), 1)
    rdflib.term.Literal('2017-05-04', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#date'))
    """
    date = EdtfDate.parse(value, what, file, line)
    if date.plain_datatype() != XSD.date:
        raise InputError(
            f"{what}: {date.text!r} is not a day (YYYY-MM-DD); when the text gives only a year or a month, write "
            "the day it can be dated by and say why in a comment or note",
            file=str(file),
            line=line,
        )
    return Literal(date.text, datatype=XSD.date)


def _day_literal(day: dt.date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD.date)


def add_instant(graph: Graph, date: EdtfDate) -> URIRef:
    node = RES[f"time/{date.slug()}"]
    graph.add((node, RDF.type, TIME.Instant))
    graph.add((node, KG.edtf, Literal(date.text)))
    datatype = date.plain_datatype()
    if datatype is not None:
        prop = TIME.inXSDgYear if datatype == XSD.gYear else TIME.inXSDDate
        graph.add((node, prop, Literal(date.text, datatype=datatype)))
    graph.add((node, KG.fromDate, _day_literal(date.earliest)))
    graph.add((node, KG.untilDate, _day_literal(date.latest)))
    return node


def _interval_ends(
    value: Any, file: Path, line: int | None
) -> tuple[EdtfDate | None, EdtfDate | None] | None:
    """The two ends of an EDTF interval given to `at` (None for an open or unknown end); None if not one."""
    text = _text(value)
    if "/" not in text:
        return None
    parsed = _parse(text, "time.at", file, line)
    if not isinstance(parsed, _INTERVALS):
        raise InputError(f"time.at: {text!r} is not an EDTF level 1 interval", file=str(file), line=line)
    ends = []
    for part, end_text in ((parsed.lower, text.split("/")[0]), (parsed.upper, text.split("/")[1])):
        if isinstance(part, edtf.UnspecifiedIntervalSection):
            ends.append(None)
        elif isinstance(part, _SINGLE):
            ends.append(EdtfDate.of(part, end_text, "time.at", file, line))
        else:
            raise InputError(f"time.at: {text!r} is not an EDTF level 1 interval", file=str(file), line=line)
    return ends[0], ends[1]


def add_time(graph: Graph, spec: Any, file: Path, line: int | None) -> URIRef:
    """The OWL-Time node for `{at: D}`, `{at: A/B}`, `{from: D}`, `{until: D}` or `{from: D, until: D}`."""
    keys = set(spec) - {LINE_KEY} if isinstance(spec, dict) else set()
    if keys == {"at"}:
        ends = _interval_ends(spec["at"], file, line)
        if ends is None:
            return add_instant(graph, EdtfDate.parse(spec["at"], "time.at", file, line))
        start, end = ends
    elif keys and keys <= {"from", "until"}:
        start = EdtfDate.parse(spec["from"], "time.from", file, line) if "from" in keys else None
        end = EdtfDate.parse(spec["until"], "time.until", file, line) if "until" in keys else None
    else:
        raise InputError(
            f"time must be {{at: D}}, {{from: D}}, {{until: D}} or both, got {spec!r}",
            file=str(file),
            line=line,
        )
    if start is None and end is None:
        raise InputError("time: an interval needs a start or an end", file=str(file), line=line)
    if start is not None and end is not None and start.earliest > end.latest:
        raise InputError(f"time.from {start.text} is after time.until {end.text}", file=str(file), line=line)
    return _add_interval(graph, start, end)


def _add_interval(graph: Graph, start: EdtfDate | None, end: EdtfDate | None) -> URIRef:
    node = RES[f"time/{start.slug() if start else 'open'}--{end.slug() if end else 'open'}"]
    graph.add((node, RDF.type, TIME.ProperInterval))
    graph.add((node, KG.edtf, Literal(f"{start.text if start else '..'}/{end.text if end else '..'}")))
    if start is not None:
        graph.add((node, TIME.hasBeginning, add_instant(graph, start)))
        graph.add((node, KG.fromDate, _day_literal(start.earliest)))
    if end is not None:
        graph.add((node, TIME.hasEnd, add_instant(graph, end)))
        graph.add((node, KG.untilDate, _day_literal(end.latest)))
    return node
