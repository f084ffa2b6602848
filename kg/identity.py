"""Identity in the authored YAML: merged entities (`replaces:`), sides (`sides:` of entities.yaml) and names a
source attests (`names:` of a facts file). Hooks of `kg.authoring.Compiler`; the format is in
docs/authoring.md, the decisions in docs/decisions/20261207-merges-and-sides.md.

- A merged id stays a valid reference: it resolves to the entity that replaces it, and its IRI carries
  `dcterms:isReplacedBy` (the HTTP layer redirects it).
- A side is a `kg:Side` whose parts are linked with `kg:partOfSide`, in the entities graph.
- A name is a `kg:NameAttestation` (evidenced like a statement: stance, speaker, quote) plus a `skos:altLabel`
  of the entity in the same source graph, so the one name index knows it and retracting the source forgets it.
"""

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rdflib import Graph, Literal, URIRef

from kg.errors import InputError
from kg.names import normalise
from kg.temporal import LINE_KEY
from kg.vocab import DCTERMS, ENTITIES_GRAPH, KG, RDF, RDFS, RES, SKOS

if TYPE_CHECKING:
    from kg.index import Index
    from kg.store import Store


class Compiler(Protocol):
    """What these hooks use of `kg.authoring.Compiler` (which imports this module, hence no import back)."""

    index: "Index"

    def _rel(self, path: Path) -> Path: ...
    def _define(self, slug: Any, kind: str, path: Path, line: int | None) -> str: ...
    def _resolve(
        self, value: Any, what: str, file: Path, line: int | None, kinds: Iterable[str] = ("entity",)
    ) -> str: ...
    def _ref(
        self, value: Any, what: str, file: Path, line: int | None, kinds: Iterable[str] = ("entity",)
    ) -> URIRef: ...
    def _add_labels(
        self, graph: Graph, node: URIRef, label: Any, slug: str, file: Path, line: int | None
    ) -> None: ...
    def _add_attestation(self, ctx: Any, node: URIRef, entry: dict[str, Any]) -> None: ...


class SourceContext(Protocol):
    """What these hooks use of the compiler's context of one source file."""

    file: Path
    graph: Graph


NAME_KINDS = {
    "alias": KG.Alias,
    "former-name": KG.FormerName,
    "nom-de-guerre": KG.NomDeGuerre,
    "transliteration": KG.Transliteration,
}
NAME_FIELDS = {"id", "entity", "name", "kind", "language", "stance", "by", "quote", "occurrence", "said_on",
               "note", "time", "context", LINE_KEY}  # fmt: skip


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# ------------------------------------------------------------------------------------------ merged entities


def register_replacements(index: "Index", entities: dict[Any, Any], file: str) -> None:
    """Record every `replaces:` of entities.yaml: the old id then resolves to the entity that replaces it."""
    for slug, body in entities.items():
        if slug == LINE_KEY or not isinstance(body, dict):
            continue
        for old in _as_list(body.get("replaces")):
            where = {"file": file, "line": body.get(LINE_KEY)}
            if not isinstance(old, str) or old in index.ids:
                raise InputError(
                    f"'{slug}' replaces '{old}', which is still defined: remove it first", **where
                )
            if old in index.replaced_by:
                raise InputError(f"'{old}' is already replaced by '{index.replaced_by[old]}'", **where)
            index.replaced_by[old] = slug


def compile_replacements(graph: Graph, entities: dict[Any, Any]) -> None:
    """`res:old dcterms:isReplacedBy res:new` (and the inverse), so the old IRI keeps meaning something."""
    for slug, body in entities.items():
        if slug == LINE_KEY or not isinstance(body, dict):
            continue
        for old in _as_list(body.get("replaces")):
            graph.add((RES[old], DCTERMS.isReplacedBy, RES[slug]))
            graph.add((RES[slug], DCTERMS.replaces, RES[old]))


def replacements_in_store(store: "Store") -> dict[str, str]:
    """Merged ids and the ids that replace them, as the entities graph of a store says."""
    query = f"SELECT ?old ?new WHERE {{ GRAPH <{ENTITIES_GRAPH}> {{ ?old <{DCTERMS.isReplacedBy}> ?new }} }}"
    base = len(str(RES))
    return {row["old"]["value"][base:]: row["new"]["value"][base:] for row in store.select(query)}


def replacement_in_store(store: "Store", iri: str) -> str | None:
    """The IRI of the entity that replaced a merged one (None for an IRI that was not merged)."""
    replaced = f"<{iri}> <{DCTERMS.isReplacedBy}> ?new"
    query = f"SELECT ?new WHERE {{ GRAPH <{ENTITIES_GRAPH}> {{ {replaced} }} }} LIMIT 1"
    rows = store.select(query)
    return rows[0]["new"]["value"] if rows else None


# ------------------------------------------------------------------------------------------ sides


def register_sides(compiler: Compiler, path: Path, doc: dict[str, Any]) -> None:
    """Define the id of every side of entities.yaml (a side's id is one more id of the graph)."""
    for side in _sides(compiler, path, doc):
        compiler._define(side.get("id"), "side", path, side.get(LINE_KEY))
        compiler.index.labels[side["id"]] = str((side.get("label") or {}).get("en") or side["id"])


