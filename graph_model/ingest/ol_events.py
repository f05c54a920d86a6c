"""OpenLineage events (spec 2-0-x) as received -> checked, normalised ``Event`` objects.

The body is read with the bounded readers the manifest uses (nesting depth, NaN and
infinity, duplicate keys, lone surrogates: ``tree.check_tree``), after an optional gzip
layer whose decompressed size is bounded (``MAX_BODY``), so a 1 KB gzip bomb costs
no more than ``MAX_BODY``. Every problem is reported with its path (``[3].run.runId``
in a batch, ``run.runId`` for one event) and nothing is written when any exists.

What is accepted, as real producers send it (docs/lineage.md, "Leniency"):

- the event kind is told apart by shape: ``run`` -> RunEvent, else ``dataset`` ->
  DatasetEvent, else JobEvent; ``dataset`` beside ``run``, ``job``, ``inputs`` or
  ``outputs`` is refused (which kind it is would be a guess);
- ``schemaURL`` or ``schemaUrl`` (or neither); ``eventType`` in any letter case, missing
  on a RunEvent meaning ``OTHER``;
- a run id as a UUID in any usual form (dashed, 32 hex digits without dashes, braces,
  ``urn:uuid:``, upper case), normalised to the lower-case dashed form;
- ``eventTime`` as ISO-8601 with or without an offset (none means UTC), ``Z`` allowed;
- unknown fields and unknown facets are ignored; the facets read (``parent``,
  ``errorMessage``, ``sourceCodeLocation``, ``sql``, ``documentation``, ``schema``,
  ``ownership``) are checked where they are used and refused with a path when their
  shape is wrong, so nothing half-read is stored.
"""

from __future__ import annotations

import pickle
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..errors import Problem, ValidationFailed
from ..schema import text_problem, to_epoch_ms
from .decode import decode
from .ol_names import artifact_uid
from .tree import check_tree

MAX_BODY = 16 * 1024 * 1024      # decompressed bytes of one request
MAX_BATCH = 5000                 # events in one batch
MAX_NAME = 1000                  # characters in a namespace or name
MAX_TEXT = 100_000               # characters of sql, documentation, error message
MAX_COLUMNS = 2000
EVENT_TYPES = ("START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER")


@dataclass
class Node:
    """A dataset or job as named by OpenLineage, with the facets ownergraph reads."""

    namespace: str
    name: str
    uid: str
    facets: dict = field(default_factory=dict)   # name -> normalised value

    def __reduce__(self):
        return _rebuilt_node, (self.namespace, self.name, self.uid, self.facets)


@dataclass
class Event:
    kind: str                   # run | dataset | job
    time: int                   # eventTime, epoch ms
    producer: str
    path: str                   # where it sits in the request ("" or "[3]")
    event_type: str | None = None
    run_id: str | None = None
    job: Node | None = None
    dataset: Node | None = None
    inputs: list[Node] = field(default_factory=list)
    outputs: list[Node] = field(default_factory=list)
    parent: dict | None = None          # {run_id, job: Node}
    error: dict | None = None           # {message, language, stack_trace}

    def __reduce__(self):
        return _rebuilt_event, tuple(getattr(self, f) for f in _EVENT_FIELDS)


# Pickled as their fields in order (``__reduce__``), rebuilt without ``__init__``. Why:
# every unit of the lineage queue crosses a pipe to its writer process; a unit of 1,000
# events took 16 ms to unpickle as dataclasses, on the writer's critical path, and 6 ms
# this way (dumps 13 -> 10 ms).
_EVENT_FIELDS = ("kind", "time", "producer", "path", "event_type", "run_id", "job", "dataset", "inputs",
                 "outputs", "parent", "error")


def _rebuilt_node(namespace: str, name: str, uid: str, facets: dict) -> Node:
    n = Node.__new__(Node)
    n.namespace, n.name, n.uid, n.facets = namespace, name, uid, facets
    return n


def _rebuilt_event(*values) -> Event:
    e = Event.__new__(Event)
    e.__dict__.update(zip(_EVENT_FIELDS, values))
    return e


