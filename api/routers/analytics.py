"""Alliance analytics over HTTP: blocs for the browser, the diff between two days, and network exports.

| route | answers |
|---|---|
| `GET /api/blocs?date=&sides=` | blocs (cohesion), placements (confidence, contested, acts for, weighed evidence), balance, unbalanced triangles, events; `sides=true`: one node per side; weights of kg/bloc_weights.yaml |
| `GET /api/diff?from=&to=` | relations that began, ended, passed or changed sign, and the events between |
| `GET /export?format=&date=` | the network as `graphml`, `gexf`, `csv-nodes`, `csv-edges` or `jsonld` |

Every route also takes `include_claimed` (default false) and `include_undated` (default true). `date` is a day
(`2024-12-07`), an interval (`2024-11-26/2024-12-07`, `..` for an open end) or absent for all time. The JSON
format is documented in docs/analytics.md. Bad input raises `kg.errors.InputError`, which the application's one
handler (api/errors.py) answers with a 400.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import StoreDep
from kg.analytics import Options, Window, blocs_report, diff, diff_report, parse_date, read_record
from kg.errors import InputError
from kg.exports import EXPORT_FORMATS, export_filename, export_network

router = APIRouter(tags=["analytics"])

DateQuery = Annotated[
    str | None, Query(description="A day YYYY-MM-DD or an interval A/B ('..' open); absent for all time.")
]
ClaimedQuery = Annotated[bool, Query(description="Count claimed statements and events too.")]
UndatedQuery = Annotated[bool, Query(description="Count statements that have no time.")]
SidesQuery = Annotated[bool, Query(description="One node per side (kg:Side) instead of each of its parts.")]


@router.get("/api/blocs")
def blocs(
    store: StoreDep,
    date: DateQuery = None,
    include_claimed: ClaimedQuery = False,
    include_undated: UndatedQuery = True,
    sides: SidesQuery = False,
) -> dict[str, Any]:
    """Blocs of the signed actor network on a day or interval, with evidence, balance and events."""
    options = Options(Window.parse(date), include_claimed, include_undated, sides)
    return blocs_report(read_record(store), options)


@router.get("/api/diff")
def network_diff(
    store: StoreDep,
    start: Annotated[str, Query(alias="from", description="The earlier day, YYYY-MM-DD.")],
    end: Annotated[str, Query(alias="to", description="The later day, YYYY-MM-DD.")],
    include_claimed: ClaimedQuery = False,
    include_undated: UndatedQuery = True,
) -> dict[str, Any]:
    """Relations that began, ended or changed sign between two days, with evidence, and the events between."""
    first, last = parse_date(start), parse_date(end)
    record = read_record(store)
    result = diff(record, first, last, include_claimed=include_claimed, include_undated=include_undated)
    return diff_report(result, record)


@router.get("/export")
def export(
    store: StoreDep,
    fmt: Annotated[str, Query(alias="format", description=f"One of {', '.join(EXPORT_FORMATS)}.")] = "gexf",
    date: DateQuery = None,
    include_claimed: ClaimedQuery = False,
    include_undated: UndatedQuery = True,
) -> Response:
    """The signed actor network as GraphML, GEXF (with time intervals), CSV nodes or edges, or JSON-LD."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown format '{fmt}' (one of {', '.join(EXPORT_FORMATS)})")
    options = Options(Window.parse(date), include_claimed, include_undated)
    data = export_network(read_record(store), options, fmt)
    disposition = f'attachment; filename="{export_filename(options, fmt)}"'
    headers = {"Content-Disposition": disposition}
    return Response(data, media_type=EXPORT_FORMATS[fmt].media_type, headers=headers)
