"""Writing query answers in chunks, within a size limit: SPARQL results in JSON, XML, CSV and TSV, and RDF.

An answer of the embedded store is serialised by pyoxigraph itself, in Rust: pulling solutions one by one
into Python takes and releases the GIL for each row, and with several queries at once that contention cost
more CPU than the queries (measured here, two threads pulling 200k rows each: three times the CPU of the same
queries serialised natively). The
output object (`ChunkWriter`) receives about 8 KiB at a time; it checks the deadline and the byte limit
there and can stop the serialisation by raising. Answers pyoxigraph cannot write (a remote store's parsed
rows, Turtle with our prefixes) are written here, row by row, checking between rows.
Formats: https://www.w3.org/TR/sparql11-results-json/, https://www.w3.org/TR/rdf-sparql-XMLres/,
https://www.w3.org/TR/sparql11-results-csv-tsv/.
"""

import csv
import io
import json
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from api.errors import ResultTooLarge
from kg.formats import Format
from kg.store import QueryAnswer
from kg.vocab import PREFIXES, XSD

CHUNK_BYTES = 16 * 1024
CHUNK_SECONDS = 0.5
XSD_STRING = str(XSD.string)
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
TURTLE_PREFIXES = {name: str(namespace) for name, namespace in PREFIXES.items()}
# Written with our prefixes, which pyoxigraph's serialiser of query answers does not take.
PREFIXED_FORMATS = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3)

Emit = Callable[[bytes], None]
Check = Callable[[], None]


class ChunkWriter:
    """Collects text and hands it to `emit` in chunks of about CHUNK_BYTES (or after CHUNK_SECONDS).

    With `max_bytes`, more output raises ResultTooLarge; `check` runs at every write (the deadline).
    """

    def __init__(self, emit: Emit, check: Check | None = None, max_bytes: int | None = None) -> None:
        self.emit = emit
        self.check = check
        self.max_bytes = max_bytes
        self.total = 0
        self.parts: list[bytes] = []
        self.size = 0
        self.since = time.monotonic()

    def write(self, data: bytes | str) -> int:
        chunk = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        if self.check is not None:
            self.check()
        self.total += len(chunk)
        if self.max_bytes is not None and self.total > self.max_bytes:
            raise ResultTooLarge(
                f"the answer is larger than {self.max_bytes:,} bytes, the limit of this server; "
                "add LIMIT (and OFFSET to page) or narrow the query"
            )
        self.parts.append(chunk)
        self.size += len(chunk)
        if self.size >= CHUNK_BYTES or time.monotonic() - self.since >= CHUNK_SECONDS:
            self.flush()
        return len(chunk)

    def flush(self) -> None:
        if self.parts:
            self.emit(b"".join(self.parts))
        self.parts, self.size, self.since = [], 0, time.monotonic()


def write_answer(answer: QueryAnswer, fmt: Format, emit: Emit, check: Check, max_bytes: int) -> None:
    """Write a whole answer in `fmt` through `emit`; `check()` runs between writes and may raise to stop."""
    out = ChunkWriter(emit, check, max_bytes)
    if answer.kind == "boolean":
        out.write(_boolean(answer.boolean, fmt))
    elif answer.kind == "solutions":
        if isinstance(answer.rows, ox.QuerySolutions) and fmt.results is not None:
            answer.rows.serialize(out, format=fmt.results)
        else:
            SOLUTION_WRITERS[fmt.media_type](answer.variables, _checked(answer.rows, check), out)
    elif isinstance(answer.triples, ox.QueryTriples) and fmt.rdf not in PREFIXED_FORMATS:
        answer.triples.serialize(out, format=fmt.rdf)
    else:
        write_triples(answer.triples, fmt, out, check)
    out.flush()


def write_triples(
    triples: Iterable[ox.Triple],
    fmt: Format,
    out: Any,
    check: Check,
    prefixes: dict[str, str] | None = None,
) -> None:
    """Serialise triples in an RDF format through pyoxigraph (prefixes for Turtle-like ones)."""
    assert fmt.rdf is not None
    checked = _checked(triples, check)
    if fmt.rdf not in PREFIXED_FORMATS:
        prefixes = None
    elif prefixes is None:
        prefixes = TURTLE_PREFIXES
    if fmt.holds_datasets:
        checked = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in checked)
    ox.serialize(checked, out, fmt.rdf, prefixes=prefixes)


def write_quads(quads: Iterable[ox.Quad], fmt: Format, out: Any, check: Check) -> None:
    """Serialise quads in N-Quads or TriG through pyoxigraph (no size limit: a dump, not a query)."""
    assert fmt.rdf is not None and fmt.holds_datasets
    ox.serialize(_checked(quads, check), out, fmt.rdf, prefixes=None)


def _checked(items: Iterable[Any], check: Check) -> Iterator[Any]:
    for item in items:
        check()  # cheap (a clock read and a flag), and rows may come seconds apart
        yield item
    check()


