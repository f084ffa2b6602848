"""Repository and store in step: an ingest, amend or retraction commits its files and its store update as one unit.

Before anything changes, a journal (`.kg-journal/<activity>.json` in the project, written atomically and flushed
to disk) records the operation, the store it works on, the IRI of the PROV activity its store update adds, and
every file it will write, with the content before and after (and their SHA-256). Then, in this order:

1. `before-copy`: the journal is on disk, nothing else changed;
2. the source's own files (facts, text) are written or removed; `after-copy`;
3. `during-store-transaction`: the one SPARQL update is handed to the store. The embedded Oxigraph store
   applies an update as one RocksDB write batch, whole or not at all, so "during" cannot stop half-way: the
   test hook sends SIGKILL from a second thread at the moment the update starts, and the main thread waits
   for it after the update returns; the kill lands while the update runs or just after it committed;
4. `after-commit`: the store holds the activity;
5. `seeds/README.md` and the history file are written (`during-readme-update`: the README's temporary file is
   half written);
6. the journal is deleted.

The next command that touches the store or the repository (`kg ingest`, `amend`, `retract`, `build`, the
server's start, `kg recover`) calls `recover` first: if the store holds the journal's activity, the update
committed and the files are rolled forward (each written with its new content); if not, they are rolled back
(each given its old content again). Both are idempotent, so a crash during recovery is recovered the same way.
What was done is said on stderr, and the journal is deleted.

`KG_TEST_CRASH_AT=<step>` makes the process kill itself (SIGKILL) at that step: a hook for the tests only.
"""

import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.history import file_record
from kg.settings import Settings
from kg.sparql_text import iri_ref
from kg.store import Store
from kg.vocab import HISTORY_GRAPH

JOURNAL_FOLDER = ".kg-journal"
CRASH_VARIABLE = "KG_TEST_CRASH_AT"
STEPS = ("before-copy", "after-copy", "during-store-transaction", "after-commit", "during-readme-update")


@dataclass
class FileChange:
    """One file of the unit: its path in the project, its content before and after (None: no file)."""

    path: str
    old: str | None
    new: str | None
    after_commit: bool = False  # the listing and the history are written once the store committed
    step: str | None = None  # the crash step named while this file's temporary copy is half written

    def sha256(self, content: str | None) -> str | None:
        return None if content is None else file_record(self.path, content.encode("utf-8")).sha256


@dataclass
class Journal:
    """What one unit will do: enough to finish it or undo it after a crash."""

    operation: str
    source_id: str
    activity: str
    store: str
    changes: list[FileChange] = field(default_factory=list)

    def to_json(self) -> str:
        record = asdict(self)
        for change, saved in zip(self.changes, record["changes"], strict=True):
            saved |= {"old_sha256": change.sha256(change.old), "new_sha256": change.sha256(change.new)}
        return json.dumps(record, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str, where: Path) -> "Journal":
        try:
            record = json.loads(text)
            keys = ("path", "old", "new", "after_commit", "step")
            changes = [FileChange(**{k: c.get(k) for k in keys}) for c in record.pop("changes")]
            return cls(**record, changes=changes)
        except (ValueError, TypeError, KeyError) as error:
            message = f"unreadable journal ({error}); move it away once the files are checked"
            raise InputError(message, file=str(where)) from error


def store_location(settings: Settings) -> str:
    """Which store a unit works on: the journal is only recovered against that store."""
    if settings.remote_update_url:
        return settings.remote_update_url
    return "memory" if settings.memory else str(settings.data_dir.resolve())


def journal_folder(settings: Settings) -> Path:
    return settings.project_dir / JOURNAL_FOLDER


def crash_point(step: str) -> None:
    """Kill this process here when the test hook names this step."""
    if os.environ.get(CRASH_VARIABLE) == step:
        os.kill(os.getpid(), signal.SIGKILL)


# ------------------------------------------------------------------------------------------ one unit


