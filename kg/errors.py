"""One small error hierarchy, mapped to CLI exit codes and HTTP status codes here and only here."""

import re

MAX_DETAIL_CHARS = 240


class KGError(Exception):
    """Base of every error the project reports to a person."""

    exit_code = 2
    http_status = 400


class InputError(KGError):
    """A file or request the project cannot read: bad syntax, unknown id, quote not in its source."""

    def __init__(
        self, message: str, *, file: str | None = None, line: int | None = None, item: str | None = None
    ) -> None:
        where = f"{file}:{line}: " if file and line else f"{file}: " if file else ""
        named = f"'{item}': " if item and f"'{item}'" not in message else ""
        super().__init__(f"{where}{named}{message}")
        self.message, self.file, self.line, self.item = message, file, line, item

    def about(self, item: str | None) -> "InputError":
        """The same problem, naming the item (an entry's id) it was found in, unless it already does."""
        if not item or self.item or f"'{item}'" in self.message:
            return self
        return InputError(self.message, file=self.file, line=self.line, item=item)


class InputErrors(InputError):
    """Every problem of a run at once, each with its file, line and item, in file and line order."""

    def __init__(self, problems: list[InputError]) -> None:
        unique = list({str(problem): problem for problem in problems}.values())
        unique.sort(key=lambda problem: (problem.file or "", problem.line or 0))
        self.problems = unique
        if len(unique) == 1:
            super().__init__(unique[0].message, file=unique[0].file, line=unique[0].line, item=unique[0].item)
            return
        KGError.__init__(self, f"{len(unique)} problems:\n" + "\n".join(f"  {problem}" for problem in unique))
        first = unique[0]
        self.message, self.file, self.line, self.item = str(self), first.file, first.line, None


class NotInGraph(KGError):
    """An id or IRI asked for that the graph holds nothing about (no such statement, entity, ...)."""

    http_status = 404


class QueryError(KGError):
    """A SPARQL query or update that cannot be parsed or is refused before it runs."""


class ValidationFailed(KGError):
    """Data that breaks a SHACL shape; carries the report."""

    exit_code = 1
    http_status = 422

    def __init__(self, text: str, turtle: str) -> None:
        super().__init__(text)
        self.text = text
        self.turtle = turtle


class Inconsistent(KGError):
    """An ontology and data that HermiT finds inconsistent, or with classes that can have no member."""

    exit_code = 1
    http_status = 422


class ReasonerUnavailable(KGError):
    """The OWL reasoner cannot run (no Java, or Java failed)."""


class QueryTimeout(KGError):
    """A query that ran past the time limit and was stopped."""

    http_status = 503


class StoreUnavailable(KGError):
    """The remote store could not be reached or answered with an error."""

    http_status = 502


# Oxigraph's parser lists, among the tokens it expected, a few plain-language reasons; they say more than the list.
_REASONS = {
    "Prefix not found": "undeclared prefix",
    "IRI parsing failed": "invalid IRI",
    "The SELECT contains a variable that is unbound": "a selected variable is neither grouped nor aggregated",
}
MAX_EXPECTED = 12
_ALTERNATIVE = re.compile(r'"(?:[^"\\]|\\.)*"|[^,]+')  # a quoted token (which may be a comma) or a bare one
_QUERY_FORMS = {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}


