"""Import ACLED and UCDP GED exports (CSV) as ordinary facts documents (docs/authoring.md), then ingest them.

An importer never writes RDF itself: it turns a CSV file into the same YAML an analyst would write, whose source
text is the CSV file itself (`source.text: seeds/<id>.csv`), so that everything downstream (name resolution, quote
offsets, SHACL on the delta, one-transaction commit, `kg retract`) is the normal `kg ingest`. Each row becomes
one event and one figure of deaths; the quote of both is the row's exact text in the file, so the evidence's
`oa:TextQuoteSelector` and `oa:TextPositionSelector` point at the row, and the note names its row and line.

Column layouts, as the projects publish them (checked against their published headers and schemas):

- ACLED: event_id_cnty, event_date, year, time_precision, disorder_type, event_type, sub_event_type, actor1,
  assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction, civilian_targeting, iso, region, country,
  admin1, admin2, admin3, location, latitude, longitude, geo_precision, source, source_scale, notes, fatalities,
  tags, timestamp. `event_date` is `YYYY-MM-DD` (API and current exports) or `7 December 2024` (older exports).
  `inter1`/`inter2` are numeric codes (1-8) in older files and words ("State Forces") in newer ones.
- UCDP GED: id, relid, year, active_year, code_status, type_of_violence, conflict_dset_id, conflict_new_id,
  conflict_name, dyad_dset_id, dyad_new_id, dyad_name, side_a_dset_id, side_a_new_id, side_a, side_b_dset_id,
  side_b_new_id, side_b, number_of_sources, source_article, source_office, source_date, source_headline,
  source_original, where_prec, where_coordinates, where_description, adm_1, adm_2, latitude, longitude, geom_wkt,
  priogrid_gid, country, country_id, region, event_clarity, date_prec, date_start, date_end, deaths_a, deaths_b,
  deaths_civilians, deaths_unknown, best, high, low, gwnoa, gwnob. Dates are `YYYY-MM-DD`, optionally followed
  by a time (`2010-05-13 00:00:00.000`, `2010-05-13T00:00:00`).

Mapping to the model:

| ACLED `event_type` / UCDP `type_of_violence` | event class |
|---|---|
| Battles; UCDP 1 (state-based) and 2 (non-state) | `kg:ArmedClash` |
| Explosions/Remote violence | `kg:Strike` |
| Violence against civilians; UCDP 3 (one-sided) | `kg:AttackOnCivilians` |
| Protests, Riots | `kg:Demonstration` |
| Strategic developments | `kg:StrategicDevelopment` |

- time: ACLED `{at: event_date}`; UCDP `{from: date_start, until: date_end}` (`{at: ...}` when both are equal);
- place: ACLED `location` and `admin1`, UCDP `where_coordinates` and `adm_1`, each resolved by name to a known
  place, else minted in the document's `entities:` as a `Town` (location columns) or a `Province` (admin columns);
- agents: ACLED `actor1`, `actor2`; UCDP `side_a`, `side_b`. Civilians (ACLED inter code 7, UCDP side B of
  one-sided violence) are `targets`, not agents. Unknown actors are minted with a kind from the ACLED inter code
  (1 State forces, 8 External/Other forces: ArmedForces; 2 Rebel groups, 3 Political militias, 4 Identity
  militias: ArmedGroup; 5 Rioters, 6 Protesters, 7 Civilians: UnnamedSource, as the project types unnamed
  demonstrators), for UCDP from the name ("Government of ...": Government; "Civilians": UnnamedSource), else
  ArmedGroup;
- fatalities (ACLED `fatalities`, UCDP `best`, with UCDP's `low` and `high` as `lower` / `upper` bounds and in
  the note): a quantity of kind `Deaths`, unit people, qualifier `as-stated`, measuring the event;
- every event and figure is `stance: asserted` (the dataset's own coding), `by:` the dataset's publisher (found by name, else minted: ACLED
  as an `NGO`, UCDP as an `Organisation`), which is also the source's author and publisher;
- the source's date is the export date given with `--date`, else the newest date in the file (ACLED: event dates
  and row timestamps; UCDP: `date_end`), which the export cannot predate.

Ambiguous names: a place column looks only at places and an actor column only at actors (Damascus, a metonym of
the regime, is the city in a place column). An admin column (admin1, adm_1) looks first at provinces and regions of
that name, then at provinces and regions named "<name> governorate" or "<name> province", then at any place; a
location column (location, where_coordinates) first at cities, towns and suburbs, then at any place. The first step
that finds something decides; if it finds more than one entity, the row is bad and the message lists the
candidates (add an alias to the right entity, or fix the row). Names are compared as the compiler compares them
(`kg.index.normalise`). A name found nowhere is minted once per document and reused by later rows.

Every row is checked before anything is written: required columns, dates, numbers, known event types and inter
codes, resolvable names, event ids not already in the store. Any problem makes the whole import fail with one
`InputError` listing every bad row by CSV line number, and nothing is imported.
"""

