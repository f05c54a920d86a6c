"""The uid rule for OpenLineage names: (namespace, name) -> artifact uid, deterministic.

OpenLineage keys a dataset or job by ``namespace`` (``postgres://db:5432``,
``s3://bucket``, ``food_delivery``) and ``name`` (``shop.public.orders``,
``/raw/orders.csv``). An artifact uid is ``namespace/name`` with a slug namespace and a
name obeying the uid rules (``schema.uid_problem``). The rule:

- the namespace is kept as written when it already is a uid namespace (letters, digits,
  ``.``, ``_``, ``-``; at most 100 characters); otherwise it becomes its slug (every run
  of other characters -> ``-``, at most 60 characters) followed by ``-`` and the first 8
  hex digits of the SHA-256 of the namespace as written:
  ``postgres://db:5432`` -> ``postgres-db-5432-<8 hex>``. The digest keeps two
  namespaces that slug alike (``postgres://db:5432`` and ``postgres://db/5432``) apart.
- the name is kept as written (less a leading ``/``: file paths are absolute, and a
  ``//`` in a page address would be merged by the router) when ``namespace/name`` is a
  valid uid and has no empty path segment; otherwise it is
  cleaned (``@`` -> ``_at_``, control, separator and bidi characters dropped, ``.`` and
  ``..`` segments -> ``_``, repeated ``/`` merged, surrounding spaces and ``/`` trimmed,
  at most 180 characters) and
  followed by ``-`` and 8 hex digits of the SHA-256 of the name as written.

The original namespace and name are stored on the artifact (``origin_namespace``,
``origin_name``), shown on its page and matched by search.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from ..schema import NAMESPACE_RE, uid_problem

_NOT_SLUG = re.compile(r"[^A-Za-z0-9._-]+")
_DROP = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_DOT_SEGMENT = re.compile(r"(?:^|(?<=/))\.\.?(?=/|$)")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def uid_namespace(namespace: str) -> str:
    if NAMESPACE_RE.match(namespace):
        return namespace
    slug = _NOT_SLUG.sub("-", namespace).strip("-._")[:60].rstrip("-._") or "ns"
    return f"{slug}-{_digest(namespace)}"


def uid_name(namespace_part: str, name: str) -> str:
    plain = name.lstrip("/") if name.startswith("/") else name
    if "//" not in plain and not plain.endswith("/") and uid_problem(f"{namespace_part}/{plain}") is None:
        return plain
    clean = _DROP.sub("", name.replace("@", "_at_")).strip()
    clean = re.sub("/+", "/", clean).strip("/")
    clean = _DOT_SEGMENT.sub("_", clean)[:180].strip() or "unnamed"
    return f"{clean}-{_digest(name)}"


@lru_cache(maxsize=16384)
def artifact_uid(namespace: str, name: str) -> str:
    """The artifact uid of an OpenLineage dataset or job (see the module docstring).

    Remembered for the names seen last: a feed names the same datasets and jobs again
    and again, and working the rule out was 40% of checking a stream's events (bounded:
    16,384 names of at most a few KB each)."""
    ns = uid_namespace(namespace)
    return f"{ns}/{uid_name(ns, name)}"
