"""A deterministic synthetic conflict graph of the project's shape, streamed to an N-Quads file.

The shape is the one `kg build` writes (docs/model.md), without going through the compiler, so that a million
triples take seconds to make:

- `graph/ontology`: the real ontology files (`ontology/*.ttl`), so relation types carry their real polarity,
  direct property and labels, and stances their labels;
- `graph/entities`: actors (eight kinds, in blocs of about 25) and places, each with `rdfs:label` and
  `skos:prefLabel` in English, French and Arabic, `skos:altLabel` aliases (and `kg:metonym` for states and
  governments), plus the unnamed authors of the sources;
- `graph/source/<id>`: one graph per source (50 to 150 entries each): its `kg:SourceDocument` node, statements
  (`kg:subject`, `kg:relationType` from the `rt:` scheme with a polarity drawn at random, cooperative ones
  mostly within a bloc and hostile ones mostly across blocs, `kg:object`, mentions, `kg:stance`, attribution,
  `kg:statedOn`, `kg:observedOn` (the source's date), `kg:during` a `time:Instant` or `time:ProperInterval` with `kg:fromDate`/`kg:untilDate`),
  their evidence with `oa:TextQuoteSelector` and `oa:TextPositionSelector`, and corroborations (a statement of
  an earlier source found again: one more piece of evidence);
- `graph/derived` and `graph/inferred`: the direct triples of asserted and reported statements, and their
  symmetric, inverse and super-property closure (one step).

Everything comes from one `random.Random(seed)`: the same size and seed give the same bytes. Sources are
written until the file holds about `target` quads (it stops at the end of a source). `ensure()` caches the file
and a JSON manifest beside it (counts, and the anchors the endpoint benchmark's queries use); a few more
sources made the same way, beyond the target, go to a second file for write benchmarks.

Run `python bench/synthetic.py --triples 100000 --out /tmp/kg-100k.nq` to write one.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg import vocab
from kg.sparql_text import iri_ref, literal

ROOT = Path(__file__).resolve().parent.parent
GENERATOR_VERSION = 4  # bump when the output changes, so that cached files are rebuilt

# Plain strings of kg/vocab.py's namespaces: the generator writes millions of terms by concatenation.
BASE = vocab.BASE
KG = str(vocab.KG)
RT = str(vocab.RT)
RES = str(vocab.RES)
GRAPH = str(vocab.GRAPH)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
DCT = "http://purl.org/dc/terms/"
TIME = "http://www.w3.org/2006/time#"
XSD = "http://www.w3.org/2001/XMLSchema#"

ENTITIES_GRAPH = GRAPH + "entities"
DERIVED_GRAPH = GRAPH + "derived"
INFERRED_GRAPH = GRAPH + "inferred"
ONTOLOGY_GRAPH = GRAPH + "ontology"

# Parallel syllables (Latin, Arabic): names are pseudo-words in both scripts.
SYLLABLES = [
    ("al", "ال"), ("ba", "با"), ("dar", "دار"), ("el", "إل"), ("far", "فار"), ("ha", "ها"), ("jab", "جاب"),
    ("kar", "كار"), ("la", "لا"), ("ma", "ما"), ("nab", "ناب"), ("qa", "قا"), ("ras", "راس"), ("sha", "شا"),
    ("tal", "تل"), ("wad", "واد"), ("ya", "يا"), ("zar", "زار"), ("mu", "مو"), ("rin", "رين"), ("hus", "حس"),
    ("dun", "دون"), ("sa", "سا"), ("kun", "كون"),
]  # fmt: skip
# Kind of actor: (classes, English word, French word, Arabic word); a person's words are a name prefix.
ACTOR_KINDS = [
    (["ArmedGroup"], "Brigade", "Brigade", "لواء"),
    (["Government"], "Government", "Gouvernement", "حكومة"),
    (["State", "Country"], "Republic", "République", "جمهورية"),
    (["Person"], "Abu", "Abou", "أبو"),
    (["NGO"], "Relief Committee", "Comité de secours", "لجنة إغاثة"),
    (["ArmedForces"], "Army", "Armée", "جيش"),
    (["Coalition"], "Front", "Front", "جبهة"),
    (["PoliticalBody"], "Council", "Conseil", "مجلس"),
]
PLACE_KINDS = [
    (["City"], "", "", ""),
    (["Town"], "", "", ""),
    (["Province"], "Province", "Province de", "محافظة"),
    (["Region"], "Region", "Région de", "منطقة"),
]
STANCES = ["Asserted"] * 5 + ["Reported"] * 3 + ["Claimed", "Denied", "Rumoured"]
FACT_STANCES = ("Asserted", "Reported")  # the stances whose statements become direct triples
POLARITY_WEIGHTS = {1: 0.45, -1: 0.35, 0: 0.20}
PLACE_RELATIONS = {
    "controls", "withdrew-from", "based-in", "evacuates", "annexed", "calls-on-citizens-to-leave", "fled-from",
}  # fmt: skip
ACTOR_RELATIONS = {
    "allied-with", "partner-of", "supports", "supports-militarily", "supports-diplomatically",
    "supports-financially", "seeks-rapprochement-with", "leads", "member-of", "sub-organisation-of", "fights",
    "opposes", "designates-as-terrorist", "accuses", "negotiates-with", "mediates", "spokesperson-of",
}  # fmt: skip
BLOC_SIZE = 25
FIRST_DAY = 734_942  # 2013-03-15 as a proleptic Gregorian ordinal
LAST_DAY = 739_251  # 2024-12-31
EXTRA_SOURCES = 12


@dataclass
class RelationType:
    """A relation type of the ontology's scheme and what the reasoner does with its direct property."""

    slug: str
    label: str
    polarity: int
    direct: str
    symmetric: bool = False
    inverse: str | None = None
    supers: list[str] = field(default_factory=list)