import csv
import datetime as dt
import hashlib
import re
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.authoring import SOURCE_ID
from kg.errors import InputError
from kg.index import Index, normalise
from kg.ingest import IngestReport, index_from_store, ingest
from kg.quotes import find_all
from kg.settings import Settings
from kg.store import Store
from kg.vocab import RES, sparql_prefixes

ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
UCDP_GED_COLUMNS: tuple[str, ...] = (
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
)
ACLED_REQUIRED = (
    "event_id_cnty",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "inter1",
    "actor2",
    "inter2",
    "admin1",
    "location",
    "fatalities",
)
UCDP_REQUIRED = (
    "id",
    "type_of_violence",
    "conflict_name",
    "side_a",
    "side_b",
    "where_coordinates",
    "adm_1",
    "date_start",
    "date_end",
    "best",
    "low",
    "high",
)
ACLED_EVENT_TYPES = {
    "battles": "ArmedClash",
    "explosions/remote violence": "Strike",
    "violence against civilians": "AttackOnCivilians",
    "protests": "Demonstration",
    "riots": "Demonstration",
    "strategic developments": "StrategicDevelopment",
}
UCDP_VIOLENCE_TYPES = {
    "1": ("ArmedClash", "state-based violence"),
    "2": ("ArmedClash", "non-state violence"),
    "3": ("AttackOnCivilians", "one-sided violence"),
}
CIVILIANS = "civilians"
# ACLED inter codes, by number and by the words newer exports use (singular or plural, any case).
ACLED_INTER_CODES = {
    "1": "state forces",
    "2": "rebel groups",
    "3": "political militias",
    "4": "identity militias",
    "5": "rioters",
    "6": "protesters",
    "7": CIVILIANS,
    "8": "external/other forces",
}
ACTOR_KINDS = {
    "state forces": "ArmedForces",
    "rebel groups": "ArmedGroup",
    "political militias": "ArmedGroup",
    "identity militias": "ArmedGroup",
    "rioters": "UnnamedSource",
    "protesters": "UnnamedSource",
    CIVILIANS: "UnnamedSource",
    "external/other forces": "ArmedForces",
}
DEFAULT_ACTOR_KIND = "ArmedGroup"
LOCAL_PLACE_TYPES = {"City", "Town", "Suburb"}
WIDE_PLACE_TYPES = {"Province", "Region"}
MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]+)?$")
WORDY_DATE = re.compile(r"^(\d{1,2})[ -]([A-Za-z]+)[ -](\d{4})$")


@dataclass(frozen=True)
class Publisher:
    """The organisation that publishes a dataset: how to find it by name, and how to mint it if absent."""

    slug: str
    names: tuple[str, ...]
    type: str
    description: str


ACLED_PUBLISHER = Publisher(
    "acled",
    ("Armed Conflict Location & Event Data Project", "ACLED"),
    "NGO",
    "Non-profit organisation that collects and publishes ACLED, a dataset of political violence and protest "
    "events with their dates, actors, places and reported fatalities.",
)
UCDP_PUBLISHER = Publisher(
    "ucdp",
    ("Uppsala Conflict Data Program", "UCDP"),
    "Organisation",
    "Data programme of the Department of Peace and Conflict Research, Uppsala University, that publishes the "
    "UCDP Georeferenced Event Dataset (GED) of organised violence.",
)