def compile_sides(compiler: Compiler, path: Path, doc: dict[str, Any], graph: Graph) -> None:
    """Each side: a labelled `kg:Side`, and `kg:partOfSide` from each of its parts (entities only)."""
    file = compiler._rel(path)
    for side in _sides(compiler, path, doc):
        line = side.get(LINE_KEY)
        node = RES[side["id"]]
        graph.add((node, RDF.type, KG.Side))
        compiler._add_labels(graph, node, side.get("label"), side["id"], file, line)
        if side.get("note"):
            graph.add((node, RDFS.comment, Literal(str(side["note"]), lang="en")))
        parts = _as_list(side.get("parts"))
        if not parts:
            raise InputError(f"side '{side['id']}' has no parts", file=str(file), line=line)
        for part in parts:
            graph.add((compiler._ref(part, "parts", file, line), KG.partOfSide, node))


def _sides(compiler: Compiler, path: Path, doc: dict[str, Any]) -> list[dict[str, Any]]:
    sides = doc.get("sides") or []
    if not isinstance(sides, list) or not all(isinstance(s, dict) for s in sides):
        raise InputError(
            "'sides' must be a list of mappings (id, label, parts, note)", file=str(compiler._rel(path))
        )
    return sides


# ------------------------------------------------------------------------------------------ attested names


def register_names(compiler: Compiler, path: Path, doc: dict[str, Any]) -> None:
    """Define each name's id and teach the index the name at once, so later entries may use it."""
    file = compiler._rel(path)
    for entry in _names(path, doc, file):
        line = entry.get(LINE_KEY)
        compiler._define(entry.get("id"), "name", path, line)
        entity = compiler._resolve(entry.get("entity"), "entity", file, line)
        if not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise InputError(f"name '{entry['id']}' needs a non-empty 'name'", file=str(file), line=line)
        compiler.index.add_names(entity, [entry["name"]])
        compiler.index.attested[normalise(entry["name"]), entity].add(str(RES[f"name/{entry['id']}"]))


def compile_names(compiler: Compiler, ctx: SourceContext, path: Path, doc: dict[str, Any]) -> None:
    """A `kg:NameAttestation` per entry, and the name as `skos:altLabel` of the entity in the source graph."""
    for entry in _names(path, doc, ctx.file):
        line = entry.get(LINE_KEY)
        where = {"file": str(ctx.file), "line": line}
        unknown = sorted(set(entry) - NAME_FIELDS)
        if unknown:
            raise InputError(
                f"name '{entry['id']}': unknown field(s) {', '.join(map(str, unknown))}", **where
            )
        kind = entry.get("kind", "alias")
        if kind not in NAME_KINDS:
            raise InputError(
                f"name '{entry['id']}': kind must be one of {', '.join(NAME_KINDS)}, got {kind!r}", **where
            )
        language = str(entry.get("language") or "en")
        entity = compiler._ref(entry.get("entity"), "entity", ctx.file, line)
        name = Literal(str(entry["name"]).strip(), lang=language)
        node = RES[f"name/{entry['id']}"]
        graph = ctx.graph
        graph.add((node, RDF.type, KG.NameAttestation))
        graph.add((node, KG.namedEntity, entity))
        graph.add((node, KG.attestedName, name))
        graph.add((node, KG.nameKind, NAME_KINDS[kind]))
        # Like every statement, the attestation has an English label (what the evidence panel and checks show).
        slug = entity.removeprefix(str(RES))
        label = f"{kind.replace('-', ' ')} “{name}” of {compiler.index.labels.get(slug, slug)}"
        graph.add((node, RDFS.label, Literal(label, lang="en")))
        graph.add((entity, SKOS.altLabel, name))
        compiler._add_attestation(ctx, node, entry)


def record_names_used(graph: Graph, source: URIRef, index: "Index") -> None:
    """`<source> dcterms:references <attestation>` for each attested name the source's references went
    through, so that the attesting source cannot be retracted first (a rebuild would no longer resolve it)."""
    for attestation in sorted(index.names_used):
        if (URIRef(attestation), RDF.type, KG.NameAttestation) not in graph:
            graph.add((source, DCTERMS.references, URIRef(attestation)))
    index.names_used.clear()


def attestations_in_store(store: "Store") -> dict[tuple[str, str], set[str]]:
    """The names the store's sources attest: (normalised name, entity id) -> the attestations' IRIs."""
    query = (
        f"SELECT ?a ?name ?entity WHERE {{ ?a a <{KG.NameAttestation}> ; <{KG.attestedName}> ?name ; "
        f"<{KG.namedEntity}> ?entity }}"
    )
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in store.select(query):
        found[normalise(row["name"]["value"]), row["entity"]["value"][len(str(RES)) :]].add(row["a"]["value"])
    return found


def _names(path: Path, doc: dict[str, Any], file: Path) -> list[dict[str, Any]]:
    names = doc.get("names") or []
    if not isinstance(names, list) or not all(isinstance(n, dict) for n in names):
        raise InputError("'names' must be a list of mappings (docs/authoring.md)", file=str(file))
    return names