@dataclass(frozen=True)
class Packed:
    """Checked events as the writer process is sent them (pickled), with their count and
    the reason a unit of them alone gives. Why: the lineage queue keeps what it accepted
    in memory for its writer (``ol_spool``), and a batch of 100 events that is 53 KB in
    its log is ~440 KB as a parsed body and checked events but 38 KB this way; the writer
    process unpickles it (``unpacked``), so the web process never does."""

    data: bytes
    count: int
    reason: str


def packed(events: list[Event], reason: str) -> Packed:
    return Packed(pickle.dumps(events, protocol=pickle.HIGHEST_PROTOCOL), len(events), reason)


def unpacked(items: list) -> list[Event]:
    """``items`` (events and ``Packed`` runs of events) as the events they hold, in order."""
    if not any(type(i) is Packed for i in items):
        return items
    out: list[Event] = []
    for i in items:
        if type(i) is Packed:
            out += pickle.loads(i.data)
        else:
            out.append(i)
    return out


def counted(items: list) -> int:
    """How many events ``items`` (events and ``Packed`` runs of them) hold."""
    return sum(i.count if type(i) is Packed else 1 for i in items)


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def text(self, obj: dict, key: str, path: str, *, required: bool = True, limit: int = MAX_NAME,
             empty: bool = False) -> str | None:
        value = obj.get(key)
        where = f"{path}.{key}" if path else key
        if value is None:
            if required:
                self.fail(where, "is required")
            return None
        if not isinstance(value, str):
            self.fail(where, f"must be text, not {type(value).__name__}")
            return None
        if not empty and not value.strip():
            self.fail(where, "may not be empty")
            return None
        if len(value) > limit:
            self.fail(where, f"is longer than {limit} characters")
            return None
        problem = text_problem(value, "text")
        if problem:
            self.fail(where, problem)
            return None
        return value

    def mapping(self, obj: dict, key: str, path: str) -> dict | None:
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(f"{path}.{key}" if path else key, f"must be an object, not {type(value).__name__}")
            return None
        return value


def read_body(body: bytes, encoding: str | None, source: str = "body") -> Any:
    """Bytes of a request (``Content-Encoding`` gzip or identity) -> decoded JSON.

    Raises:
        ValidationFailed: not gzip when it says so, larger than ``MAX_BODY`` once
        decompressed, not UTF-8, not JSON, or a shape problem (depth, NaN, duplicates).
    """
    enc = (encoding or "").strip().lower()
    if enc in ("gzip", "x-gzip"):
        body = _gunzip(body, source)
    elif enc not in ("", "identity"):
        raise ValidationFailed([Problem(source, f"Content-Encoding {encoding!r} is not supported "
                                                f"(gzip or none)")])
    if len(body) > MAX_BODY:
        raise ValidationFailed([Problem(source, f"body is larger than {MAX_BODY} bytes")])
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValidationFailed([Problem(source, f"not UTF-8 text (byte {e.start})")]) from e
    stripped = text.lstrip()
    if not stripped:
        raise ValidationFailed([Problem(source, "empty body: expected a JSON event")])
    if not stripped.startswith(("{", "[")):
        raise ValidationFailed([Problem(source, "expected a JSON object (an event) or array (a batch)")])
    data = decode(text, source)
    problems = check_tree(data)
    if problems:
        raise ValidationFailed(problems)
    return data


def _gunzip(body: bytes, source: str) -> bytes:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(body, MAX_BODY + 1)
    except zlib.error as e:
        raise ValidationFailed([Problem(source, f"not valid gzip: {e}")]) from e
    if len(out) > MAX_BODY or d.unconsumed_tail:
        raise ValidationFailed([Problem(source, f"body is larger than {MAX_BODY} bytes once decompressed")])
    if not d.eof:
        raise ValidationFailed([Problem(source, "gzip data is truncated")])
    return out


def parse_time(value: Any) -> int | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return to_epoch_ms(t)


def run_id(value: Any) -> str | None:
    """A UUID in any usual form -> its lower-case dashed form, else None."""
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        return None