# ------------------------------------------------------------------------------------------ what is known


@dataclass
class Gazetteer:
    """What the store knows that an import needs: ids, names, and which entities are places or actors."""

    index: Index
    classes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    groups: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def from_store(cls, store: Store) -> "Gazetteer":
        """Ids and names from `kg.ingest.index_from_store`, classes and place/actor groups by one query."""
        gazetteer = cls(index_from_store(store))
        for row in store.select(_TYPES_QUERY):
            slug = row["x"]["value"].removeprefix(str(RES))
            gazetteer.classes[slug].add(row["type"]["value"].rsplit("#", 1)[-1])
            if "group" in row:
                gazetteer.groups[slug].add(row["group"]["value"].rsplit("#", 1)[-1])
        return gazetteer

    def named(self, name: str, group: str) -> list[str]:
        """The known entities of `group` ("Place" or "Actor") that `name` names."""
        return sorted(
            slug for slug in self.index.names.get(normalise(name), ()) if group in self.groups[slug]
        )


_TYPES_QUERY = f"""{sparql_prefixes("kg", "rdfs")}SELECT DISTINCT ?x ?type ?group WHERE {{
  ?x a ?type .
  FILTER (STRSTARTS(STR(?x), "{RES}") && STRSTARTS(STR(?type), STR(kg:)))
  OPTIONAL {{ VALUES ?group {{ kg:Place kg:Actor }} ?type rdfs:subClassOf* ?group }}
}}"""


# ------------------------------------------------------------------------------------------ CSV rows


@dataclass(frozen=True)
class Row:
    """One CSV record: its values, where it is (first line, 1-based row number, character offset) and its text."""

    number: int
    line: int
    start: int
    raw: str
    values: dict[str, str]


def read_csv(text: str, required: tuple[str, ...], what: str) -> tuple[list[Row], list[str]]:
    """The records of a CSV text with their exact text and offsets, and the problems found while reading.

    A record may span several lines (a quoted field holding a line break); its `raw` text is every line it spans,
    without the final line break. A byte-order mark before the header is ignored.

    >>> rows, problems = read_csv('a,b\\n1,"x\\ny"\\n2,z\\n', ("a", "b"), "test")
    >>> [(r.number, r.line, r.start, r.raw) for r in rows], problems
    ([(1, 2, 4, '1,"x\\ny"'), (2, 4, 12, '2,z')], [])
    """
    pieces = text.split("\n")
    lines = [piece + "\n" for piece in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    reader = csv.reader(iter(lines))
    problems: list[str] = []
    try:
        header = next(reader, None)
    except csv.Error as error:
        return [], [f"line 1: the header cannot be read ({error})"]
    if not header:
        return [], [f"line 1: the file is empty; expected a {what} header"]
    header = [name.lstrip("\ufeff").strip() for name in header]
    missing = [name for name in required if name not in header]
    if missing:
        return [], [f"line 1: not a {what} header; missing columns: {', '.join(missing)}"]
    rows: list[Row] = []
    consumed, records = reader.line_num, 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(f"line {consumed + 1}: the record cannot be read ({error})")
            break
        first, consumed = consumed, reader.line_num
        if not record or record == [""]:
            continue
        records += 1
        raw = text[offsets[first] : offsets[consumed]].removesuffix("\n").removesuffix("\r")
        if len(record) != len(header):
            problems.append(f"line {first + 1}: {len(record)} fields, the header has {len(header)}")
            continue
        values = {name: value.strip() for name, value in zip(header, record, strict=True)}
        rows.append(Row(records, first + 1, offsets[first], raw, values))
    return rows, problems


def parse_acled_date(value: str) -> dt.date | None:
    """An ACLED `event_date`: `2024-12-07` or `7 December 2024` (older exports); None if it is neither.

    >>> parse_acled_date("07 December 2024"), parse_acled_date("2024-12-07"), parse_acled_date("12/07/2024")
    (datetime.date(2024, 12, 7), datetime.date(2024, 12, 7), None)
    """
    value = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value)
        wordy = WORDY_DATE.match(value)
        if wordy and wordy.group(2).lower() in MONTHS:
            return dt.date(int(wordy.group(3)), MONTHS[wordy.group(2).lower()], int(wordy.group(1)))
    except ValueError:
        return None
    return None


