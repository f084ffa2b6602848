"""Who says an evidenced entry, through whom, how sure, and whether it is a fact: stance, attribution chains,
modality, event claims and amounts in words (docs/decisions/20261207-stances.md, docs/authoring.md).

The compiler (kg/authoring.py) calls these with the entry's YAML mapping and a resolver for ids, and they add
their triples to the source graph:

- `voice_of` checks the stance against the speaker (`by:`) and the relays (`via:`): asserted is the source's own
  voice, reported / claimed / denied another speaker's, rumoured nobody's.
- `add_voice` writes `prov:wasAttributedTo` and one `prov:qualifiedAttribution` per hop.
- `add_modality` writes `kg:modality` and `kg:conditionalOn`.
- `event_types` types an event as its class, or as a `kg:EventClaim` when it is not presented as a fact.
- `add_amount` writes a quantity's number or words and the bounds the text gives.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from kg.errors import InputError
from kg.temporal import LINE_KEY
from kg.vocab import KG, PROV, RDF, XSD

STANCES = {
    "asserted": KG.Asserted,
    "reported": KG.Reported,
    "claimed": KG.Claimed,
    "denied": KG.Denied,
    "rumoured": KG.Rumoured,
}
OWN_VOICE = "asserted"
NO_SPEAKER = "rumoured"
ANOTHER_SPEAKER = frozenset({"reported", "claimed", "denied"})
FACT_STANCES = frozenset({"asserted", "reported"})
MODALITIES = {"possible": KG.Possible, "probable": KG.Probable, "conditional": KG.Conditional}

# Resolves a reference of an entry field to an IRI: (value, field name, allowed kinds) -> IRI.
Resolver = Callable[[Any, str, tuple[str, ...]], URIRef]


@dataclass(frozen=True)
class Voice:
    """Whose words an entry is and through whom the source heard them (outermost relay first)."""

    stance: str
    speaker: URIRef
    relays: tuple[URIRef, ...]
    has_speaker: bool  # False for a rumour: `speaker` is then the source's author, who relays it


def _fail(message: str, entry: dict[str, Any], file: Path) -> InputError:
    return InputError(f"'{entry.get('id')}': {message}", file=str(file), line=entry.get(LINE_KEY))


def stance_of(entry: dict[str, Any], file: Path) -> str:
    """The entry's stance word, checked."""
    stance = entry.get("stance")
    if stance not in STANCES:
        raise _fail(f"stance must be one of {', '.join(STANCES)}, got {stance!r}", entry, file)
    return str(stance)


def voice_of(entry: dict[str, Any], author: URIRef, resolve: Resolver, file: Path) -> Voice:
    """The entry's stance, speaker and relays, with the stance definitions enforced.

    asserted: no `by:` other than the source's author and no `via:`; reported, claimed, denied: a `by:` other
    than the author; rumoured: no `by:` at all (relays are allowed: "rumours relayed by AFP").
    """
    stance = stance_of(entry, file)
    speaker = resolve(entry["by"], "by", ("entity",)) if entry.get("by") else None
    relays = tuple(resolve(relay, "via", ("entity",)) for relay in _as_list(entry.get("via")))
    if stance == OWN_VOICE and speaker not in (None, author):
        raise _fail(
            "an asserted entry is the source's own voice: its 'by' must be the source's author "
            "(another speaker's words are reported, claimed or denied)",
            entry,
            file,
        )
    if stance == OWN_VOICE and relays:
        raise _fail("an asserted entry is the source's own voice and has no 'via'", entry, file)
    if stance in ANOTHER_SPEAKER and speaker in (None, author):
        raise _fail(
            f"a {stance} entry relays another speaker: give 'by' (who says it, named or an UnnamedSource "
            "such as 'a Kremlin source'); the source's own voice is 'asserted'",
            entry,
            file,
        )
    if stance == NO_SPEAKER and speaker is not None:
        raise _fail(
            "a rumoured entry has no speaker: drop 'by' (someone, even unnamed, saying it makes it reported)",
            entry,
            file,
        )
    return Voice(stance, speaker or author, relays, has_speaker=speaker is not None)


def add_voice(graph: Graph, node: URIRef, voice: Voice) -> None:
    """Stance, attribution and the chain of hops of an evidenced entry."""
    graph.add((node, KG.stance, STANCES[voice.stance]))
    graph.add((node, PROV.wasAttributedTo, voice.speaker))
    add_chain(graph, node, voice)