def _boolean(value: bool, fmt: Format) -> str:
    text = "true" if value else "false"
    if fmt.results == ox.QueryResultsFormat.JSON:
        return json.dumps({"head": {}, "boolean": value})
    if fmt.results == ox.QueryResultsFormat.XML:
        return (
            f'<?xml version="1.0"?>\n<sparql xmlns="{RESULTS_NS}"><head/><boolean>{text}</boolean></sparql>\n'
        )
    return f"{text}\n"


# ------------------------------------------------------------------------------------------ JSON


def _json_term(term: Any) -> str:
    kind = type(term)
    if kind is ox.NamedNode:
        return '{"type":"uri","value":' + json.dumps(term.value, ensure_ascii=False) + "}"
    if kind is ox.Literal:
        value = '{"type":"literal","value":' + json.dumps(term.value, ensure_ascii=False)
        if term.language:
            return value + ',"xml:lang":' + json.dumps(term.language) + "}"
        datatype = term.datatype.value
        return value + ("}" if datatype == XSD_STRING else ',"datatype":' + json.dumps(datatype) + "}")
    if kind is ox.BlankNode:
        return '{"type":"bnode","value":' + json.dumps(term.value) + "}"
    if kind is ox.Triple:  # RDF 1.2 triple term, as SPARQL 1.2 results JSON writes it
        parts = (("subject", term.subject), ("predicate", term.predicate), ("object", term.object))
        return '{"type":"triple","value":{' + ",".join(f'"{k}":{_json_term(v)}' for k, v in parts) + "}}"
    raise TypeError(f"unexpected term {term!r}")


def _json_solutions(variables: list[str], rows: Iterable[Any], out: ChunkWriter) -> None:
    keys = [json.dumps(v) + ":" for v in variables]
    indexes = range(len(variables))
    out.write('{"head":{"vars":' + json.dumps(variables) + '},"results":{"bindings":[')
    separator = ""
    for row in rows:
        cells = [keys[i] + _json_term(row[i]) for i in indexes if row[i] is not None]
        out.write(separator + "{" + ",".join(cells) + "}")
        separator = ","
    out.write("]}}\n")


# ------------------------------------------------------------------------------------------ XML


def _xml_term(term: Any) -> str:
    kind = type(term)
    if kind is ox.NamedNode:
        return f"<uri>{escape(term.value)}</uri>"
    if kind is ox.Literal:
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return f"<literal>{escape(term.value)}</literal>"
        return f"<literal datatype={quoteattr(datatype)}>{escape(term.value)}</literal>"
    if kind is ox.BlankNode:
        return f"<bnode>{escape(term.value)}</bnode>"
    if kind is ox.Triple:
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
            f"</predicate><object>{_xml_term(term.object)}</object></triple>"
        )
    raise TypeError(f"unexpected term {term!r}")


def _xml_solutions(variables: list[str], rows: Iterable[Any], out: ChunkWriter) -> None:
    names = [quoteattr(v) for v in variables]
    head = "".join(f"<variable name={name}/>" for name in names)
    out.write(f'<?xml version="1.0"?>\n<sparql xmlns="{RESULTS_NS}"><head>{head}</head><results>\n')
    indexes = range(len(variables))
    for row in rows:
        cells = "".join(
            f"<binding name={names[i]}>{_xml_term(row[i])}</binding>" for i in indexes if row[i] is not None
        )
        out.write(f"<result>{cells}</result>\n")
    out.write("</results></sparql>\n")


# ------------------------------------------------------------------------------------------ CSV, TSV


def _csv_value(term: Any) -> str:
    kind = type(term)
    if kind is ox.NamedNode or kind is ox.Literal:
        return term.value
    if kind is ox.BlankNode:
        return f"_:{term.value}"
    return str(term)


def _csv_solutions(variables: list[str], rows: Iterable[Any], out: ChunkWriter) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    indexes = range(len(variables))
    for row in rows:
        writer.writerow(["" if row[i] is None else _csv_value(row[i]) for i in indexes])
        if buffer.tell() >= CHUNK_BYTES:
            out.write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
    out.write(buffer.getvalue())


def _tsv_solutions(variables: list[str], rows: Iterable[Any], out: ChunkWriter) -> None:
    # str() of a pyoxigraph term is its N-Triples form, which is valid Turtle, with tabs and newlines escaped.
    out.write("\t".join(f"?{v}" for v in variables) + "\n")
    indexes = range(len(variables))
    for row in rows:
        out.write("\t".join("" if row[i] is None else str(row[i]) for i in indexes) + "\n")


SOLUTION_WRITERS: dict[str, Callable[[list[str], Iterable[Any], ChunkWriter], None]] = {
    "application/sparql-results+json": _json_solutions,
    "application/sparql-results+xml": _xml_solutions,
    "text/csv": _csv_solutions,
    "text/tab-separated-values": _tsv_solutions,
}