def parse_ucdp_date(value: str) -> dt.date | None:
    """A UCDP GED `date_start` / `date_end`: a day, optionally followed by a time of day.

    >>> parse_ucdp_date("2010-05-13 00:00:00.000"), parse_ucdp_date("2010-05-13T00:00:00"), parse_ucdp_date("x")
    (datetime.date(2010, 5, 13), datetime.date(2010, 5, 13), None)
    """
    match = ISO_DATE.match(value.strip())
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None


def parse_count(value: str) -> int | None:
    """A whole number of people >= 0 (`"12"`, `"12.0"`), or None.

    >>> parse_count("12"), parse_count("12.0"), parse_count(""), parse_count("-1"), parse_count("many")
    (12, 12, None, None, None)
    """
    text = value.strip()
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+\.0+", text):
        return int(text.split(".")[0])
    return None


def acled_actor_type(inter: str) -> str | None:
    """The ACLED actor type an inter code names (number or words), "" for an empty code, None if unknown.

    >>> acled_actor_type("1"), acled_actor_type("Rebel Groups"), acled_actor_type("Civilians"), acled_actor_type("")
    ('state forces', 'rebel groups', 'civilians', '')
    >>> acled_actor_type("9") is None
    True
    """
    text = " ".join(inter.strip().lower().split())
    if not text:
        return ""
    if text in ACLED_INTER_CODES:
        return ACLED_INTER_CODES[text]
    for words in ACTOR_KINDS:
        if text in (
            words,
            words.removesuffix("s"),
            words.replace("groups", "group").replace("militias", "militia"),
        ):
            return words
    if text in ("external/other force", "rioter", "protester", "civilian"):
        return text + "s"
    return None