def add_chain(graph: Graph, node: URIRef, voice: Voice) -> None:
    """One `prov:qualifiedAttribution` per hop: relays outermost first, then the speaker if it is not the
    source itself (asserted) and exists (a rumour has none). An entry in the source's own voice has no chain."""
    chain = list(voice.relays) + ([voice.speaker] if voice.has_speaker and voice.stance != OWN_VOICE else [])
    for hop, agent in enumerate(chain, start=1):
        attribution = URIRef(f"{node}#hop-{hop}")
        graph.add((node, PROV.qualifiedAttribution, attribution))
        graph.add((attribution, RDF.type, PROV.Attribution))
        graph.add((attribution, PROV.agent, agent))
        graph.add((attribution, KG.hop, Literal(hop, datatype=XSD.positiveInteger)))


def add_modality(graph: Graph, node: URIRef, entry: dict[str, Any], resolve: Resolver, file: Path) -> None:
    """`modality:` and, for a conditional, the `condition:` it depends on (a statement or an event)."""
    modality, condition = entry.get("modality"), entry.get("condition")
    if modality is None and condition is None:
        return
    if modality not in MODALITIES:
        raise _fail(f"modality must be one of {', '.join(MODALITIES)}, got {modality!r}", entry, file)
    if (modality == "conditional") != (condition is not None):
        raise _fail("'condition' goes with 'modality: conditional', and a conditional needs one", entry, file)
    graph.add((node, KG.modality, MODALITIES[modality]))
    if condition is not None:
        graph.add((node, KG.conditionalOn, resolve(condition, "condition", ("statement", "event"))))


def is_fact(entry: dict[str, Any]) -> bool:
    """Presented as actual by a speaker: asserted or reported, with no modality."""
    return entry.get("stance") in FACT_STANCES and entry.get("modality") is None


def event_types(graph: Graph, node: URIRef, event_class: URIRef, entry: dict[str, Any]) -> URIRef:
    """Type an event; return the property its `part_of` takes.

    An event not presented as a fact is a `kg:EventClaim` with the class as a value, so that `?e a kg:Encirclement`
    never returns a claim, and its `part_of` is `kg:claimedSubEventOf` (not transitive, types nothing).
    """
    if is_fact(entry):
        graph.add((node, RDF.type, event_class))
        return KG.subEventOf
    graph.add((node, RDF.type, KG.EventClaim))
    graph.add((node, KG.claimedEventType, event_class))
    return KG.claimedSubEventOf


@dataclass(frozen=True)
class Amount:
    """A quantity's number (`value`) or its words (`amount`), and the bounds the text gives."""

    value: Decimal | None
    words: str | None
    lower: Decimal | None
    upper: Decimal | None

    def label(self, qualifier: str) -> str:
        """How the label shows it: 'at least 826', or the words as written ('dozens')."""
        return f"{qualifier.replace('-', ' ')} {self.value}" if self.value is not None else str(self.words)


def amount_of(entry: dict[str, Any], file: Path) -> Amount:
    """Read `value` or `amount` (exactly one), and `lower` / `upper` when given."""
    has_value, words = entry.get("value") is not None, entry.get("amount")
    if has_value == (words is not None):
        raise _fail(
            "a quantity gives either 'value' (a number) or 'amount' (the words, as in 'dozens'), not both",
            entry,
            file,
        )
    if words is not None and (not isinstance(words, str) or not words.strip()):
        raise _fail(f"'amount' must be the words of the text, got {words!r}", entry, file)
    lower, upper = _number(entry, "lower", file), _number(entry, "upper", file)
    if lower is not None and upper is not None and lower > upper:
        raise _fail(f"lower bound {lower} is above upper bound {upper}", entry, file)
    return Amount(_number(entry, "value", file), words, lower, upper)


def add_amount(graph: Graph, node: URIRef, amount: Amount) -> None:
    """The number or the words, and the bounds; never a number the text does not give."""
    if amount.value is not None:
        graph.add((node, KG.numericValue, Literal(amount.value, datatype=XSD.decimal)))
    if amount.words is not None:
        graph.add((node, KG.amountText, Literal(amount.words)))
    for bound, prop in ((amount.lower, KG.lowerBound), (amount.upper, KG.upperBound)):
        if bound is not None:
            graph.add((node, prop, Literal(bound, datatype=XSD.decimal)))


def _number(entry: dict[str, Any], key: str, file: Path) -> Decimal | None:
    if entry.get(key) is None:
        return None
    try:
        number = Decimal(str(entry[key]))
    except InvalidOperation as error:
        raise _fail(f"{key} {entry[key]!r} is not a number", entry, file) from error
    if not number.is_finite() or number < 0:
        raise _fail(f"{key} {entry[key]!r} is not a number of zero or more", entry, file)
    return number


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