def commit_unit(settings: Settings, store: Store, journal: Journal, update: str) -> None:
    """Write the journal, the source's files, the store update, the listing and history; delete the journal."""
    folder = journal_folder(settings)
    path = folder / f"{journal.activity.rsplit('/', 1)[-1]}.json"
    write_atomically(path, journal.to_json().encode("utf-8"))
    crash_point("before-copy")
    for change in journal.changes:
        if not change.after_commit:
            _apply(settings, change, change.new)
    crash_point("after-copy")
    _update(store, update)
    crash_point("after-commit")
    for change in journal.changes:
        if change.after_commit:
            _apply(settings, change, change.new)
    _remove(path)
    _remove_if_empty(folder)


def _update(store: Store, update: str) -> None:
    if os.environ.get(CRASH_VARIABLE) != "during-store-transaction":
        store.update(update)
        return
    started = threading.Event()

    def kill() -> None:
        started.wait()
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=kill, daemon=True).start()
    started.set()
    store.update(update)
    threading.Event().wait()  # the kill is on its way: nothing after the update may run


# ------------------------------------------------------------------------------------------ recovery


def recover(settings: Settings, store: Store, say: Callable[[str], None] | None = None) -> list[str]:
    """Finish or undo the unit a crash interrupted, if any; what was done, also said on stderr."""
    say = say or _to_stderr
    folder = journal_folder(settings)
    if not folder.is_dir():
        return []
    for partial in folder.glob("*.partial"):  # a journal never written whole: nothing else had changed
        partial.unlink()
    done = []
    for path in sorted(folder.glob("*.json")):
        journal = Journal.from_json(path.read_text(encoding="utf-8"), path)
        if journal.store != store_location(settings):
            raise InputError(
                f"an unfinished {journal.operation} of {journal.source_id} was made on the store at "
                f"{journal.store}: run `kg recover` with that store (KG_DATA_DIR) first",
                file=str(path),
            )
        activity = f"GRAPH {iri_ref(HISTORY_GRAPH)} {{ {iri_ref(journal.activity)} ?p ?o }}"
        committed = bool(store.select(f"SELECT ?p WHERE {{ {activity} }} LIMIT 1"))
        for change in journal.changes:
            _apply(settings, change, change.new if committed else change.old, crash=False)
        files = ", ".join(change.path for change in journal.changes)
        message = (
            f"recovered: the interrupted {journal.operation} of {journal.source_id} had committed in the store; "
            f"its files were finished ({files})"
            if committed
            else f"recovered: the interrupted {journal.operation} of {journal.source_id} had not committed in the "
            f"store; its files were restored as they were ({files})"
        )
        _remove(path)
        _remove_if_empty(folder)
        say(message)
        done.append(message)
    return done


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------ files


def _apply(settings: Settings, change: FileChange, content: str | None, crash: bool = True) -> None:
    """Give a file the content (None: no file), unless it already has it."""
    target = settings.project_dir / change.path
    target.with_name(target.name + ".partial").unlink(missing_ok=True)  # left by a crash mid-write
    if content is None:
        if target.exists():
            target.unlink()
            _sync_folder(target.parent)
        return
    data = content.encode("utf-8")
    if target.is_file() and target.read_bytes() == data:
        return
    write_atomically(target, data, change.step if crash else None)


def write_atomically(path: Path, content: bytes, step: str | None = None) -> None:
    """Write a file so that a crash leaves the old content or the new, never a mix: a temporary file beside it,
    flushed to disk, renamed over it, and the folder flushed too. `step`: a crash step named half-way."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as out:
        if step is not None:
            out.write(content[: len(content) // 2])
            out.flush()
            os.fsync(out.fileno())
            crash_point(step)
            out.write(content[len(content) // 2 :])
        else:
            out.write(content)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)
    _sync_folder(path.parent)


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    _sync_folder(path.parent)


def _remove_if_empty(folder: Path) -> None:
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_text(settings: Settings, path: str) -> str | None:
    """A project file's content, or None when there is none."""
    target = settings.project_dir / path
    return target.read_bytes().decode("utf-8") if target.is_file() else None  # line endings kept as they are
