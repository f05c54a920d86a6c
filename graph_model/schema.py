"""The domain vocabulary: kinds, roles, id rules and the manifest's pydantic models.

Everything a user hands us is parsed here first, so a bad value is reported with its
path before anything reaches the graph. Labels and relationship types that a query
must vary come only from the allow-lists below.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from enum import Enum
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

NAMESPACE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9._@+-]{0,99}$")
RELATION_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
SHA_RE = re.compile(r"^[0-9a-f]{7,64}$")
VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+:-]{0,99}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Kind(str, Enum):
    """What an artifact is; drives ordering (deployments and models first) and colour."""

    model = "model"
    dataset = "dataset"
    metric = "metric"
    evaluation = "evaluation"
    deployment = "deployment"
    feature_set = "feature_set"
    pipeline = "pipeline"
    other = "other"


class Role(str, Enum):
    """A person's ownership role on an artifact."""

    primary = "primary"
    steward = "steward"


NODE_LABELS = ("Artifact", "Version", "Person", "Team", "Commit", "Run", "AuditEvent")
RELATIONSHIP_TYPES = (
    "OWNS", "MEMBER_OF", "VERSION_OF", "PREVIOUS", "DERIVED_FROM",
    "BUILT_FROM", "PRODUCED_BY", "AUTHORED_BY",
)


def split_uid(uid: str) -> tuple[str, str]:
    """Split ``namespace/name`` into its parts (the name may itself hold '/')."""
    namespace, _, name = uid.partition("/")
    return namespace, name


def uid_problem(uid: str) -> Optional[str]:
    """Why ``uid`` is not a valid artifact uid, or None when it is.

    The namespace is a slug; the name is free text (people name things as they like,
    and the pages escape it) but holds no '@' (it separates the version) and no
    control characters.
    """
    if "/" not in uid:
        return f"uid {uid!r} has no namespace (expected 'namespace/name')"
    namespace, name = split_uid(uid)
    if not NAMESPACE_RE.match(namespace):
        return f"uid {uid!r}: namespace must be letters, digits, '.', '_' or '-'"
    if not name or name != name.strip():
        return f"uid {uid!r}: name is empty or has surrounding spaces"
    if "@" in name or _CONTROL.search(name) or len(name) > 200:
        return f"uid {uid!r}: name may not contain '@' or control characters (max 200)"
    return None


def split_version_uid(vuid: str) -> tuple[str, str]:
    """Split ``namespace/name@version`` at its last '@'."""
    uid, _, version = vuid.rpartition("@")
    return uid, version


def version_uid(uid: str, version: str) -> str:
    return f"{uid}@{version}"


def to_epoch_ms(value: datetime) -> int:
    """Instants are stored as UTC epoch milliseconds (one engine has no datetime type)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return int(value.timestamp() * 1000)


def from_epoch_ms(ms: Optional[int]) -> Optional[str]:
    """ISO-8601 UTC text for an epoch-millisecond instant (None stays None)."""
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat().replace("+00:00", "Z")


def canonical_json(value: Any) -> str:
    """Deterministic JSON: the form free-form maps are stored and hashed in."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _slug(value: str, what: str) -> str:
    if not SLUG_RE.match(value):
        raise ValueError(f"{what} {value!r} must be a lowercase slug (a-z, 0-9, '.', '_', '-', '@')")
    return value


class Person(_Strict):
    id: str
    name: str = Field(min_length=1, max_length=200)
    email: Optional[str] = Field(default=None, max_length=200)
    active: bool = True

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return _slug(v, "person id")


class Team(_Strict):
    id: str
    name: str = Field(min_length=1, max_length=200)
    members: list[str] = Field(default_factory=list)
    escalation: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return _slug(v, "team id")


def _http_url(value: str) -> str:
    if not re.match(r"^https?://[^\s]+$", value):
        raise ValueError(f"link {value!r} must be an http(s) URL")
    return value


class Commit(_Strict):
    sha: str
    repo: Optional[str] = None
    author: Optional[str] = None
    message: Optional[str] = Field(default=None, max_length=2000)
    time: Optional[datetime] = None

    @field_validator("sha")
    @classmethod
    def _sha(cls, v: str) -> str:
        if not SHA_RE.match(v):
            raise ValueError(f"commit sha {v!r} must be 7-64 lowercase hex characters")
        return v


class Run(_Strict):
    id: str = Field(min_length=1, max_length=200)
    status: Optional[str] = None
    started_at: Optional[datetime] = None
    ended_at: Optional[datetime] = None
    log_uri: Optional[str] = None


class DerivedFrom(_Strict):
    uid: str
    relation: str = "input"

    @field_validator("uid")
    @classmethod
    def _uid(cls, v: str) -> str:
        if "@" not in v:
            raise ValueError(f"{v!r} must name a version as 'namespace/name@version'")
        uid, version = split_version_uid(v)
        problem = uid_problem(uid)
        if problem:
            raise ValueError(problem)
        if not VERSION_RE.match(version):
            raise ValueError(f"version {version!r} is not a valid version text")
        return v

    @field_validator("relation")
    @classmethod
    def _relation(cls, v: str) -> str:
        if not RELATION_RE.match(v):
            raise ValueError(f"relation {v!r} must be snake_case (e.g. trained_on)")
        return v


class Version(_Strict):
    version: str
    created_at: Optional[datetime] = None
    commit: Optional[Commit] = None
    derived_from: list[DerivedFrom] = Field(default_factory=list)
    hyperparameters: dict[str, Any] = Field(default_factory=dict)
    metrics: dict[str, Any] = Field(default_factory=dict)
    deployment: dict[str, Any] = Field(default_factory=dict)
    run: Optional[Run] = None

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: Any) -> Any:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            v = str(v)
        if isinstance(v, str) and not VERSION_RE.match(v.strip()):
            raise ValueError(f"version {v!r} must be letters, digits, '.', '_', '+', ':' or '-'")
        return v


class Artifact(_Strict):
    uid: str
    kind: Kind
    description: Optional[str] = Field(default=None, max_length=5000)
    owner: Optional[str] = None
    stewards: list[str] = Field(default_factory=list)
    team: Optional[str] = None
    tags: list[str] = Field(default_factory=list)
    links: dict[str, str] = Field(default_factory=dict)
    versions: list[Version] = Field(default_factory=list)

    @field_validator("uid")
    @classmethod
    def _uid(cls, v: str) -> str:
        problem = uid_problem(v)
        if problem:
            raise ValueError(problem)
        return v

    @field_validator("links")
    @classmethod
    def _links(cls, v: dict[str, str]) -> dict[str, str]:
        for key, url in v.items():
            if not RELATION_RE.match(key):
                raise ValueError(f"link name {key!r} must be snake_case")
            _http_url(url)
        return v


class Manifest(_Strict):
    """A catalog manifest: the declarative input every ingest path reduces to."""

    reason: Optional[str] = Field(default=None, max_length=2000)
    people: list[Person] = Field(default_factory=list)
    teams: list[Team] = Field(default_factory=list)
    artifacts: list[Artifact] = Field(default_factory=list)