def slugify(text: str) -> str:
    """A lower-case kebab-case ASCII slug (empty when nothing ASCII is left).

    >>> slugify("Military Forces of Syria (2000-2024)"), slugify("Dar'a"), slugify("Ḥimṣ")
    ('military-forces-of-syria-2000-2024', 'dar-a', 'hims')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# ------------------------------------------------------------------------------------------ the document


@dataclass
class _Document:
    """A facts document being assembled from rows, with the problems found so far."""

    source_id: str
    dataset: str
    gazetteer: Gazetteer
    text: str
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    quantities: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    minted: dict[tuple[str, str], str] = field(default_factory=dict)
    event_ids: set[str] = field(default_factory=set)
    dates: list[dt.date] = field(default_factory=list)

    def taken(self, slug: str) -> bool:
        return slug in self.gazetteer.index.ids or slug in self.entities or slug in self.event_ids

    def new_slug(self, name: str, fallback: str) -> str:
        """A free slug for a new entity named `name`."""
        base = slugify(name) or f"{fallback}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"
        slug, suffix = base, 2
        while self.taken(slug):
            slug, suffix = f"{base}-{suffix}", suffix + 1
        return slug

    def entity(self, name: str, group: str, kind: str, column: str, problems: list[str]) -> str | None:
        """The id `name` resolves to among places or actors (`group`), minted as a `kind` if unknown.

        Places are looked up in steps (see the module docstring): an admin column (`kind` Province) first
        among provinces and regions, also as "<name> governorate" / "<name> province", then among all places;
        a location column (`kind` Town) first among cities, towns and suburbs, then among all places. The first
        step that finds anything decides; more than one candidate there makes the row bad.
        """
        key = (group, kind if group == "Place" else "", normalise(name))
        if key in self.minted:
            return self.minted[key]
        for candidates in self._steps(name, group, kind):
            if len(candidates) > 1:
                listed = ", ".join(f"{s} ({self.gazetteer.index.labels.get(s, s)})" for s in candidates)
                problems.append(f"{column} '{name}' names several {group.lower()}s: {listed}")
                return None
            if candidates:
                self.minted[key] = candidates[0]
                return candidates[0]
        slug = self.new_slug(name, f"{self.dataset.lower()}-{group.lower()}")
        what = "place" if group == "Place" else "actor"
        self.entities[slug] = {
            "type": [kind],
            "label": {"en": name},
            "description": f"{name}, a{'n' if what == 'actor' else ''} {what} named in the {column} column of "
            f"the {self.dataset} export {self.source_id} (created by the importer).",
        }
        self.minted[key] = slug
        return slug

    def _steps(self, name: str, group: str, kind: str) -> Iterator[list[str]]:
        """Candidate lists, most specific first (see `entity`)."""
        named = self.gazetteer.named
        if group != "Place":
            yield named(name, group)
            return
        classes = self.gazetteer.classes
        if kind == "Province":
            yield [s for s in named(name, group) if classes[s] & WIDE_PLACE_TYPES]
            suffixed = {s for suffix in (" governorate", " province") for s in named(name + suffix, group)}
            yield sorted(s for s in suffixed if classes[s] & WIDE_PLACE_TYPES)
        else:
            yield [s for s in named(name, group) if classes[s] & LOCAL_PLACE_TYPES]
        yield named(name, group)

    def publisher(self, spec: Publisher) -> str:
        """The dataset's publisher: a known actor with one of its names, else a new entity."""
        for name in spec.names:
            found = self.gazetteer.named(name, "Actor")
            if len(found) == 1:
                return found[0]
        slug = spec.slug if not self.taken(spec.slug) else self.new_slug(spec.slug + "-dataset", spec.slug)
        self.entities[slug] = {
            "type": [spec.type],
            "label": {"en": spec.names[0]},
            "aliases": {"en": list(spec.names[1:])},
            "description": spec.description,
        }
        return slug

    def quote(self, row: Row) -> dict[str, Any]:
        """The row's text as the quote, with the occurrence when the same text appears more than once."""
        starts = find_all(self.text, row.raw)
        entry: dict[str, Any] = {"quote": row.raw}
        if len(starts) > 1:  # quotes match without their outer whitespace (kg/quotes.py)
            entry["occurrence"] = starts.index(row.start + len(row.raw) - len(row.raw.lstrip())) + 1
        return entry

    def event_id(self, slug: str, label: str, row: Row, problems: list[str]) -> str:
        if slug in self.event_ids:
            problems.append(f"{label} appears twice in the file")
        elif slug in self.gazetteer.index.ids:
            problems.append(
                f"{label} is already in the store (as '{slug}', from another export): remove the row, "
                "or retract that source first"
            )
        self.event_ids.add(slug)
        return slug


def _time(start: dt.date, end: dt.date) -> dict[str, str]:
    if start == end:
        return {"at": start.isoformat()}
    return {"from": start.isoformat(), "until": end.isoformat()}


def _add_row(
    doc: _Document,
    row: Row,
    event: dict[str, Any],
    deaths: int,
    note: str,
    publisher: str,
    deaths_note: str,
    bounds: dict[str, int] | None = None,
) -> None:
    # The dataset's own coding, in its publisher's voice: asserted (docs/decisions/20261207-stances.md).
    attestation = {"stance": "asserted", "by": publisher, **doc.quote(row)}
    doc.events.append({**event, **attestation, "note": note})
    doc.quantities.append(
        {
            "id": f"{event['id']}-deaths",
            "kind": "Deaths",
            "value": deaths,
            "unit": "people",
            "qualifier": "as-stated",
            "of": event["id"],
            "time": dict(event["time"]),
            **(bounds or {}),
            **attestation,
            "note": deaths_note,
        }
    )


def _places(doc: _Document, row: Row, columns: tuple[tuple[str, str], ...], problems: list[str]) -> list[str]:
    places: list[str] = []
    for column, kind in columns:
        name = row.values.get(column, "")
        if name:
            slug = doc.entity(name, "Place", kind, column, problems)
            if slug and slug not in places:
                places.append(slug)
    return places


