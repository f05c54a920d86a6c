"""Loads the named Cypher files of ``cypher/``: one query set for both engines.

Every query is written in the portable subset both engines run, so there is one text
per name. Keeping queries out of Python means no query text is ever assembled from
values. The one exception: a file under ``cypher/<engine>/`` replaces the portable
query of the same name on that engine, where the portable text cannot be fast there
(each says why; ``ol_version_before`` needs an index hint on Neo4j that FalkorDB
refuses). It answers the same rows; the contract suite runs it on its engine.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path


def _cypher_dir() -> Path:
    """The source checkout's ``cypher/`` (also an editable install), else the copy an
    installed wheel puts under ``<prefix>/share/ownergraph/cypher``."""
    source = Path(__file__).resolve().parents[2] / "cypher"
    if source.is_dir():
        return source
    return Path(sys.prefix) / "share" / "ownergraph" / "cypher"


CYPHER_DIR = _cypher_dir()


#: engines that may have their own form of a query (``cypher/<engine>/<name>.cypher``)
ENGINES = ("neo4j",)


@lru_cache(maxsize=None)
def get(name: str, engine: str | None = None) -> str:
    """The text of query ``name`` (on ``engine``, its own form where it has one).

    Raises:
        KeyError: no such query file (a programming error, not a user one).
    """
    path = CYPHER_DIR / f"{name}.cypher"
    if not path.is_file():
        raise KeyError(f"no Cypher query named {name!r} in {CYPHER_DIR}")
    if engine is not None:
        own = CYPHER_DIR / engine / f"{name}.cypher"
        if own.is_file():
            path = own
    return _strip(path.read_text(encoding="utf-8"))


def _strip(text: str) -> str:
    """Drop ``//`` comment lines so both engines see only the statement."""
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("//")]
    return "\n".join(lines).strip().rstrip(";")
