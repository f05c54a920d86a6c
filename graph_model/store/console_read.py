"""Runs an analyst's console query on FalkorDB with rows, time and reply size bounded.

Why not the client library's ``ro_query``: it reads the whole reply and builds every
row before the caller can cut anything. Measured on the demo organisation before this
module: ``UNWIND range(1, 20000000) AS x RETURN x`` answered after 33 s and grew the web
process to 6.2 GB, only for 1,000 of its rows to be kept.

Three bounds, each where it can act:

- **Rows, in the engine.** The query runs as ``CALL { <query> } RETURN * LIMIT cap+1``.
  FalkorDB's subquery is lazy: the outer LIMIT stops the inner plan after cap+1 rows
  (a 27M-row cartesian product answers its first 1,001 rows in under 10 ms). ``RETURN
  *`` lists columns alphabetically, so the columns are put back in the order the
  query's last ``RETURN`` writes them (its items split at top-level commas). The global ``RESULTSET_SIZE`` setting would also
  stop the engine, but it would silently cut the product's own reads too.
- **Reply size, while reading.** The reply is read from a connection of its own with a
  budget of bytes and of values (``MAX_REPLY_BYTES``, ``MAX_REPLY_VALUES``): past it,
  the connection is closed and the query is refused. That bounds the web process even for one huge value (``RETURN range(1,
  10000000)``), which no row cap can.
- **Time.** The engine gets the time left of the console limit (``TIMEOUT`` on the
  command, enforced by FalkorDB); the socket waits at most that plus ``GRACE_S``, so a
  reply the engine is slow to send cannot hold the web thread.

The engine's own memory per query is bounded by ``QUERY_MEM_CAPACITY``, set when the
embedded server starts, only between the steps of a query: one function call can pass
it (``console_ranges`` refuses the known case before it is sent; the embedded engine's
memory ceiling, ``embedded.memory_ceiling``, stops the engine alone otherwise).

A query that cannot be wrapped (a bare ``CALL db.labels()`` has no variables for
``RETURN *``) or that fails wrapped is run as written, with the same reply budget and a
row cap applied while reading, so the analyst sees the engine's message about their
own text (line numbers included) and never one about the wrapper.
"""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass
from typing import Any

from redis.exceptions import ResponseError

from ..errors import Problem, ValidationFailed

# The web process's bound for one console answer. Parsed values cost far more than their
# bytes (a compact integer: ~17 bytes of reply, ~130 bytes of Python objects; measured:
# 32 MB of reply parsed grew the process by 250 MB), so values are counted as well.
# Together: at most ~16 MB read and ~70 MB of values before the query is refused; a
# 1,000-row answer of 10 node columns with 10 properties each is ~500k values.
MAX_REPLY_BYTES = 16 * 2**20
MAX_REPLY_VALUES = 500_000
GRACE_S = 2.0
_CHUNK = 1 << 16
# errors that are about the query as written, so a retry without the wrapper is pointless
_FINAL = ("timed out", "mem consumption", "read-only", "ro_query")


def wrap(text: str, limit: int) -> str:
    """``text`` inside a subquery whose outer LIMIT stops the engine after ``limit`` rows.

    New lines around the text keep a trailing ``//`` comment from swallowing the brace.
    A text that closes the brace early can only produce a different read: the engine
    refuses any write through ``GRAPH.RO_QUERY`` whatever the text.
    """
    return "CALL {\n" + text + "\n} RETURN * LIMIT " + str(int(limit))


_RETURN = re.compile(r"\bRETURN\b", re.IGNORECASE)
_END = re.compile(r"(ORDER\s+BY|SKIP|LIMIT)\b", re.IGNORECASE)
_ALIAS = re.compile(r"\sAS\s+(`[^`]+`|\w+)\s*$", re.IGNORECASE | re.DOTALL)


