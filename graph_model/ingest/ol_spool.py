"""A durable queue in front of the lineage writer: a feed is answered once its checked
events are on disk, and one thread applies them behind it, many requests a unit.

Why: answered after its write, a feed of single events waits for a whole write unit
each time (12-17 ms at 100k artifacts, of which the engine is half), so 4 clients
posting in a loop make at most ~250 events/s whatever the unit holds: each unit can
only join the 4 requests waiting for it. Answered after an ``fsync`` (0.3 ms here),
the clients go on posting while the writer applies what has queued, in units of up to
``MAX_UNIT_EVENTS`` events: the cost a unit has whatever its size is paid once for
many requests, as batches already show.

What a 201 then means: the events were checked (a malformed one is still a 400 with
its paths, and nothing is queued) and are on disk; they are in the graph a moment
later (``status()`` says how far behind the writer is). Nothing accepted is lost: the
queue survives a crash or a stop and is applied when the server starts again. A unit
is applied at least once; the OpenLineage planner is idempotent (the same event twice
writes nothing), so applying again what a crash interrupted is safe.

Files, in the spool directory (one serving process at a time: a lock file):

- ``events.log``: one JSON line per accepted request (its actor, time and the checked
  body as received); written with one ``write`` and made durable before the answer;
- ``applied``: the byte offset up to which the lines are applied (rewritten atomically);
- ``rejected.log``: requests the planner refused once applied alone (a conflict no
  check before it could see), with the problems; counted in ``status()``.

When everything written is applied and the log has grown past ``COMPACT_BYTES``, it is
emptied. A request accepted with its checked events is also handed to the writer in
memory (``HANDOFF_BYTES``; to a writer process pickled, as it is sent, and without its
body, up to ``PACKED_HANDOFF_BYTES``): the log is read back only after a restart or when
the writer is far behind.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..errors import OwnergraphError, Problem, StoreUnavailable, ValidationFailed, WriteFailed
from . import ol_events

log = logging.getLogger(__name__)

#: the most events the writer applies in one unit: 10 batches of 100 (with 200, batches
#: were applied at 802 events/s against 1,250-1,400 written directly, 4 batches a unit)
MAX_UNIT_EVENTS = 1000
#: a request waits (at most ``FULL_WAIT_S``, then 503) while this much is queued and not
#: applied yet: the feeds slow down to the writer's pace instead of filling the disk (a
#: stream of batches was accepted at 5,000 events/s, 4 times what the writer applied)
MAX_PENDING_BYTES = 64 * 1024 * 1024
FULL_WAIT_S = 30.0
#: the log is emptied once everything in it is applied and it is this large
COMPACT_BYTES = 64 * 1024 * 1024
#: how much of the log the writer reads at a time
READ_BYTES = 1024 * 1024
#: while a unit is applied, how long the lines queued behind it gather between two reads
AHEAD_GATHER_S = 0.05
#: how long the writer waits before trying again while the store is unavailable
RETRY_S = (0.5, 1.0, 2.0, 5.0)
#: requests accepted with their checked events are handed to the writer in memory while
#: at most this much is queued and not applied (beyond it, and after a restart, the
#: writer reads them back from the log and checks them again). Why: reading and checking
#: every request a second time was a third of the web process's work in a stream of
#: batches (py-spy, 100k artifacts, embedded engine), taken from the cores the writer and
#: the engine need. 4 MB of batches is ~7,500 events (7 units) and holds ~28 MB of the web
#: process's memory as parsed bodies and events (measured: 16 MB held 112 MB).
HANDOFF_BYTES = 4 * 1024 * 1024
#: the same bound for a spool whose writer is a process (``submit``): what it is handed is
#: kept pickled, as it is sent (``ol_events.Packed``: a batch of 100 events 38 KB against
#: 53 KB in the log, with its body left in the log), so the backlog of a whole stream fits
#: (64 MB of log: about 45 MB of memory). Why: past 4 MB, in a stream of batches where the
#: feeds were answered twice as fast as the writer applied, most events were read back and
#: checked a second time: 16 % of the web process's samples (bench/README.md).
PACKED_HANDOFF_BYTES = MAX_PENDING_BYTES


#: units handed to a writer that takes them ahead (``submit``): the one applied and two
#: more, sent only when full (``Spool._run``); the writer plans the next while one is
#: written (``ol_overlay``, ``ol_ahead``), so the one after must be there by then
PIPELINE_DEPTH = 3


def _events(records: list) -> int:
    return sum(r.events for r in records)


class _Done:
    """The outcome of a unit applied (or refused) before its ticket was asked for."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error

    def result(self) -> None:
        if self.error is not None:
            raise self.error