@dataclass
class Manifest:
    """What a generated file holds, and the anchors queries use (all deterministic for size and seed)."""

    path: str
    extra_path: str
    target: int
    seed: int
    quads: int
    extra_quads: int
    graphs: int
    actors: int
    places: int
    sources: int
    statements: int
    seconds: float
    anchors: list[str]  # actor IRIs with a median-or-better number of statements
    label_terms: list[str]  # lower-case substrings of actor labels
    dates: list[str]  # days (xsd:date lexical forms) between 2013 and 2024
    version: int = GENERATOR_VERSION


def ontology_quads() -> list[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.Term]]:
    """The triples of the ontology files, in file order (the files have no blank nodes)."""
    triples = []
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
            triples.append((quad.subject, quad.predicate, quad.object))
    return triples


def relation_types(
    triples: list[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.Term]],
) -> list[RelationType]:
    """The relation types the generator uses, with polarity and direct property read from the ontology."""
    by_subject: dict[str, dict[str, list[ox.Term]]] = {}
    for s, p, o in triples:
        by_subject.setdefault(s.value, {}).setdefault(p.value, []).append(o)
    types = []
    for slug in sorted(ACTOR_RELATIONS | PLACE_RELATIONS):
        props = by_subject[RT + slug]
        direct = props[KG + "directProperty"][0].value
        label = next(o.value for o in props[SKOS + "prefLabel"] if getattr(o, "language", None) == "en")
        prop = by_subject.get(direct, {})
        inverse = prop.get(OWL + "inverseOf")
        types.append(
            RelationType(
                slug,
                label,
                int(props[KG + "polarity"][0].value),
                direct,
                symmetric=any(o.value == OWL + "SymmetricProperty" for o in prop.get(RDF_TYPE, [])),
                inverse=inverse[0].value if inverse else None,
                supers=[o.value for o in prop.get(RDFS + "subPropertyOf", [])],
            )
        )
    return types


# Terms in N-Quads are written as in SPARQL text: by kg/sparql_text.py, the project's one writer of terms.
def iri(value: str) -> str:
    return iri_ref(value)


def text(value: str, language: str | None = None) -> str:
    return literal(value, language=language)


def typed(value: str, datatype: str) -> str:
    return literal(value, datatype=XSD + datatype)