def return_items(text: str) -> list[str]:
    """The column names the query's last ``RETURN`` writes: an item's alias, else its
    text, as the engine names columns. Commas inside brackets or strings do not split."""
    starts = [m.end() for m in _RETURN.finditer(text)]
    if not starts:
        return []
    tail = text[starts[-1]:]
    items, depth, start, i, quote = [], 0, 0, 0, ""
    while i < len(tail):
        ch = tail[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and ch == ",":
            items.append(tail[start:i])
            start = i + 1
        elif depth == 0 and (i == 0 or not (tail[i - 1].isalnum() or tail[i - 1] == "_")) and _END.match(tail, i):
            break
        i += 1
    items.append(tail[start:i])
    names = []
    for n, item in enumerate(items):
        item = item.strip()
        if n == 0 and item[:8].upper() == "DISTINCT" and item[8:9].isspace():
            item = item[8:].strip()
        alias = _ALIAS.search(" " + item)
        names.append(alias.group(1).strip("`") if alias else item)
    return names


def column_order(text: str, names: list[str]) -> list[int]:
    """Indexes that put ``names`` (alphabetical, from ``RETURN *``) in the order the
    query's last ``RETURN`` writes them; a name not found there keeps its place, last."""
    written = return_items(text)

    def position(i: int) -> tuple[int, int]:
        return (written.index(names[i]) if names[i] in written else len(written), i)

    return sorted(range(len(names)), key=position)


@dataclass
class Reply:
    """The compact reply, as redis-py would have parsed it, and whether rows were left unread."""

    raw: list
    truncated: bool
    wrapped: bool


class ReplyTooLarge(Exception):
    pass


def too_large(budget: int = MAX_REPLY_BYTES) -> ValidationFailed:
    """The refusal of an answer over the console's budget (the same words on both engines)."""
    return ValidationFailed([Problem("query", f"the answer is larger than the console reads ({budget // 2**20} MB "
                                              f"or {MAX_REPLY_VALUES:,} values); return fewer or smaller values")])


class ValueBudget:
    """The same budget counted over values a driver has already decoded (Neo4j's driver
    decodes a whole record before it can be looked at): bytes approximated as the text's
    length and 8 per number, values one each, iteratively (a deep value cannot recurse).
    It bounds the rows kept and everything built from them; one record's own size is
    bounded by the server's ``db.memory.transaction.max`` (docs/console.md)."""

    def __init__(self, budget: int = MAX_REPLY_BYTES, max_values: int = MAX_REPLY_VALUES):
        self.bytes_left, self.values_left = budget, max_values

    def take(self, value: Any) -> None:
        stack = [value]
        while stack:
            v = stack.pop()
            self.values_left -= 1
            if isinstance(v, (str, bytes, bytearray)):
                self.bytes_left -= len(v)
            elif isinstance(v, dict):
                stack.extend(v.values())
                self.bytes_left -= sum(len(k) for k in v)
            elif isinstance(v, (list, tuple)):
                self.values_left -= len(v)
                if self.values_left < 0:
                    raise ReplyTooLarge()
                stack.extend(v)
            elif hasattr(v, "items"):   # a driver's node or relationship: its properties
                stack.extend(dict(v.items()).values())
            elif hasattr(v, "nodes") and hasattr(v, "relationships"):   # a path
                stack.extend(v.nodes)
                stack.extend(v.relationships)
            else:
                self.bytes_left -= 8
            if self.bytes_left < 0 or self.values_left < 0:
                raise ReplyTooLarge()


class _Reader:
    """A RESP2 reader over one socket that counts bytes and never recurses; text comes
    back decoded, as the product's own connection (``decode_responses``) gives it."""

    def __init__(self, sock: socket.socket, budget: int, deadline: float, max_values: int = MAX_REPLY_VALUES):
        self.sock, self.budget, self.deadline = sock, budget, deadline
        self.values_left = max_values
        self.buf = bytearray()
        self.pos = 0
        self.received = 0

    def _more(self) -> None:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("console reply deadline")
        self.sock.settimeout(left)
        chunk = self.sock.recv(_CHUNK)
        if not chunk:
            raise ConnectionError("the engine closed the connection")
        self.received += len(chunk)
        if self.received > self.budget:
            raise ReplyTooLarge()
        if self.pos > len(self.buf) // 2:
            del self.buf[:self.pos]
            self.pos = 0
        self.buf += chunk

    def line(self) -> bytes:
        while True:
            end = self.buf.find(b"\r\n", self.pos)
            if end >= 0:
                out = bytes(self.buf[self.pos:end])
                self.pos = end + 2
                return out
            self._more()

    def exact(self, n: int) -> bytes:
        while len(self.buf) - self.pos < n + 2:
            self._more()
        out = bytes(self.buf[self.pos:self.pos + n])
        self.pos += n + 2
        return out

    def array_len(self) -> int | ResponseError:
        line = self.line()
        if line[:1] == b"-":
            return ResponseError(line[1:].decode("utf-8", "replace"))
        if line[:1] != b"*":
            raise ConnectionError(f"unexpected reply {line[:20]!r}")
        return int(line[1:])

    def value(self) -> Any:
        """One value; errors inside arrays become ResponseError objects, as redis-py does."""
        stack: list[list] = []   # [list being filled, items still to read]
        while True:
            line = self.line()
            self.values_left -= 1
            if self.values_left < 0:
                raise ReplyTooLarge()
            kind, body = line[:1], line[1:]
            if kind == b"*":
                n = int(body)
                if n > 0:
                    stack.append([[], n])
                    continue
                item: Any = [] if n == 0 else None
            elif kind == b"$":
                n = int(body)
                item = None if n < 0 else self.exact(n).decode("utf-8", "replace")
            elif kind == b":":
                item = int(body)
            elif kind == b"+":
                item = body.decode("utf-8", "replace")
            elif kind == b"-":
                item = ResponseError(body.decode("utf-8", "replace"))
            else:
                raise ConnectionError(f"unexpected reply {line[:20]!r}")
            while True:
                if not stack:
                    return item
                top = stack[-1]
                top[0].append(item)
                top[1] -= 1
                if top[1]:
                    break
                item = stack.pop()[0]


def _encode(*args: Any) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode("utf-8")
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


def _connect(address: dict, deadline: float) -> socket.socket:
    left = max(0.05, deadline - time.monotonic())
    if address.get("path"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(left)
        sock.connect(address["path"])
    else:
        sock = socket.create_connection((address.get("host") or "127.0.0.1", int(address.get("port") or 6379)),
                                        timeout=left)
    if address.get("password"):
        user = address.get("username")
        sock.sendall(_encode("AUTH", *( [user] if user else []), address["password"]))
        reply = _Reader(sock, 1 << 16, deadline).line()
        if not reply.startswith(b"+"):
            sock.close()
            raise ConnectionError("the engine refused the console connection's credentials")
    return sock


def _run_once(address: dict, graph: str, query: str, timeout_ms: int, row_cap: int,
              budget: int) -> tuple[list, bool]:
    """Send one GRAPH.RO_QUERY and read at most ``row_cap + 1`` rows of its reply."""
    deadline = time.monotonic() + timeout_ms / 1000.0 + GRACE_S
    sock = _connect(address, deadline)
    try:
        sock.sendall(_encode("GRAPH.RO_QUERY", graph, query, "--compact", "timeout", int(timeout_ms)))
        reader = _Reader(sock, budget, deadline)
        parts = reader.array_len()
        if isinstance(parts, ResponseError):
            raise parts
        if parts < 3:   # only statistics (or an error after them): no rows
            return [reader.value() for _ in range(parts)], False
        header = reader.value()
        rows_total = reader.array_len()
        if isinstance(rows_total, ResponseError):
            raise rows_total
        rows = [reader.value() for _ in range(min(rows_total, row_cap + 1))]
        if rows_total > row_cap + 1:
            return [header, rows, []], True   # the rest stays unread; the socket closes
        return [header, rows, reader.value()], False
    finally:
        sock.close()


def run(address: dict, graph: str, header: str, text: str, timeout_ms: int, row_cap: int,
        budget: int = MAX_REPLY_BYTES) -> Reply:
    """Run ``text`` (its parameters already rendered into ``header``) read-only.

    Returns the compact reply holding at most ``row_cap + 1`` rows.

    Raises:
        redis ResponseError: the engine refused the query (the caller classifies it).
        ValidationFailed: the reply is over the byte budget or the time ran out.
        ConnectionError / OSError: the engine cannot be reached.
    """
    started = time.monotonic()
    try:
        try:
            raw, truncated = _run_once(address, graph, header + wrap(text, row_cap + 1),
                                       timeout_ms, row_cap, budget)
            return Reply(raw, truncated, wrapped=True)
        except ResponseError as e:
            if any(word in str(e).lower() for word in _FINAL):
                raise
        left = timeout_ms - int((time.monotonic() - started) * 1000)
        if left < 1:
            raise ValidationFailed([Problem("query", "Query timed out")])
        raw, truncated = _run_once(address, graph, header + text, left, row_cap, budget)
        return Reply(raw, truncated, wrapped=False)
    except ReplyTooLarge:
        raise too_large(budget) from None
    except socket.timeout:
        raise ValidationFailed([Problem("query", "Query timed out (no complete answer within the "
                                                 "time limit)")]) from None
