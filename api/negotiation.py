"""Content negotiation over the one table of formats (`kg/formats.py`): Accept parsing and choosing.

Every answer negotiates the same way: `/sparql` (SPARQL results or RDF), `/store`, `/void`, `/id/...` (the
page or RDF) and error bodies (JSON or text). The rules are RFC 9110's
(https://www.rfc-editor.org/rfc/rfc9110#section-12.5.1):

- each media range has a weight `q` (1 when absent; a malformed one counts as 0); q=0 means "not this";
- a format gets the weight of the most specific range that matches it: its own media type before another
  name of it (`application/json` for SPARQL JSON, which counts only when given exactly), before `type/*`,
  before `*/*`; between ranges of one media type, the one with more parameters is the more specific;
- parameters: `charset` must be UTF-8, as every format here is; others (a JSON-LD `profile`) do not stop a
  match, they only make the range more specific;
- the format of highest weight wins; on a tie, the one whose range comes first in the header, then the
  server's order of preference (the order of `kg/formats.py`);
- no Accept header: the first format. Nothing acceptable: 406 for an answer, while an error keeps its own
  status and is written in its first format (RFC 9110 lets a server disregard Accept rather than say 406).

`format=` (a name or a media type) wins over Accept: a link in a browser cannot set headers.
The same table says which request bodies can be read (Content-Type), else 415.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

import pyoxigraph as ox

from kg.errors import KGError
from kg.formats import Format, Kind, by_media_type, formats

UTF8 = ("utf-8", "utf8")
_RANGE = re.compile(r'(?:[^,"]|"[^"]*")+')  # one media range: commas inside quoted values do not split


class NotAcceptable(KGError):
    """No format the client accepts can carry the answer."""

    http_status = 406
    headers: ClassVar[dict[str, str]] = {"Vary": "Accept"}  # the answer depends on the Accept header


class UnsupportedMediaType(KGError):
    """A request body whose media type or charset the endpoint does not read."""

    http_status = 415


@dataclass(frozen=True)
class MediaRange:
    """One media range of an Accept header, with its weight and its place in the header."""

    media_type: str  # "text/turtle", "text/*" or "*/*", in lower case
    params: tuple[tuple[str, str], ...]
    quality: float
    position: int

    def specificity(self, fmt: Format) -> tuple[int, int] | None:
        """How closely this range names `fmt` (higher is closer); None when it does not match it."""
        charset = dict(self.params).get("charset")
        if charset is not None and charset.lower() not in UTF8:
            return None
        if self.media_type == fmt.media_type:
            level = 3
        elif self.media_type in fmt.also_accepts:
            level = 2
        elif self.media_type == fmt.media_type.split("/")[0] + "/*":
            level = 1
        elif self.media_type == "*/*":
            level = 0
        else:
            return None
        return level, len(self.params)


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


@lru_cache(maxsize=256)
def parse_accept(header: str | None) -> tuple[MediaRange, ...]:
    """The media ranges of an Accept header; ranges that are not `type/subtype` are skipped.

    Parameters after `q` are extensions of the Accept field, not of the media type, and are dropped.

    >>> [(r.media_type, r.params, r.quality) for r in parse_accept('text/turtle;q=0.5, text/*;charset=utf-8, *')]
    [('text/turtle', (), 0.5), ('text/*', (('charset', 'utf-8'),), 1.0), ('*/*', (), 1.0)]
    """
    ranges = []
    for item in _RANGE.findall(header or ""):
        essence, *fields = item.split(";")
        media_type = essence.strip().lower()
        if media_type == "*":  # old clients' way of saying */*
            media_type = "*/*"
        main, _, sub = media_type.partition("/")
        if not main or not sub or (main == "*" and sub != "*"):
            continue
        params: list[tuple[str, str]] = []
        quality = 1.0
        for field in fields:
            name, _, value = field.partition("=")
            name, value = name.strip().lower(), value.strip().strip('"')
            if name == "q":
                quality = _quality(value)
                break
            if name:
                params.append((name, value))
        ranges.append(MediaRange(media_type, tuple(params), quality, len(ranges)))
    return tuple(ranges)


def _quality(value: str) -> float:
    try:
        quality = float(value)
    except ValueError:
        return 0.0
    return min(max(quality, 0.0), 1.0)


def negotiate(candidates: Sequence[Format], accept: str | None) -> Format | None:
    """The candidate the Accept header prefers (see the module's rules); None when it accepts none of them.

    Remembered for the last few hundred (candidates, header) pairs: clients send the same few headers, and
    each answer to `/sparql` negotiates once.

    >>> from kg.formats import JSON_LD, TURTLE
    >>> negotiate([TURTLE, JSON_LD], "text/turtle;q=0.5, application/ld+json").name
    'jsonld'
    >>> negotiate([TURTLE, JSON_LD], "text/*;q=0.1, text/turtle").name
    'turtle'
    >>> negotiate([TURTLE, JSON_LD], "*/*;q=0.5, text/turtle;q=0").name
    'jsonld'
    >>> negotiate([TURTLE, JSON_LD], "image/png") is None
    True
    """
    return _negotiate(tuple(candidates), accept)


@lru_cache(maxsize=512)
def _negotiate(candidates: tuple[Format, ...], accept: str | None) -> Format | None:
    ranges = parse_accept(accept)
    if not ranges:
        return candidates[0] if candidates else None
    best: tuple[float, int, int] | None = None
    chosen = None
    for preference, fmt in enumerate(candidates):
        matches = [(r.specificity(fmt), -r.position, r) for r in ranges]
        closest = max(((s, p, r) for s, p, r in matches if s is not None), default=None, key=lambda m: m[:2])
        if closest is None or closest[2].quality <= 0:
            continue
        key = (closest[2].quality, -closest[2].position, -preference)
        if best is None or key > best:
            best, chosen = key, fmt
    return chosen


def choose_among(candidates: Sequence[Format], accept: str | None, format_param: str | None = None) -> Format:
    """The format to answer with: `format=` (a name or media type) wins, else the Accept header; else 406."""
    if format_param:
        for candidate in candidates:
            if candidate.is_named(format_param):
                return candidate
        raise NotAcceptable(
            f"format={format_param} cannot carry this answer; use one of: "
            + ", ".join(f"{f.name} ({f.media_type})" for f in candidates)
        )
    chosen = negotiate(candidates, accept)
    if chosen is None:
        raise NotAcceptable(
            f"none of the accepted media types ({accept}) can carry this answer; available: "
            + ", ".join(f.media_type for f in candidates)
        )
    return chosen


def choose(
    kind: Kind, accept: str | None, format_param: str | None = None, *, datasets_only: bool = False
) -> Format:
    """The format of a kind to answer with (see `choose_among`).

    `datasets_only` keeps the formats that carry named graphs (a whole-store dump).

    >>> choose("results", "text/csv;q=0.5, application/sparql-results+xml").media_type
    'application/sparql-results+xml'
    >>> choose("graph", None, "jsonld").media_type
    'application/ld+json'
    >>> choose("results", "*/*").media_type
    'application/sparql-results+json'
    """
    return choose_among(_candidates(kind, datasets_only), accept, format_param)


@lru_cache(maxsize=16)
def _candidates(kind: Kind, datasets_only: bool) -> tuple[Format, ...]:
    return tuple(f for f in formats(kind) if f.holds_datasets or not datasets_only)


def body_format(content_type: str | None) -> ox.RdfFormat:
    """The RDF format of a request body, from its Content-Type (415 when the server cannot read it)."""
    media_type, params = parse_media_type(content_type)
    charset = params.get("charset", "utf-8").lower()
    if charset not in (*UTF8, "us-ascii"):
        raise UnsupportedMediaType(f"RDF bodies must be UTF-8, not {params['charset']}")
    fmt = by_media_type(media_type, "graph")
    if fmt is None or fmt.rdf is None:
        raise UnsupportedMediaType(
            f"cannot read a body of type '{media_type or 'none'}'; send one of: "
            + ", ".join(f.media_type for f in formats("graph"))
        )
    return fmt.rdf