def acled_document(
    text: str,
    source_id: str,
    gazetteer: Gazetteer,
    *,
    title: str | None = None,
    date: str | None = None,
    url: str | None = None,
    file_name: str = "",
) -> dict[str, Any]:
    """The facts document for an ACLED export; `InputError` listing every bad row if any row is bad."""
    doc = _Document(source_id, "ACLED", gazetteer, text)
    rows, doc.problems = read_csv(text, ACLED_REQUIRED, "ACLED")
    publisher = doc.publisher(ACLED_PUBLISHER)
    for row in rows:
        _acled_row(doc, row, publisher)
    return _finish(doc, rows, title or f"ACLED data export {file_name or source_id}", date, url, publisher)


def _acled_row(doc: _Document, row: Row, publisher: str) -> None:
    values, problems = row.values, []
    event_id = values["event_id_cnty"]
    if not event_id or not slugify(event_id):
        problems.append("event_id_cnty is empty")
    day = parse_acled_date(values["event_date"])
    if day is None:
        problems.append(
            f"event_date {values['event_date']!r} is not a date (YYYY-MM-DD or '7 December 2024')"
        )
    event_class = ACLED_EVENT_TYPES.get(values["event_type"].lower())
    if event_class is None:
        known = ", ".join(sorted({k.capitalize() for k in ACLED_EVENT_TYPES}))
        problems.append(f"event_type {values['event_type']!r} is not an ACLED event type ({known})")
    deaths = parse_count(values["fatalities"])
    if deaths is None:
        problems.append(
            "fatalities is missing"
            if not values["fatalities"]
            else f"fatalities {values['fatalities']!r} is not a whole number >= 0"
        )
    if not values["actor1"]:
        problems.append("actor1 is empty")
    if not values["location"] and not values["admin1"]:
        problems.append("neither location nor admin1 names a place")
    actor_types = {}
    for column in ("inter1", "inter2"):
        actor_types[column] = acled_actor_type(values[column])
        if actor_types[column] is None:
            problems.append(f"{column} {values[column]!r} is not an ACLED inter code (1-8 or its words)")
    if problems:
        doc.problems.append(f"line {row.line}: {'; '.join(problems)}")
        return
    assert day is not None and event_class is not None and deaths is not None
    slug = doc.event_id(f"acled-{slugify(event_id)}", f"event_id_cnty {event_id}", row, problems)
    places = _places(doc, row, (("location", "Town"), ("admin1", "Province")), problems)
    agents, targets = [], []
    for column, inter in (("actor1", "inter1"), ("actor2", "inter2")):
        name = values[column]
        if not name:
            continue
        actor_type = actor_types[inter] or ""
        kind = ACTOR_KINDS.get(actor_type, DEFAULT_ACTOR_KIND)
        actor = doc.entity(name, "Actor", kind, column, problems)
        if actor:
            (targets if actor_type == CIVILIANS else agents).append(actor)
    if problems:
        doc.problems.append(f"line {row.line}: {'; '.join(problems)}")
        return
    doc.dates.append(day)
    if parse_count(values.get("timestamp", "")) is not None:
        doc.dates.append(dt.datetime.fromtimestamp(int(values["timestamp"]), dt.UTC).date())
    where = values["location"] or values["admin1"]
    event = {
        "id": slug,
        "type": event_class,
        "label": {
            "en": f"{values['event_type']}: {values['sub_event_type'] or 'event'} at {where}, {day} "
            f"(ACLED {event_id})"
        },
        "time": {"at": day.isoformat()},
        "place": places,
        "agents": agents,
        "targets": targets,
    }
    details = [
        f"ACLED row {row.number} (CSV line {row.line}) of {doc.source_id}, event_id_cnty {event_id}",
        f"time precision {values.get('time_precision') or 'not given'}",
    ]
    for column in ("assoc_actor_1", "assoc_actor_2", "source", "notes"):
        if values.get(column):
            details.append(f"{column}: {values[column]}")
    note = "; ".join(details).rstrip(".") + "."
    deaths_note = (
        f"Reported fatalities of ACLED row {row.number} (CSV line {row.line}), event_id_cnty {event_id}."
    )
    _add_row(doc, row, event, deaths, note, publisher, deaths_note)