def sparql_syntax_message(error: SyntaxError | str, query: str = "") -> str:
    """Oxigraph's parser message, phrased for a person: line, column, what went wrong, what was expected.

    Character classes are dropped from the list of expected tokens; an undeclared prefix is named, with the
    prefixes the project declares; the query's line is shown with a caret under the column.

    >>> sparql_syntax_message(SyntaxError("error at 1:25: expected one of lateral, service"))
    'SPARQL syntax error at line 1, column 25: expected one of lateral, service'
    >>> print(sparql_syntax_message("error at 1:14: expected one of Prefix not found, [_]", "ASK { ?s kg:x ?o }"))
    SPARQL syntax error at line 1, column 10: undeclared prefix 'kg:'; declare it, e.g. PREFIX kg: <https://w3id.org/syria-kg/ontology#> (this project's prefixes: kg, rt, res, oa, geo, prov, time, org, skos, dcterms, foaf, owl, rdf, rdfs, xsd)
      ASK { ?s kg:x ?o }
               ^
    """
    text = str(error)
    match = re.match(r"error at (\d+):(\d+): (.*)", text, re.DOTALL)
    if not match:
        return f"SPARQL syntax error: {text}"
    line, column = int(match.group(1)), int(match.group(2))
    detail = _explain(match.group(3), _line_of(query, line), column)
    undeclared = _first_undeclared_prefix(query)
    if undeclared:  # the parser does not always say so (`kg:x` gives "expected OPTIONAL")
        prefix, line, column = undeclared
        detail = _prefix_advice(prefix)
    where = f"SPARQL syntax error at line {line}, column {column}: {detail}"
    source_line = _line_of(query, line)
    if not source_line.strip() or len(source_line) > MAX_DETAIL_CHARS:
        return where
    return f"{where}\n  {source_line}\n  {' ' * max(column - 1, 0)}^"


def _line_of(query: str, line: int) -> str:
    lines = query.splitlines()
    return lines[line - 1].rstrip() if 0 < line <= len(lines) else ""


def _explain(detail: str, source_line: str, column: int) -> str:
    """What the parser expected, without character classes; a known reason first."""
    detail = " ".join(re.sub(r"\[[^\]]*(?:\][^\]]*)*?\]", "", detail.replace("\n", " ")).split())
    detail = detail.removeprefix("expected one of ").removeprefix("expected ")
    alternatives = [item.strip() for item in _ALTERNATIVE.findall(detail) if item.strip()]
    if alternatives and set(alternatives) <= _QUERY_FORMS:
        return "expected a query form: SELECT, CONSTRUCT, ASK or DESCRIBE (after any PREFIX and BASE lines)"
    for marker, reason in _REASONS.items():
        if marker in alternatives:
            return _reason_text(reason, source_line, column)
    shown = alternatives[:MAX_EXPECTED] + (["…"] if len(alternatives) > MAX_EXPECTED else [])
    if not shown:
        return "unexpected character"
    return ("expected " if len(shown) == 1 else "expected one of ") + ", ".join(shown)


def _reason_text(reason: str, source_line: str, column: int) -> str:
    if reason != "undeclared prefix":
        return reason
    names = re.findall(r"([A-Za-z][\w.-]*)?:", source_line[: max(column - 1, 0)])
    return _prefix_advice(names[-1] if names else None)


def _prefix_advice(prefix: str | None) -> str:
    from kg.vocab import PREFIXES  # kg.vocab imports rdflib; only this message needs it

    known = f"this project's prefixes: {', '.join(PREFIXES)}"
    if prefix is None:
        return f"undeclared prefix; declare each prefix the query uses ({known})"
    namespace = f"<{PREFIXES[prefix]}>" if prefix in PREFIXES else "<…>"
    return f"undeclared prefix '{prefix}:'; declare it, e.g. PREFIX {prefix}: {namespace} ({known})"


# What can hide a colon that is not a prefixed name: IRIs, strings, comments, variables.
_NOT_NAMES = re.compile(
    r'<[^<>\s]*>|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*'
)
_PREFIXED_NAME = re.compile(r"(?<![\w?$:.-])([A-Za-z][\w.-]*)?:(?=[\w%\\]|[\s;,.)}\]])")
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)


def _first_undeclared_prefix(query: str) -> tuple[str, int, int] | None:
    """The first prefix a query uses without declaring it, with its line and column (1-based).

    >>> _first_undeclared_prefix('PREFIX a: <x:y>\\nSELECT * { ?s a:p "b:c" ; kg:q <http://z> }')
    ('kg', 2, 27)
    """
    blanked = _NOT_NAMES.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), query)
    declared = {name or "" for name in _DECLARED.findall(blanked)}
    for match in _PREFIXED_NAME.finditer(blanked):
        prefix = match.group(1) or ""
        if prefix not in declared and not _DECLARED.match(
            blanked, match.start() - 7 if match.start() >= 7 else 0
        ):
            before = blanked[: match.start()]
            return prefix, before.count("\n") + 1, match.start() - (before.rfind("\n") + 1) + 1
    return None
