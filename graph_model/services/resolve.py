"""The one resolver of "artifact + version as of T" that incident and impact start from.

Why one: both answers begin by turning what the caller named (an artifact, perhaps a
version, perhaps a time) into version uids, and both must refuse an unknown artifact or
version with the same message. Incident starts from one version (the one named, else
the newest created at or before T); impact from the one named, else every version of
the artifact, since an old version may still feed a deployed model.
"""

from __future__ import annotations

from ..errors import NotFound
from ..schema import from_epoch_ms, version_uid
from ..store.base import GraphStore


def require_artifact(store: GraphStore, uid: str) -> None:
    """Raise NotFound unless artifact ``uid`` exists."""
    if not store.read("artifact_summaries", uids=[uid]):
        raise NotFound(f"unknown artifact {uid!r}")


def version(store: GraphStore, uid: str, name: str | None, at: int) -> dict:
    """Version ``name`` of ``uid`` (else its newest created at or before ``at``) as a
    ``version_as_of`` row; NotFound names what is missing."""
    require_artifact(store, uid)
    rows = store.read("version_as_of", uid=uid, version=name, at=at)
    if not rows:
        if name is not None:
            raise NotFound(f"unknown version {version_uid(uid, name)!r}")
        raise NotFound(f"artifact {uid!r} has no version created at or before {from_epoch_ms(at)}")
    return rows[0]


def versions(store: GraphStore, uid: str, name: str | None, at: int) -> list[str]:
    """Version uids to walk from: ``[version(...)]`` when a version is named, else every
    version of the artifact."""
    if name is not None:
        return [version(store, uid, name, at)["uid"]]
    require_artifact(store, uid)
    return [r["uid"] for r in store.read("artifact_version_uids", uid=uid)]