class SpoolBusy(OwnergraphError):
    """Another process holds this spool directory."""


class SpoolFull(StoreUnavailable):
    """The writer is too far behind; the request was not queued (a 503: feeds retry it)."""


@dataclass(frozen=True)
class _InLog:
    """A body left in the log at ``start`` (its record holds its events packed)."""

    start: int


@dataclass
class _Record:
    end: int            # byte offset just past its line
    actor: str | None
    batch: bool
    body: Any
    events: int
    #: the checked events (``ol_events.events``), or what checking them raised; None
    #: only on a damaged line (``body`` None), which is never applied
    checked: list | Exception | None = None


class Spool:
    """Accepts checked lineage requests durably and applies them in the background with
    ``apply(events, actor, reason)`` (the audited write path)."""

    def __init__(self, directory: Path, apply: Callable[[list, str | None, str], Any],
                 submit: Callable[[list, str | None, str], Any] | None = None) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock_file = open(self.dir / "lock", "w")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            self._lock_file.close()
            raise SpoolBusy(f"the lineage spool {self.dir} is in use by another process") from e
        self.apply = apply
        self.submit = submit   # sends a unit ahead: returns a ticket (``result()`` raises its outcome)
        self.log_path, self.mark_path = self.dir / "events.log", self.dir / "applied"
        self.fd = os.open(self.log_path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        self.append_lock, self.sync_lock = threading.Lock(), threading.Lock()
        self.wake = threading.Condition()
        self.applied = self._recover()
        self.written = self.synced = os.fstat(self.fd).st_size
        self.accepted_requests = self.accepted_events = 0
        self.applied_events = self.rejected = self.units = 0
        # (end offset, accept time) of the requests not applied yet, oldest first (those a
        # previous run left count from now)
        self.waiting: deque[tuple[int, float]] = deque([(self.written, time.time())] if self.written > self.applied
                                                      else [])
        self.last_error: str | None = None
        # start offset -> the record accepted there, checked (``HANDOFF_BYTES``)
        self._handed: dict[int, _Record] = {}
        self._stop = threading.Event()
        self._ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lineage-spool-ahead")
        self._thread = threading.Thread(target=self._run, name="lineage-spool", daemon=True)
        self._thread.start()

    # -- accepting --------------------------------------------------------------------
    def accept(self, body: Any, *, batch: bool, actor: str | None, events: int,
               checked: list | None = None) -> dict:
        """Queue one checked request durably; returns what the answer reports.
        ``checked``: its events as ``ol_events.events`` gave them (the caller checked the
        body), handed to the writer in memory instead of being read and checked again."""
        line = (json.dumps({"actor": actor, "at": int(time.time() * 1000), "batch": batch, "events": events,
                            "body": body}, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")
        packed = (ol_events.packed(checked, ol_events_reason(checked))
                  if checked is not None and self.submit is not None else None)
        self._room()
        with self.append_lock:
            written = os.write(self.fd, line)
            if written != len(line):   # never seen on a local file; the tail is cut on recovery
                raise StoreUnavailable("the lineage spool could not write the whole request")
            start, self.written = self.written, self.written + written
            end = self.written
            if packed is not None and end - self.applied <= PACKED_HANDOFF_BYTES:
                self._handed[start] = _Record(end, actor, batch, _InLog(start), events, [packed])
            elif checked is not None and end - self.applied <= HANDOFF_BYTES:
                self._handed[start] = _Record(end, actor, batch, body, events, checked)
            self.accepted_requests += 1
            self.accepted_events += events
            self.waiting.append((end, time.time()))
        self._sync(end)
        with self.wake:
            self.wake.notify()
        return {"queued": True, "received": events}

    def _room(self) -> None:
        """Wait while ``MAX_PENDING_BYTES`` are queued and not applied (backpressure)."""
        deadline = time.monotonic() + FULL_WAIT_S
        with self.wake:
            while self.written - self.applied > MAX_PENDING_BYTES:
                left = deadline - time.monotonic()
                if left <= 0 or self._stop.is_set():
                    raise SpoolFull(f"the lineage queue holds {(self.written - self.applied) >> 20} MB not applied "
                                    f"yet; try again shortly")
                self.wake.wait(min(left, 1.0))

    def _sync(self, end: int) -> None:
        """Make the log durable up to ``end``; one fsync serves every request written
        before it (group commit)."""
        with self.sync_lock:
            if self.synced >= end:
                return
            target = self.written   # every byte written so far is covered by this fsync
            os.fsync(self.fd)
            self.synced = max(self.synced, target)

    # -- applying ---------------------------------------------------------------------
    def _recover(self) -> int:
        """The applied offset; a torn last line (a crash inside ``accept``, never
        answered) is cut off."""
        try:
            applied = int(self.mark_path.read_text().strip() or 0)
        except (FileNotFoundError, ValueError):
            applied = 0
        size = os.fstat(self.fd).st_size
        if applied > size:     # emptied after the mark was written: all of it was applied
            applied = 0
        with open(self.log_path, "rb") as f:
            f.seek(applied)
            data = f.read()
        cut = data.rfind(b"\n") + 1
        if applied + cut < size:
            os.ftruncate(self.fd, applied + cut)
        return applied

    def _read(self, start: int, stop: int) -> list[_Record]:
        """The complete lines from ``start``: about ``READ_BYTES`` of them (more when one
        request is larger), so a long backlog is not read again for every unit; each
        with its events checked (``_Record.checked``). Records handed over in memory
        come from there, in order, as long as they follow on."""
        handed: list[_Record] = []
        events = 0
        with self.append_lock:
            while start < stop and start in self._handed and events < MAX_UNIT_EVENTS:
                rec = self._handed.pop(start)
                handed.append(rec)
                events += rec.events
                start = rec.end
        if handed:
            return handed
        with open(self.log_path, "rb") as f:
            f.seek(start)
            data = f.read(min(stop - start, READ_BYTES))
            if b"\n" not in data:
                data += f.read(stop - start - len(data))
        out, pos, starts = [], start, []
        for raw in data.split(b"\n")[:-1]:
            starts.append(pos)
            pos += len(raw) + 1
            try:
                rec = json.loads(raw)
                r = _Record(pos, rec.get("actor"), bool(rec.get("batch")), rec["body"], int(rec.get("events") or 0))
            except (ValueError, KeyError, TypeError):   # a damaged line: kept aside by the writer
                out.append(_Record(pos, None, False, None, 0))
                continue
            try:
                r.checked = ol_events.events(r.body, batch=r.batch)
            except Exception as e:   # raised again when the request is applied, and kept aside
                r.checked = e
            out.append(r)
        with self.append_lock:   # read here: never handed over as well
            for at in starts:
                self._handed.pop(at, None)
        return out

    def _unit(self, records: list[_Record]) -> list[_Record]:
        """The first records that one unit takes: one actor, at most MAX_UNIT_EVENTS events."""
        group, n = [records[0]], records[0].events
        for r in records[1:]:
            if r.actor != group[0].actor or n + r.events > MAX_UNIT_EVENTS:
                break
            group.append(r)
            n += r.events
        return group

    def _unit_events(self, group: list[_Record]) -> tuple[list, str]:
        """The events of ``group`` and the reason its audit events give; raises what a
        damaged line or a failed check of one of its requests is."""
        if any(r.body is None for r in group):
            raise ValidationFailed([Problem("", "a queued line is damaged (not the JSON the queue wrote)")])
        events: list = []   # events, and runs of them packed (``ol_events.Packed``)
        for r in group:
            if isinstance(r.checked, Exception):
                raise r.checked
            events += r.checked
        if len(group) > 1:
            reason = f"openlineage: {ol_events.counted(events)} events of {len(group)} queued requests"
        elif len(events) == 1 and type(events[0]) is ol_events.Packed:
            reason = events[0].reason
        else:
            reason = ol_events_reason(events)
        return events, reason

    def _apply(self, group: list[_Record]) -> None:
        events, reason = self._unit_events(group)
        self.apply(events, group[0].actor, reason)

    def _send(self, group: list[_Record]) -> Any:
        """Hand ``group`` to the writer without waiting (``submit``); a ticket whose
        ``result()`` raises the unit's outcome. Without ``submit``, applied here."""
        try:
            if self.submit is None:
                self._apply(group)
                return _Done()
            events, reason = self._unit_events(group)
            return self.submit(events, group[0].actor, reason)
        except Exception as e:   # noqa: BLE001 - raised where the unit's outcome is read
            return _Done(e)

    def _run(self) -> None:
        """Apply what is queued, a unit at a time, in order.

        Read ahead: while a unit is applied (the writer and the engine busy), the lines
        queued after it, and those that arrive meanwhile, are read and checked on another
        thread (``_read_ahead``), so the next unit starts without that work (in a stream
        of batches it was a sixth of every unit's time, on the writer's critical path).

        Sent ahead: with a writer that takes units before the last one's outcome
        (``submit``, the writer process), up to two more full units are sent while one
        is applied, so the writer never waits for the web process between two units (it
        waited 15 % of its time in a stream of batches) and holds the next one while it
        plans it ahead of its turn. Only full units go ahead: while
        the writer keeps up, a unit still gathers what queues during the one before it.
        A refused unit's requests are then applied alone, after the unit sent behind it
        (events give the same graph in any order). When the store is away, the units sent
        after the first are waited for and all are sent again, in order: applying one
        twice writes nothing."""
        tries = 0
        depth = PIPELINE_DEPTH if self.submit is not None else 1
        read: list[_Record] = []      # read and checked, after the units sent, in order
        sent: deque[tuple[list[_Record], Any]] = deque()   # units sent, oldest first
        while not self._stop.is_set():
            with self.wake:
                if self.synced <= self.applied:
                    self.wake.wait(1.0)
            if self.synced <= self.applied:
                continue
            read_to = read[-1].end if read else sent[-1][0][-1].end if sent else self.applied
            while read_to < self.synced and _events(read) < MAX_UNIT_EVENTS * (depth - len(sent)):
                got = self._read(read_to, self.synced)
                if not got:
                    break
                read += got
                read_to = got[-1].end
            if not read and not sent:
                continue
            done = threading.Event()
            ahead = self._ahead.submit(self._read_ahead, read_to, done)
            try:
                while read and len(sent) < depth and (not sent or _events(read) >= MAX_UNIT_EVENTS):
                    group = self._unit(read)
                    sent.append((group, self._send(group)))
                    del read[:len(group)]
                group, ticket = sent[0]
                try:
                    ticket.result()
                    refused: list[_Record] = []
                except StoreUnavailable:
                    raise
                except Exception as e:   # noqa: BLE001 - refused: each request alone
                    refused = self._refused(group, e)
            except StoreUnavailable as e:   # the engine is away: the units are tried again later
                read[:0] = self._take_back(sent)
                self.last_error = str(e)
                self._stop.wait(RETRY_S[min(tries, len(RETRY_S) - 1)])
                tries += 1
                continue
            finally:
                done.set()
                with self.wake:
                    self.wake.notify_all()
                read += ahead.result()
            tries = 0
            self.last_error = None
            sent.popleft()
            self._advance(group, refused)

    def _take_back(self, sent: deque) -> list[_Record]:
        """Wait for the outcomes of the units sent after the first (dropped: they are sent
        again), empty ``sent`` and return every unit's records, in order."""
        units = list(sent)
        for _, ticket in units[1:]:
            try:
                ticket.result()
            except Exception:   # noqa: BLE001 - sent again, its outcome then counts
                pass
        sent.clear()
        return [r for group, _ in units for r in group]

    def _read_ahead(self, start: int, done: threading.Event) -> list[_Record]:
        """The lines after ``start`` read and checked until ``done`` (the unit being
        applied has ended), at most a unit's worth of events. Lines are let gather for
        ``AHEAD_GATHER_S`` between reads: a read for every single event as it arrived
        cost the intake a fifth of its rate (queued single events, 290.7 against 352.2 a
        second), and one read for many is what the writer did before."""
        out: list[_Record] = []
        events = 0
        while events < MAX_UNIT_EVENTS and not done.is_set() and not self._stop.is_set():
            if self.synced > start:
                got = self._read(start, self.synced)
                if not got:   # never: what is synced ends with a whole line
                    break
                out += got
                events += sum(r.events for r in got)
                start = got[-1].end
            with self.wake:
                if done.is_set() or self._stop.is_set():
                    break
                if self.synced <= start:
                    self.wake.wait(0.2)
            done.wait(AHEAD_GATHER_S)
        return out

    def _apply_group(self, group: list[_Record]) -> list[_Record]:
        """Apply ``group`` as one unit; if it is refused, each request alone, so that only
        the refused ones are kept aside (``rejected.log``). Returns those. A fault of ours
        counts as a refusal: the writer never loops on one request. ``StoreUnavailable``
        propagates (the requests already applied write nothing when tried again)."""
        try:
            self._apply(group)
            return []
        except StoreUnavailable:
            raise
        except Exception as e:   # noqa: BLE001 - see _refused
            return self._refused(group, e)

    def _refused(self, group: list[_Record], error: Exception) -> list[_Record]:
        """``group`` was refused with ``error``: its requests alone, each kept aside if
        refused again (one request: kept aside at once). Returns the refused ones."""
        if len(group) > 1:
            return [r for r in group if self._apply_group([r])]
        if not isinstance(error, (ValidationFailed, WriteFailed)):
            log.error("lineage spool: applying a queued request failed: %r", error, exc_info=error)
        self._reject(group[0], error)
        return group

    def _reject(self, rec: _Record, error: Exception) -> None:
        problems = [{"path": p.path, "message": p.message} for p in getattr(error, "problems", [])]
        body = rec.body
        if isinstance(body, _InLog):   # read back from its line
            with open(self.log_path, "rb") as f:
                f.seek(body.start)
                body = json.loads(f.readline())["body"]
        with open(self.dir / "rejected.log", "a", encoding="utf-8") as f:
            f.write(json.dumps({"actor": rec.actor, "batch": rec.batch, "body": body, "error": str(error),
                                "problems": problems}, ensure_ascii=False) + "\n")
        self.rejected += 1
        log.warning("lineage spool: a queued request was refused and kept in rejected.log: %s", error)

    def _advance(self, group: list[_Record], refused: list[_Record]) -> None:
        end = group[-1].end
        tmp = self.mark_path.with_suffix(".tmp")
        tmp.write_text(str(end))
        os.replace(tmp, self.mark_path)
        self.units += len(refused) < len(group)
        self.applied_events += sum(r.events for r in group) - sum(r.events for r in refused)
        with self.append_lock:
            self.applied = end
            while self.waiting and self.waiting[0][0] <= end:
                self.waiting.popleft()
            if self.applied >= self.written and self.written >= COMPACT_BYTES and not self._stop.is_set():
                os.ftruncate(self.fd, 0)
                self.written = self.synced = self.applied = 0
                self._handed.clear()
                self.mark_path.write_text("0")
        with self.wake:
            self.wake.notify_all()

    # -- status and shutdown ----------------------------------------------------------
    def status(self) -> dict:
        with self.append_lock:
            pending = self.written - self.applied
            since = self.waiting[0][1] if self.waiting else None
        return {"mode": "queued", "accepted_requests": self.accepted_requests,
                "accepted_events": self.accepted_events, "applied_events": self.applied_events,
                "units": self.units, "pending_bytes": pending,
                "behind_s": round(time.time() - since, 3) if since is not None and pending else 0.0,
                "rejected": self.rejected, "last_error": self.last_error}

    def wait_applied(self, timeout: float) -> bool:
        """Until everything accepted so far is applied (tests, a clean stop); False on timeout."""
        deadline = time.monotonic() + timeout
        with self.wake:
            target = self.synced
            while self.applied < target and self.written >= target:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.wake.wait(min(left, 0.2))
        return True

    def close(self, timeout: float = 5.0) -> None:
        """Stop the writer after its current unit; what is left stays queued on disk."""
        self._stop.set()
        with self.wake:
            self.wake.notify_all()
        self._thread.join(timeout)
        self._ahead.shutdown(wait=False)
        os.close(self.fd)
        self._lock_file.close()


def ol_events_reason(events: list) -> str:
    from .ol_group import reason_of
    return reason_of(events)