def day(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


class Writer:
    """N-Quads lines into a file, counted; duplicates within one graph are the caller's business."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.count = 0

    def quad(self, s: str, p: str, o: str, g: str) -> None:
        self.out.write(f"{s} {p} {o} <{g}> .\n")
        self.count += 1


class Generator:
    """The synthetic graph for a target size and a seed."""

    def __init__(self, target: int, seed: int) -> None:
        self.target = target
        self.random = random.Random(seed)
        self.ontology = ontology_quads()
        self.types = relation_types(self.ontology)
        actors = max(120, target // 400)
        self.actor_ids = [f"syn-actor-{n:05d}" for n in range(actors)]
        self.place_ids = [f"syn-place-{n:05d}" for n in range(max(40, actors // 3))]
        self.names: dict[str, tuple[str, str, str]] = {}  # id -> (en, fr, ar) labels
        self.words: dict[str, str] = {}  # id -> the pseudo-word of its name
        self.degree: dict[str, int] = dict.fromkeys(self.actor_ids, 0)
        self.statements: list[tuple[str, str, str, str, str]] = []  # (iri, subject, type slug, object, label)
        self.derived: set[tuple[str, str, str]] = set()
        self.inferred: set[tuple[str, str, str]] = set()
        self.sources = 0
        self.kept_sources = 0

    # ------------------------------------------------------------------------------------- entities

    def _name(self, used: set[str]) -> tuple[str, str]:
        while True:
            parts = self.random.sample(SYLLABLES, self.random.choice((2, 3)))
            latin = "".join(p[0] for p in parts).capitalize()
            if latin not in used:
                used.add(latin)
                return latin, "".join(p[1] for p in parts)

    def write_entities(self, w: Writer) -> None:
        used: set[str] = set()
        g = ENTITIES_GRAPH
        for number, slug in enumerate(self.actor_ids):
            classes, en_word, fr_word, ar_word = ACTOR_KINDS[number % len(ACTOR_KINDS)]
            word, arabic = self._name(used)
            if classes == ["Person"]:
                labels = (f"{en_word} {word}", f"{fr_word} {word}", f"{ar_word} {arabic}")
            else:
                labels = (f"{word} {en_word}", f"{fr_word} {word}", f"{ar_word} {arabic}")
            self._entity(w, slug, classes, labels, word, g)
            initials = "".join(part[0] for part in labels[0].split()).upper()
            w.quad(iri(RES + slug), iri(SKOS + "altLabel"), text(f"{initials}-{number}", "en"), g)
            if self.random.random() < 0.4:
                w.quad(iri(RES + slug), iri(SKOS + "altLabel"), text(f"al-{word}", "ar"), g)
            if classes[0] in ("State", "Government"):
                w.quad(iri(RES + slug), iri(KG + "metonym"), text(f"{word} City", "en"), g)
        for number, slug in enumerate(self.place_ids):
            classes, en_word, fr_word, ar_word = PLACE_KINDS[number % len(PLACE_KINDS)]
            word, arabic = self._name(used)
            labels = (
                f"{word} {en_word}".strip(),
                f"{fr_word} {word}".strip(),
                f"{ar_word} {arabic}".strip(),
            )
            self._entity(w, slug, classes, labels, word, g)

    def _entity(
        self, w: Writer, slug: str, classes: list[str], labels: tuple[str, str, str], word: str, g: str
    ) -> None:
        subject = iri(RES + slug)
        self.names[slug] = labels
        self.words[slug] = word
        for cls in classes:
            w.quad(subject, iri(RDF_TYPE), iri(KG + cls), g)
        for label, language in zip(labels, ("en", "fr", "ar"), strict=True):
            w.quad(subject, iri(RDFS + "label"), text(label, language), g)
            w.quad(subject, iri(SKOS + "prefLabel"), text(label, language), g)

    # -------------------------------------------------------------------------------------- sources

    def _pick_type(self, place: bool) -> RelationType:
        pool = [t for t in self.types if (t.slug in PLACE_RELATIONS) == place]
        if place:
            return self.random.choice(pool)
        polarity = self.random.choices(list(POLARITY_WEIGHTS), weights=list(POLARITY_WEIGHTS.values()))[0]
        return self.random.choice([t for t in pool if t.polarity == polarity])

    def _pair(self, rtype: RelationType, place: bool) -> tuple[str, str]:
        rnd = self.random
        subject = rnd.choice(self.actor_ids)
        if place:
            return subject, rnd.choice(self.place_ids)
        index = int(subject[-5:])
        bloc = index - index % BLOC_SIZE
        same_bloc = rnd.random() < (0.8 if rtype.polarity == 1 else 0.2 if rtype.polarity == -1 else 0.5)
        while True:
            if same_bloc:
                other = bloc + rnd.randrange(min(BLOC_SIZE, len(self.actor_ids) - bloc))
            else:
                other = rnd.randrange(len(self.actor_ids))
            if other != index:
                return subject, self.actor_ids[other]

    def _time(self, w: Writer, g: str, written: set[str]) -> str:
        """A time node (instant on a day, instant in a year, closed or open interval) written once per graph."""
        rnd = self.random
        kind = rnd.random()
        start = rnd.randrange(FIRST_DAY, LAST_DAY - 400)
        if kind < 0.45:
            return self._instant(w, g, written, day(start))
        if kind < 0.55:
            return self._instant(w, g, written, day(start)[:4], year=True)
        begin = self._instant(w, g, written, day(start))
        if kind < 0.85:
            end_day = day(start + rnd.randrange(30, 1500))
            end = self._instant(w, g, written, end_day)
            node = f"{RES}time/{day(start)}--{end_day}"
        else:
            end, end_day, node = None, None, f"{RES}time/{day(start)}--open"
        if node not in written:
            written.add(node)
            w.quad(iri(node), iri(RDF_TYPE), iri(TIME + "ProperInterval"), g)
            w.quad(iri(node), iri(TIME + "hasBeginning"), iri(begin), g)
            w.quad(iri(node), iri(KG + "fromDate"), typed(day(start), "date"), g)
            if end is not None and end_day is not None:
                w.quad(iri(node), iri(TIME + "hasEnd"), iri(end), g)
                w.quad(iri(node), iri(KG + "untilDate"), typed(end_day, "date"), g)
        return node

    def _instant(self, w: Writer, g: str, written: set[str], value: str, year: bool = False) -> str:
        node = f"{RES}time/{value}"
        if node not in written:
            written.add(node)
            w.quad(iri(node), iri(RDF_TYPE), iri(TIME + "Instant"), g)
            if year:
                w.quad(iri(node), iri(TIME + "inXSDgYear"), typed(value, "gYear"), g)
                first, last = f"{value}-01-01", f"{value}-12-31"
            else:
                w.quad(iri(node), iri(TIME + "inXSDDate"), typed(value, "date"), g)
                first = last = value
            w.quad(iri(node), iri(KG + "fromDate"), typed(first, "date"), g)
            w.quad(iri(node), iri(KG + "untilDate"), typed(last, "date"), g)
        return node

    def write_source(self, w: Writer, *, keep: bool = True) -> None:
        """One source graph; its unnamed author goes to the entities graph.

        With `keep=False` (the extra sources for write benchmarks) the author is one already written, so the
        source graph is all a write has to send, and its statements are not offered for corroboration.
        """
        rnd = self.random
        number = self.sources
        self.sources += 1
        source_id = f"syn{number:05d}_{rnd.getrandbits(48):012x}"
        g = f"{GRAPH}source/{source_id}"
        source = iri(f"{RES}source/{source_id}")
        if keep:
            author = f"syn-author-{number:05d}"
            w.quad(iri(RES + author), iri(RDF_TYPE), iri(KG + "UnnamedSource"), ENTITIES_GRAPH)
            for prop in (RDFS + "label", SKOS + "prefLabel"):
                w.quad(
                    iri(RES + author), iri(prop), text(f"Author of source {number:05d}", "en"), ENTITIES_GRAPH
                )
        else:
            author = f"syn-author-{rnd.randrange(self.kept_sources):05d}"
        published = rnd.randrange(FIRST_DAY + 400, LAST_DAY)
        title = f"Synthetic report {number:05d} on the war"
        w.quad(source, iri(RDF_TYPE), iri(KG + "SourceDocument"), g)
        w.quad(source, iri(RDFS + "label"), text(title, "en"), g)
        w.quad(source, iri(DCT + "title"), text(title, "en"), g)
        w.quad(source, iri(DCT + "date"), typed(day(published), "date"), g)
        w.quad(source, iri(DCT + "language"), text("en"), g)
        w.quad(source, iri(DCT + "identifier"), text(source_id), g)
        w.quad(source, iri(KG + "sha256"), text(f"{rnd.getrandbits(256):064x}"), g)
        w.quad(source, iri(KG + "textFile"), text(f"synthetic/{source_id}.txt"), g)
        w.quad(source, iri(PROV + "wasAttributedTo"), iri(RES + author), g)
        written: set[str] = set()
        offset = 0
        for entry in range(rnd.randrange(50, 151)):
            stated = day(published - rnd.randrange(0, 3))
            speaker = RES + (author if rnd.random() < 0.7 else rnd.choice(self.actor_ids))
            if self.statements and rnd.random() < 0.1:  # corroboration: a statement said again
                statement, subject, slug, obj, exact = rnd.choice(self.statements)
            else:
                place = rnd.random() < 0.15
                rtype = self._pick_type(place)
                subject, obj = self._pair(rtype, place)
                slug = rtype.slug
                statement = f"{RES}statement/{subject}-{slug}-{obj}-{number:05d}-{entry:03d}"
                stance = rnd.choice(STANCES)
                subject_en, object_en = self.names[subject][0], self.names[obj][0]
                exact = f"{subject_en} {rtype.label} {object_en}, sources said"
                self._statement(w, g, statement, subject, rtype, obj, stance, speaker, stated, written)
                if keep:
                    self.statements.append((statement, subject, slug, obj, exact))
                self.degree[subject] += 1
                if obj in self.degree:
                    self.degree[obj] += 1
                if stance in FACT_STANCES:
                    self._derive(rtype, subject, obj)
            # the source's date, on a new statement and on one said again (kg:observedOn, one per source)
            w.quad(iri(statement), iri(KG + "observedOn"), typed(day(published), "date"), g)
            evidence = f"{RES}evidence/{source_id}/{entry:03d}"
            offset += rnd.randrange(40, 400)
            self._evidence(w, g, statement, evidence, source, speaker, stated, exact, offset)
            offset += len(exact)

    def _statement(
        self,
        w: Writer,
        g: str,
        statement: str,
        subject: str,
        rtype: RelationType,
        obj: str,
        stance: str,
        speaker: str,
        stated: str,
        written: set[str],
    ) -> None:
        s = iri(statement)
        w.quad(s, iri(RDF_TYPE), iri(KG + "Statement"), g)
        label = f"{self.names[subject][0]} {rtype.label} {self.names[obj][0]}"
        w.quad(s, iri(RDFS + "label"), text(label, "en"), g)
        w.quad(s, iri(KG + "subject"), iri(RES + subject), g)
        w.quad(s, iri(KG + "relationType"), iri(RT + rtype.slug), g)
        w.quad(s, iri(KG + "object"), iri(RES + obj), g)
        w.quad(s, iri(KG + "subjectMention"), text(self.names[subject][0]), g)
        if self.random.random() < 0.6:
            w.quad(s, iri(KG + "objectMention"), text(f"the {self.words[obj]} side"), g)
        w.quad(s, iri(KG + "stance"), iri(KG + stance), g)
        w.quad(s, iri(PROV + "wasAttributedTo"), iri(speaker), g)
        w.quad(s, iri(KG + "statedOn"), typed(stated, "date"), g)
        if self.random.random() < 0.75:
            w.quad(s, iri(KG + "during"), iri(self._time(w, g, written)), g)

    def _evidence(
        self,
        w: Writer,
        g: str,
        statement: str,
        evidence: str,
        source: str,
        speaker: str,
        stated: str,
        exact: str,
        offset: int,
    ) -> None:
        e, quote, position = iri(evidence), iri(evidence + "#quote"), iri(evidence + "#position")
        w.quad(iri(statement), iri(KG + "hasEvidence"), e, g)
        w.quad(e, iri(RDF_TYPE), iri(KG + "Evidence"), g)
        w.quad(e, iri(OA + "hasSource"), source, g)
        w.quad(e, iri(OA + "hasSelector"), quote, g)
        w.quad(e, iri(OA + "hasSelector"), position, g)
        w.quad(e, iri(PROV + "wasAttributedTo"), iri(speaker), g)
        w.quad(e, iri(DCT + "date"), typed(stated, "date"), g)
        w.quad(quote, iri(RDF_TYPE), iri(OA + "TextQuoteSelector"), g)
        w.quad(quote, iri(OA + "exact"), text(exact), g)
        w.quad(quote, iri(OA + "prefix"), text(f"paragraph {offset % 97:02d} of the report. "[:32]), g)
        w.quad(quote, iri(OA + "suffix"), text(" and no one has denied it since."[:32]), g)
        w.quad(position, iri(RDF_TYPE), iri(OA + "TextPositionSelector"), g)
        w.quad(position, iri(OA + "start"), typed(str(offset), "nonNegativeInteger"), g)
        w.quad(position, iri(OA + "end"), typed(str(offset + len(exact)), "nonNegativeInteger"), g)

    def _derive(self, rtype: RelationType, subject: str, obj: str) -> None:
        """The direct triple of a fact, and one step of its symmetric, inverse and super-property closure."""
        s, o = RES + subject, RES + obj
        self.derived.add((s, rtype.direct, o))
        if rtype.symmetric:
            self.inferred.add((o, rtype.direct, s))
        if rtype.inverse:
            self.inferred.add((o, rtype.inverse, s))
        for sup in rtype.supers:
            self.inferred.add((s, sup, o))

    # ------------------------------------------------------------------------------------------ all

    def write(self, main: IO[str], extra: IO[str]) -> tuple[int, int]:
        """The whole graph into `main`, then a few more sources into `extra`; their quad counts."""
        w = Writer(main)
        for s, p, o in self.ontology:
            w.quad(str(s), str(p), str(o), ONTOLOGY_GRAPH)
        self.write_entities(w)
        while w.count + len(self.derived) + len(self.inferred - self.derived) < self.target:
            self.write_source(w)
        self.kept_sources = self.sources
        for s, p, o in sorted(self.derived):
            w.quad(iri(s), iri(p), iri(o), DERIVED_GRAPH)
        for s, p, o in sorted(self.inferred - self.derived):
            w.quad(iri(s), iri(p), iri(o), INFERRED_GRAPH)
        x = Writer(extra)
        for _ in range(EXTRA_SOURCES):  # new statements about the same actors, for write benchmarks
            self.write_source(x, keep=False)
        return w.count, x.count

    def anchors(self, count: int = 24) -> list[str]:
        """Actors with at least the median number of statements, drawn at random."""
        ranked = sorted(self.actor_ids, key=lambda a: self.degree[a])
        pool = ranked[len(ranked) // 2 :]
        return [RES + a for a in sorted(self.random.sample(pool, min(count, len(pool))))]

    def label_terms(self, count: int = 24) -> list[str]:
        """Lower-case substrings of actor names (3 to 5 letters), each found in at least one label."""
        terms = []
        for slug in self.random.sample(self.actor_ids, count):
            word = self.words[slug].lower()
            size = self.random.choice((3, 4, 5))
            start = self.random.randrange(0, max(1, len(word) - size + 1))
            terms.append(word[start : start + size])
        return terms

    def dates(self, count: int = 24) -> list[str]:
        return [day(self.random.randrange(FIRST_DAY, LAST_DAY)) for _ in range(count)]


def generate(target: int, seed: int, out: Path) -> Manifest:
    """Write the graph to `out` (and the extra sources to `out` with `.extra.nq`); return its manifest."""
    started = time.perf_counter()
    generator = Generator(target, seed)
    extra_path = out.with_suffix(".extra.nq")
    out.parent.mkdir(parents=True, exist_ok=True)
    with (
        open(out, "w", encoding="utf-8", buffering=1 << 20) as main,
        open(extra_path, "w", encoding="utf-8", buffering=1 << 20) as extra,
    ):
        quads, extra_quads = generator.write(main, extra)
    graphs = generator.sources - EXTRA_SOURCES + 4
    return Manifest(
        path=str(out),
        extra_path=str(extra_path),
        target=target,
        seed=seed,
        quads=quads,
        extra_quads=extra_quads,
        graphs=graphs,
        actors=len(generator.actor_ids),
        places=len(generator.place_ids),
        sources=generator.sources - EXTRA_SOURCES,
        statements=len(generator.statements),
        seconds=round(time.perf_counter() - started, 2),
        anchors=generator.anchors(),
        label_terms=generator.label_terms(),
        dates=generator.dates(),
    )


def ensure(target: int, seed: int, cache_dir: Path) -> Manifest:
    """The cached file for this size and seed, generated first if missing or made by another version."""
    path = cache_dir / f"synthetic-{target}-seed{seed}-v{GENERATOR_VERSION}.nq"
    manifest_path = path.with_suffix(".json")
    if manifest_path.exists() and path.exists():
        data = json.loads(manifest_path.read_text(encoding="utf-8"))
        if data.get("version") == GENERATOR_VERSION:
            return Manifest(**data)
    manifest = generate(target, seed, path)
    manifest_path.write_text(json.dumps(asdict(manifest), indent=1), encoding="utf-8")
    return manifest


def quads_in(path: Path) -> Iterator[ox.Quad]:
    """The quads of a generated file (a check that it parses)."""
    return iter(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000, help="Approximate number of quads.")
    parser.add_argument("--seed", type=int, default=20241208)
    parser.add_argument("--out", type=Path, default=None, help="Output file (default: cached in $TMPDIR).")
    args = parser.parse_args()
    if args.out is None:
        manifest = ensure(args.triples, args.seed, Path(tempfile.gettempdir()) / "kg-endpoint-bench")
    else:
        manifest = generate(args.triples, args.seed, args.out)
    json.dump(asdict(manifest), sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