def events(data: Any, *, batch: bool) -> list[Event]:
    """Check and normalise one event (``batch=False``, a JSON object) or a batch (a JSON
    array). Raises ``ValidationFailed`` with every problem and its path."""
    r = _Reader()
    if batch:
        if not isinstance(data, list):
            raise ValidationFailed([Problem("", "a batch is a JSON array of events")])
        if len(data) > MAX_BATCH:
            raise ValidationFailed([Problem("", f"a batch holds at most {MAX_BATCH} events, got {len(data)}")])
        items = [(f"[{i}]", e) for i, e in enumerate(data)]
    else:
        if not isinstance(data, dict):
            raise ValidationFailed([Problem("", "an event is a JSON object (post arrays to /api/v1/lineage/batch)")])
        items = [("", data)]
    out = []
    for path, item in items:
        if not isinstance(item, dict):
            r.fail(path, f"an event is a JSON object, not {type(item).__name__}")
            continue
        ev = _event(r, item, path)
        if ev is not None:
            out.append(ev)
    if r.problems:
        raise ValidationFailed(r.problems)
    return out


def _p(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _event(r: _Reader, e: dict, path: str) -> Event | None:
    before = len(r.problems)
    time = parse_time(e.get("eventTime"))
    if time is None:
        r.fail(_p(path, "eventTime"), "is required: an ISO-8601 time such as 2026-11-20T12:00:00Z"
               if e.get("eventTime") is None else f"{e.get('eventTime')!r} is not an ISO-8601 time")
    # the producer names the declaring source (``openlineage:<producer>``, at most 300)
    producer = r.text(e, "producer", path, limit=280)
    for key in ("schemaURL", "schemaUrl"):
        if key in e and not isinstance(e[key], str):
            r.fail(_p(path, key), "must be text")
    kind = "run" if "run" in e else "dataset" if "dataset" in e else "job"
    if "dataset" in e:
        # a DatasetEvent carries only its dataset; one field of each kind is ambiguous
        for key in ("run", "job", "inputs", "outputs"):
            if key in e:
                r.fail(_p(path, key), "a DatasetEvent (it has 'dataset') has no run, job, inputs or outputs; "
                                      "send them as a RunEvent or JobEvent")
    ev = Event(kind, time or 0, producer or "", path)
    if kind == "run":
        run = r.mapping(e, "run", path)
        if run is None:
            r.fail(_p(path, "run"), "must be an object with runId")
        else:
            ev.run_id = run_id(run.get("runId"))
            if ev.run_id is None:
                r.fail(_p(path, "run.runId"), f"must be a UUID, got {run.get('runId')!r}")
            _run_facets(r, ev, run.get("facets"), _p(path, "run.facets"))
        et = e.get("eventType")
        if et is None:
            ev.event_type = "OTHER"
        elif not isinstance(et, str) or et.strip().upper() not in EVENT_TYPES:
            r.fail(_p(path, "eventType"), f"must be one of {', '.join(EVENT_TYPES)}, got {et!r}")
        else:
            ev.event_type = et.strip().upper()
    if kind == "dataset":
        ev.dataset = _node(r, e.get("dataset"), _p(path, "dataset"), dataset=True)
    else:
        ev.job = _node(r, e.get("job"), _p(path, "job"), dataset=False)
        for side in ("inputs", "outputs"):
            items = e.get(side)
            if items is None:
                continue
            if not isinstance(items, list):
                r.fail(_p(path, side), "must be an array of datasets")
                continue
            nodes = [_node(r, d, f"{_p(path, side)}[{i}]", dataset=True) for i, d in enumerate(items)]
            getattr(ev, side).extend(n for n in nodes if n is not None)
    return ev if len(r.problems) == before else None


def _node(r: _Reader, d: Any, path: str, *, dataset: bool) -> Node | None:
    if not isinstance(d, dict):
        r.fail(path, "is required: an object with namespace and name" if d is None
               else f"must be an object, not {type(d).__name__}")
        return None
    ns = r.text(d, "namespace", path)
    name = r.text(d, "name", path)
    facets = _facets(r, d.get("facets"), _p(path, "facets"), dataset)
    if ns is None or name is None:
        return None
    return Node(ns, name, artifact_uid(ns, name), facets)


def _facets(r: _Reader, raw: Any, path: str, dataset: bool) -> dict:
    """The facets ownergraph reads, normalised; every other facet is ignored."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        r.fail(path, "must be an object of facets")
        return {}
    out: dict = {}
    doc = r.mapping(raw, "documentation", path)
    if doc is not None:
        text = r.text(doc, "description", _p(path, "documentation"), limit=MAX_TEXT, empty=True)
        if text is not None:
            out["documentation"] = text
    owners = r.mapping(raw, "ownership", path)
    if owners is not None:
        out["ownership"] = _ownership(r, owners, _p(path, "ownership"))
    if dataset:
        schema = r.mapping(raw, "schema", path)
        if schema is not None:
            out["schema"] = _schema(r, schema.get("fields"), _p(path, "schema.fields"))
    else:
        sql = r.mapping(raw, "sql", path)
        if sql is not None:
            q = r.text(sql, "query", _p(path, "sql"), limit=MAX_TEXT)
            if q is not None:
                out["sql"] = q
        src = r.mapping(raw, "sourceCodeLocation", path)
        if src is not None:
            where = _p(path, "sourceCodeLocation")
            loc = {k: r.text(src, k, where, required=False, limit=2000)
                   for k in ("type", "url", "repoUrl", "path", "version", "tag", "branch")}
            loc = {k: v for k, v in loc.items() if v is not None}
            if not loc.get("url") and not loc.get("repoUrl"):
                r.fail(where, "needs url or repoUrl")
            out["sourceCodeLocation"] = loc
    return out


def _ownership(r: _Reader, facet: dict, path: str) -> list[dict]:
    owners = facet.get("owners")
    if not isinstance(owners, list):
        r.fail(_p(path, "owners"), "must be an array of {name, type}")
        return []
    out = []
    for i, o in enumerate(owners):
        where = f"{path}.owners[{i}]"
        if not isinstance(o, dict):
            r.fail(where, "must be an object with name")
            continue
        name = r.text(o, "name", where, limit=300)
        typ = r.text(o, "type", where, required=False, limit=100)
        if name is not None:
            out.append({"name": name.strip(), "type": typ})
    return out


def _schema(r: _Reader, fields: Any, path: str, depth: int = 0) -> list[dict]:
    if not isinstance(fields, list):
        r.fail(path, "must be an array of {name, type}")
        return []
    if len(fields) > MAX_COLUMNS:
        r.fail(path, f"holds more than {MAX_COLUMNS} columns")
        return []
    out = []
    for i, f in enumerate(fields):
        where = f"{path}[{i}]"
        if not isinstance(f, dict):
            r.fail(where, "must be an object with name")
            continue
        col = {"name": r.text(f, "name", where, limit=MAX_NAME),
               "type": r.text(f, "type", where, required=False, limit=MAX_NAME),
               "description": r.text(f, "description", where, required=False, limit=MAX_TEXT, empty=True)}
        if f.get("fields") and depth < 8:   # the Python client sends "fields": [] on every column
            col["fields"] = _schema(r, f["fields"], f"{where}.fields", depth + 1)
        if col["name"] is not None:
            out.append({k: v for k, v in col.items() if v is not None})
    return out


def _run_facets(r: _Reader, ev: Event, raw: Any, path: str) -> None:
    if raw is None:
        return
    if not isinstance(raw, dict):
        r.fail(path, "must be an object of facets")
        return
    parent = r.mapping(raw, "parent", path)
    if parent is not None:
        where = _p(path, "parent")
        prun = parent.get("run")
        pid = run_id(prun.get("runId")) if isinstance(prun, dict) else None
        if pid is None:
            r.fail(f"{where}.run.runId", "must be a UUID")
        job = _node(r, parent.get("job"), f"{where}.job", dataset=False)
        if pid and job:
            ev.parent = {"run_id": pid, "job": job}
    err = r.mapping(raw, "errorMessage", path)
    if err is not None:
        where = _p(path, "errorMessage")
        ev.error = {"message": r.text(err, "message", where, limit=MAX_TEXT, empty=True),
                    "language": r.text(err, "programmingLanguage", where, required=False, limit=100),
                    "stack_trace": r.text(err, "stackTrace", where, required=False, limit=MAX_TEXT, empty=True)}

