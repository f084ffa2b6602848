"""The table of weights the blocs are computed with: intensity per relation type, stance discount,
corroboration, recency, the contested threshold and who acts for whom (kg/bloc_weights.yaml, documented in
docs/analytics.md). Data, not code: `kg blocs --weights FILE` reads another table in the same format.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.errors import InputError

DEFAULT_TABLE = Path(__file__).with_name("bloc_weights.yaml")
ACTS_FOR_RELATIONS = ("spokesperson-of", "sub-organisation-of", "leads", "holds-office")
_NUMBER_KEYS = ("cooperative", "hostile", "corroboration", "half_life_days", "contested_below")


@dataclass(frozen=True)
class Weights:
    """One table of weights. `broader` (relation slug -> its skos:broader slug) is filled from the graph."""

    name: str
    relations: dict[str, float]
    stances: dict[str, float]
    cooperative: float = 0.5
    hostile: float = 0.5
    corroboration: float = 0.5
    half_life_days: float | None = 365.0
    contested_below: float = 0.75
    acts_for: tuple[str, ...] = ACTS_FOR_RELATIONS
    broader: dict[str, str] = field(default_factory=dict, compare=False)

    def intensity(self, relation: str, polarity: int) -> float:
        """The relation's own intensity, else its nearest listed broader type's, else the default by sign.

        >>> w = Weights("t", {"supports": 0.6}, {}, broader={"arms": "supports-militarily",
        ...     "supports-militarily": "supports"})
        >>> w.intensity("arms", 1), w.intensity("scolds", -1)
        (0.6, 0.5)
        """
        seen: set[str] = set()
        while relation not in self.relations and relation in self.broader and relation not in seen:
            seen.add(relation)
            relation = self.broader[relation]
        if relation in self.relations:
            return self.relations[relation]
        return self.cooperative if polarity > 0 else self.hostile

    def stance(self, stance: str) -> float:
        """What a stance (IRI or local name) leaves of a tie; an unknown stance weighs nothing."""
        return self.stances.get(stance.rsplit("#", 1)[-1], 0.0)

    def recency(self, end: dt.date | None, reference: dt.date | None) -> float:
        """Full weight for a tie still holding on the reference day, half per half-life since it ended.

        >>> w = Weights("t", {}, {}, half_life_days=365)
        >>> w.recency(dt.date(2023, 12, 7), dt.date(2024, 12, 6)), w.recency(None, dt.date(2024, 12, 7))
        (0.5, 1.0)
        """
        if end is None or reference is None or end >= reference or not self.half_life_days:
            return 1.0
        return round(math.pow(0.5, (reference - end).days / self.half_life_days), 6)

    def corroborated(self, strengths: list[float]) -> float:
        """The strongest source in full, each further source at the corroboration share of its strength.

        >>> Weights("t", {}, {}, corroboration=0.5).corroborated([0.4, 1.0, 1.0])
        1.7
        """
        ordered = sorted(strengths, reverse=True)
        return round(ordered[0] + self.corroboration * sum(ordered[1:]), 6) if ordered else 0.0

    def with_broader(self, broader: dict[str, str]) -> Weights:
        """The same table, knowing the graph's skos:broader links between relation types."""
        return Weights(**{**self.__dict__, "broader": dict(broader)})


def load_weights(path: Path | None = None) -> Weights:
    """Read a weights table; keys left out take the default table's values. Bad input: `InputError`."""
    default = _read(DEFAULT_TABLE)
    if path is None:
        return _weights(default, str(DEFAULT_TABLE))
    if not path.is_file():
        raise InputError(f"no weights table at {path}")
    given = _read(path)
    merged = default | given
    for key in ("relations", "stances"):
        merged[key] = {**default[key], **(given.get(key) or {})}
    merged.setdefault("name", path.stem)
    if "name" not in given:
        merged["name"] = path.stem
    return _weights(merged, str(path))


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise InputError(f"not YAML: {error}", file=str(path)) from error
    if not isinstance(data, dict):
        raise InputError("a weights table is a mapping (name, relations, stances, ...)", file=str(path))
    return data


def _number(value: Any, what: str, file: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise InputError(f"{what} must be a number >= 0, not {value!r}", file=file)
    return float(value)


def _weights(data: dict[str, Any], file: str) -> Weights:
    known = {"name", "relations", "stances", "acts_for", *_NUMBER_KEYS}
    if unknown := sorted(set(data) - known):
        raise InputError(
            f"unknown key(s) {', '.join(map(str, unknown))} (known: {', '.join(sorted(known))})", file=file
        )
    for key in ("relations", "stances"):
        if not isinstance(data[key], dict):
            raise InputError(f"{key} must map names to numbers", file=file)
    acts_for = data.get("acts_for") or []
    if not isinstance(acts_for, list) or not set(acts_for) <= set(ACTS_FOR_RELATIONS):
        raise InputError(f"acts_for lists some of {', '.join(ACTS_FOR_RELATIONS)}", file=file)
    numbers = {key: _number(data[key], key, file) for key in _NUMBER_KEYS if data.get(key) is not None}
    if numbers.get("contested_below", 0) > 1:
        raise InputError("contested_below is a share of weight, between 0 and 1", file=file)
    return Weights(
        name=str(data.get("name") or Path(file).stem),
        relations={str(k): _number(v, f"relations.{k}", file) for k, v in data["relations"].items()},
        stances={str(k): _number(v, f"stances.{k}", file) for k, v in data["stances"].items()},
        acts_for=tuple(acts_for),
        **numbers,
    )


DEFAULT_WEIGHTS = load_weights()
# Every signed tie 1, every source in full, no discount but for denied and rumoured, no recency, no one acting
# for another: the weights before issue #21, kept for comparison (`kg blocs --sensitivity`) and for tests
# that count sources.
FLAT_WEIGHTS = Weights(
    "flat", {}, {"Asserted": 1.0, "Reported": 1.0, "Claimed": 1.0}, 1.0, 1.0, 1.0, 0, 0.0, acts_for=()
)