def ucdp_document(
    text: str,
    source_id: str,
    gazetteer: Gazetteer,
    *,
    title: str | None = None,
    date: str | None = None,
    url: str | None = None,
    file_name: str = "",
) -> dict[str, Any]:
    """The facts document for a UCDP GED export; `InputError` listing every bad row if any row is bad."""
    doc = _Document(source_id, "UCDP", gazetteer, text)
    rows, doc.problems = read_csv(text, UCDP_REQUIRED, "UCDP GED")
    publisher = doc.publisher(UCDP_PUBLISHER)
    for row in rows:
        _ucdp_row(doc, row, publisher)
    return _finish(doc, rows, title or f"UCDP GED export {file_name or source_id}", date, url, publisher)


def _ucdp_actor_kind(name: str) -> str:
    """The kind of a new UCDP actor, from its name.

    >>> _ucdp_actor_kind("Government of Syria"), _ucdp_actor_kind("Civilians"), _ucdp_actor_kind("IS")
    ('Government', 'UnnamedSource', 'ArmedGroup')
    """
    if name.lower().startswith("government of"):
        return "Government"
    if name.lower() == CIVILIANS:
        return "UnnamedSource"
    return DEFAULT_ACTOR_KIND


def _ucdp_row(doc: _Document, row: Row, publisher: str) -> None:
    values, problems = row.values, []
    ged_id = values["id"]
    if parse_count(ged_id) is None:
        problems.append(f"id {ged_id!r} is not a whole number")
    violence = UCDP_VIOLENCE_TYPES.get(values["type_of_violence"])
    if violence is None:
        problems.append(f"type_of_violence {values['type_of_violence']!r} is not 1, 2 or 3")
    start, end = parse_ucdp_date(values["date_start"]), parse_ucdp_date(values["date_end"])
    for column, day in (("date_start", start), ("date_end", end)):
        if day is None:
            problems.append(f"{column} {values[column]!r} is not a date (YYYY-MM-DD)")
    if start and end and start > end:
        problems.append(f"date_start {start} is after date_end {end}")
    counts = {column: parse_count(values[column]) for column in ("best", "low", "high")}
    for column, count in counts.items():
        if count is None:
            problems.append(
                f"{column} is missing"
                if not values[column]
                else f"{column} {values[column]!r} is not a whole number >= 0"
            )
    for column in ("side_a", "side_b"):
        if not values[column]:
            problems.append(f"{column} is empty")
    if not values["where_coordinates"] and not values["adm_1"]:
        problems.append("neither where_coordinates nor adm_1 names a place")
    if problems:
        doc.problems.append(f"line {row.line}: {'; '.join(problems)}")
        return
    assert violence is not None and start is not None and end is not None
    slug = doc.event_id(f"ucdp-ged-{int(ged_id)}", f"GED id {ged_id}", row, problems)
    places = _places(doc, row, (("where_coordinates", "Town"), ("adm_1", "Province")), problems)
    side_a = doc.entity(values["side_a"], "Actor", _ucdp_actor_kind(values["side_a"]), "side_a", problems)
    side_b = doc.entity(values["side_b"], "Actor", _ucdp_actor_kind(values["side_b"]), "side_b", problems)
    if problems:
        doc.problems.append(f"line {row.line}: {'; '.join(problems)}")
        return
    doc.dates.append(end)
    one_sided = values["type_of_violence"] == "3"
    where = values["where_coordinates"] or values["adm_1"]
    event = {
        "id": slug,
        "type": violence[0],
        "label": {
            "en": f"{values['conflict_name'] or 'UCDP event'}: {violence[1]} at {where}, "
            f"{_span(start, end)} (UCDP GED {ged_id})"
        },
        "time": _time(start, end),
        "place": places,
        "agents": [side_a] if one_sided else [side_a, side_b],
        "targets": [side_b] if one_sided else [],
    }
    details = [
        f"UCDP GED row {row.number} (CSV line {row.line}) of {doc.source_id}, id {ged_id}",
        f"relid {values.get('relid') or 'not given'}",
        f"date precision {values.get('date_prec') or 'not given'}",
        f"where precision {values.get('where_prec') or 'not given'}",
    ]
    if values.get("source_article"):
        details.append(f"source_article: {values['source_article']}")
    note = "; ".join(details).rstrip(".") + "."
    deaths_note = (
        f"Best estimate of deaths in UCDP GED row {row.number} (CSV line {row.line}), id {ged_id}; "
        f"low {counts['low']}, high {counts['high']}."
    )
    low, high = counts["low"], counts["high"]
    bounds = {"lower": low, "upper": high} if low is not None and high is not None and low <= high else None
    _add_row(doc, row, event, counts["best"] or 0, note, publisher, deaths_note, bounds)


