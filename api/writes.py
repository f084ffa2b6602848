"""Safe writes: a bearer token, one write at a time, SHACL on the change, one transaction or nothing.

Every SPARQL update and Graph Store write goes through `Writer.write`: it takes the write lock, tries the
operation on a private copy of the store (kg/write_check.py), validates the change with the incremental SHACL
check `kg ingest` uses too (kg/shacl_delta.py), and applies it to the real store as one SPARQL update. A write
that breaks a shape is refused with 422 and the SHACL report, and the store is exactly as before. Reads never
wait for writes.

Authorisation (RFC 6750): without `write_token` in the settings writes are refused (403); with it, a request
needs `Authorization: Bearer <token>` (401 when missing or wrong). Reads stay open.
"""

import hmac
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox
from fastapi import Request

from api.errors import Busy, Forbidden, Unauthorized
from api.execution import Job
from kg.build import load_ontology
from kg.errors import QueryError, ValidationFailed, sparql_syntax_message
from kg.settings import Settings
from kg.shacl_delta import DatasetState, DeltaCheck
from kg.store import DefaultGraphUnreachable, Store
from kg.validate import load_shapes
from kg.write_check import Trial, delta_update

Operation = Callable[[ox.Store], None]


def require_write_token(request: Request, settings: Settings) -> None:
    """Refuse a write unless writes are enabled and the request carries the bearer token."""
    if not settings.write_token:
        raise Forbidden(
            "writes are disabled on this server (start it with KG_WRITE_TOKEN set to enable them)"
        )
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("this write needs an Authorization: Bearer <token> header")
    if not hmac.compare_digest(token.strip().encode(), settings.write_token.encode()):
        error = Unauthorized("the bearer token is not valid")
        error.headers = {"WWW-Authenticate": 'Bearer realm="syria-kg", error="invalid_token"'}  # type: ignore[attr-defined]
        raise error


@dataclass
class WriteOutcome:
    """What a write did: triples added and removed, named graphs created and dropped."""

    added: int = 0
    removed: int = 0
    created_graphs: set[str] = field(default_factory=set)
    dropped_graphs: set[str] = field(default_factory=set)

    def headers(self) -> dict[str, str]:
        """Counts for the response (the body of a successful write is empty)."""
        return {"X-Triples-Added": str(self.added), "X-Triples-Removed": str(self.removed)}


class Writer:
    """Serialises, checks and applies writes to one store."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.lock = threading.Lock()
        self._check: DeltaCheck | None = None
        self.on_commit: Callable[[], None] = lambda: None

    def delta_check(self) -> DeltaCheck:
        """The check of a change: the data shapes and the ontology, read from the files once."""
        if self._check is None:
            ontology = load_ontology(self.settings) if self.settings.ontology_dir.is_dir() else None
            self._check = DeltaCheck(load_shapes(self.settings.shapes_dir), ontology)
        return self._check

    def write(
        self, job: Job, operation: Operation, scope: frozenset[str] | None = None, certain: bool = False
    ) -> WriteOutcome:
        """In a worker thread: try `operation` on a copy, validate the change, apply it (or raise).

        `scope`: the graphs the operation may change ('' for the default graph), None if unknown; `certain`
        when the operation cannot change anything else (see `Trial`).
        """
        if not self.lock.acquire(timeout=max(job.deadline - time.monotonic(), 0.001)):
            raise Busy("another write is still running; try again in a moment")
        trial: Trial | None = None
        try:
            trial = Trial(self.store, scope, certain)
            job.check()
            try:
                operation(trial.scratch)
            except SyntaxError as error:
                raise QueryError(sparql_syntax_message(error)) from error
            job.check()
            delta = trial.delta()
            if delta.empty:
                return WriteOutcome()
            if delta.touches_default_graph() and not self.store.addresses_default_graph:
                raise DefaultGraphUnreachable()
            report = self.delta_check().check(DatasetState(trial.scratch), delta)
            if not report.conforms:
                raise ValidationFailed(report.text, report.turtle)
            update = delta_update(delta, trial)
            job.begin_commit()
            self.store.update(update)
            self.on_commit()
            return WriteOutcome(
                len(delta.added), len(delta.removed), delta.created_graphs, delta.dropped_graphs
            )
        finally:
            if trial is not None:
                trial.discard()
            self.lock.release()