def _span(start: dt.date, end: dt.date) -> str:
    return str(start) if start == end else f"{start} to {end}"


def _finish(
    doc: _Document, rows: list[Row], title: str, date: str | None, url: str | None, publisher: str
) -> dict[str, Any]:
    if not rows and not doc.problems:
        doc.problems.append("line 2: the file has a header but no rows")
    if doc.problems:
        listed = "\n".join(f"  {problem}" for problem in doc.problems)
        raise InputError(
            f"{len(doc.problems)} bad row(s) in the {doc.dataset} export; nothing was imported:\n{listed}"
        )
    source: dict[str, Any] = {
        "id": doc.source_id,
        "title": title,
        "date": date or max(doc.dates).isoformat(),
        "language": "en",
        "author": publisher,
        "publisher": publisher,
        "text": f"seeds/{doc.source_id}.csv",
    }
    if url:
        source["url"] = url
    document: dict[str, Any] = {"source": source}
    if doc.entities:
        document["entities"] = doc.entities
    document["events"] = doc.events
    document["quantities"] = doc.quantities
    return document


def dump_document(document: dict[str, Any], dataset: str, command: str) -> str:
    """The facts document as YAML, with a header naming where it came from."""
    source = document["source"]
    header = (
        f"# Facts imported from {source['text']} ({dataset} export) by `kg {command}`: one event and one figure\n"
        "# of deaths per row, each quoting its row. Re-import rather than edit: `kg retract` then import again.\n"
    )
    body = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000)
    return header + body


class _Dumper(yaml.SafeDumper):
    """Safe YAML without anchors: every repeated value is written out in full."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


# ------------------------------------------------------------------------------------------ import


Converter = Callable[..., dict[str, Any]]
DATASETS: dict[str, tuple[str, Converter, str]] = {
    "acled": ("ACLED", acled_document, "import-acled"),
    "ucdp": ("UCDP GED", ucdp_document, "import-ucdp"),
}


def read_text(path: Path) -> str:
    """A CSV file's text exactly as the compiler will read it (UTF-8, nothing normalised)."""
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text ({error})", file=str(path)) from error


def import_export(
    settings: Settings,
    store: Store,
    dataset: str,
    csv_path: Path,
    source_id: str,
    *,
    title: str | None = None,
    date: str | None = None,
    url: str | None = None,
) -> IngestReport:
    """Convert an ACLED or UCDP GED export to a facts document and ingest it (all rows, or nothing)."""
    name, convert, command = DATASETS[dataset]
    if not SOURCE_ID.match(source_id):
        raise InputError(f"source id {source_id!r} may only hold letters, digits, '_', '.' and '-'")
    text = read_text(csv_path)
    try:
        document = convert(
            text,
            source_id,
            Gazetteer.from_store(store),
            title=title,
            date=date,
            url=url,
            file_name=csv_path.name,
        )
    except InputError as error:
        raise InputError(str(error), file=str(csv_path)) from error
    with tempfile.TemporaryDirectory(prefix="kg-import-") as folder:
        facts = Path(folder) / f"{source_id}.yaml"
        facts.write_text(dump_document(document, name, command), encoding="utf-8")
        return ingest(settings, store, facts, csv_path)
