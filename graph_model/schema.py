"""The domain vocabulary: kinds, id and string rules, and the manifest's pydantic models.

Everything a user hands us is parsed here first, so a bad value is reported with its
path before anything reaches the graph. No query varies a label or relationship type:
each is written out in its file under cypher/, and values reach it only as parameters.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone
from enum import Enum
from typing import Annotated, Any, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

NAMESPACE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9._@+-]{0,99}$")
RELATION_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
SHA_RE = re.compile(r"^[0-9a-f]{7,64}$")
VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+:-]{0,99}$")

# String rules (docs/manifest.md has the table). An identifier is shown, linked and
# compared, so nothing in it may be invisible or reorder what is displayed: no control
# character (Unicode Cc), no line/paragraph separator, no bidi control. Free text may
# hold tab, newline and carriage return and nothing else of Cc: the embedded engine's
# query parser cuts a string at NUL, and a refused value is better than a split write.
# Lone surrogates cannot be encoded as UTF-8 for either engine: refused everywhere.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_NOT_IN_IDENTIFIER = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}\ud800-\udfff]")
_NOT_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_DOT_SEGMENT = re.compile(r"(?:^|/)\.\.?(?:/|$)")
URL_SCHEMES = ("http", "https")
REPO_SCHEMES = ("http", "https", "ssh", "git", "git+ssh", "file")
_URL_RE = re.compile(r"^([a-z][a-z0-9+.-]*)://([^\s/?#]*)\S*$")
_SCP_RE = re.compile(r"^[A-Za-z0-9._-]+@[A-Za-z0-9][A-Za-z0-9.-]*:(?!//)\S+$")


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


def split_uid(uid: str) -> tuple[str, str]:
    """Split ``namespace/name`` into its parts (the name may itself hold '/')."""
    namespace, _, name = uid.partition("/")
    return namespace, name


def _char_name(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def identifier_problem(value: str, what: str) -> Optional[str]:
    """Why ``value`` cannot be an identifier (see the string rules above), or None."""
    if value != value.strip():
        return f"{what} {value!r} has surrounding spaces"
    bad = _NOT_IN_IDENTIFIER.search(value)
    if bad:
        return (f"{what} {value!r} contains {_char_name(bad.group())}: control, separator and "
                f"bidi characters are not allowed in identifiers")
    return None


def text_problem(value: str, what: str) -> Optional[str]:
    """Why ``value`` cannot be free text, or None: every Cc but tab, newline, CR is refused."""
    bad = _NOT_IN_TEXT.search(value)
    if bad:
        return (f"{what} contains {_char_name(bad.group())} at position {bad.start()}: "
                f"only tab, newline and carriage return are allowed among control characters")
    return None


def uid_problem(uid: str) -> Optional[str]:
    """Why ``uid`` is not a valid artifact uid, or None when it is.

    The namespace is a slug; the name is free text (people name things as they like,
    and the pages escape it) but holds no '@' (it separates the version), obeys the
    identifier rule, and has no '.' or '..' segment (it reads as a path in URLs and
    file names, where those segments would name something else).
    """
    if "/" not in uid:
        return f"uid {uid!r} has no namespace (expected 'namespace/name')"
    namespace, name = split_uid(uid)
    if not NAMESPACE_RE.match(namespace):
        return f"uid {uid!r}: namespace must be letters, digits, '.', '_' or '-'"
    if not name or name != name.strip():
        return f"uid {uid!r}: name is empty or has surrounding spaces"
    if "@" in name or len(name) > 200:
        return f"uid {uid!r}: name may not contain '@' (max 200 characters)"
    problem = identifier_problem(name, f"uid {uid!r}: name")
    if problem:
        return problem
    if _DOT_SEGMENT.search(name):
        return f"uid {uid!r}: name may not have a '.' or '..' segment"
    return None


def version_ref_problem(text: str) -> Optional[str]:
    """Why ``text`` does not name a version as ``namespace/name@version``, or None.

    The one check of a version reference: manifests (``derived_from``) and request
    parameters (compare) both use it.
    """
    if "@" not in text:
        return f"{text!r} must name a version as 'namespace/name@version'"
    uid, version = split_version_uid(text)
    problem = uid_problem(uid)
    if problem:
        return problem
    if not VERSION_RE.match(version):
        return f"version {version!r} is not a valid version text"
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


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(value: Any) -> str:
    """Deterministic JSON: the form free-form maps are stored and hashed in. (One encoder
    made once: ``json.dumps`` with these options builds a new one per call, a fifth of
    the cost of the small maps a bulk load encodes twice per audit event.)"""
    return _CANONICAL.encode(value)


class _Strict(BaseModel):
    """Text is kept exactly as given (no trimming), so what is read back equals what was
    written; identifiers refuse surrounding spaces instead."""

    model_config = ConfigDict(extra="forbid")


def _slug(value: str, what: str) -> str:
    if not SLUG_RE.match(value):
        raise ValueError(f"{what} {value!r} must be a lowercase slug (a-z, 0-9, '.', '_', '-', '@')")
    return value


def _raise(problem: Optional[str], value: str) -> str:
    if problem:
        raise ValueError(problem)
    return value


def url_problem(value: str, what: str, schemes: tuple[str, ...] = URL_SCHEMES,
                scp: bool = False) -> Optional[str]:
    """Why ``value`` is not an acceptable URL, or None: one of ``schemes`` (no
    ``javascript:``, ``data:`` ...), no whitespace, identifier rule; ``scp`` also allows
    git's ``user@host:path`` form."""
    problem = identifier_problem(value, what)
    if problem:
        return problem
    m = _URL_RE.match(value)
    if m and m.group(1) in schemes and (m.group(2) or m.group(1) == "file"):
        return None
    if scp and not m and _SCP_RE.match(value):
        return None
    forms = ", ".join(f"{s}://" for s in schemes) + (", or be user@host:path" if scp else "")
    return f"{what} {value!r} must start with {forms}"


PersonRef = Annotated[str, AfterValidator(lambda v: _slug(v, "person id"))]
TeamRef = Annotated[str, AfterValidator(lambda v: _slug(v, "team id"))]
Text = Annotated[str, AfterValidator(lambda v: _raise(text_problem(v, "text"), v))]
Name = Annotated[Text, AfterValidator(lambda v: _raise(None if v.strip() else "a name may not be blank", v))]
Label = Annotated[str, Field(min_length=1, max_length=200),
                  AfterValidator(lambda v: _raise(identifier_problem(v, "text"), v))]
WebUrl = Annotated[str, Field(max_length=2000),
                   AfterValidator(lambda v: _raise(url_problem(v, "URL"), v))]
RepoUrl = Annotated[str, Field(max_length=2000),
                    AfterValidator(lambda v: _raise(url_problem(v, "repo", REPO_SCHEMES, scp=True), v))]


HANDLE_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9_])?$")


def handle_problem(value: str) -> Optional[str]:
    """Why ``value`` is not a code-host handle (GitHub/GitLab user name, no '@'), or None.
    Handles compare case-insensitively, as both hosts treat them."""
    if not HANDLE_RE.match(value):
        return (f"handle {value!r} must be a user name as on GitHub or GitLab (letters, digits, "
                f"'.', '_', '-'; without the '@')")
    return None


class Person(_Strict):
    """A person. ``handle`` is their user name on the code host (``ana-s`` for
    ``@ana-s`` in CODEOWNERS); ``email`` also matches CODEOWNERS e-mail owners and git
    commit authors (case-insensitively)."""

    id: str
    name: Name = Field(min_length=1, max_length=200)
    email: Optional[Label] = Field(default=None, max_length=200)
    handle: Optional[str] = None
    active: bool = True

    @field_validator("handle")
    @classmethod
    def _handle(cls, v: Optional[str]) -> Optional[str]:
        return v if v is None else _raise(handle_problem(v), v)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return _slug(v, "person id")


PLAYBOOK_FIELDS = ("failure_modes", "rollback", "integrity_checks", "channel", "runbook")


class Playbook(_Strict):
    """What a responder does when an artifact fails: its known failure modes, when to roll
    back, which data integrity checks to run, where to talk, and the runbook. Set per
    artifact, or per team or kind as a default (``docs/manifest.md``, "Playbooks")."""

    failure_modes: list[Annotated[Text, Field(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=50)
    rollback: Optional[Text] = Field(default=None, min_length=1, max_length=2000)
    integrity_checks: list[Annotated[Text, Field(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=50)
    channel: Optional[Label] = None
    runbook: Optional[WebUrl] = None

    @model_validator(mode="after")
    def _not_empty(self) -> "Playbook":
        if not any(getattr(self, f) for f in PLAYBOOK_FIELDS):
            raise ValueError(f"a playbook needs at least one of {', '.join(PLAYBOOK_FIELDS)} "
                             f"(null removes it)")
        return self


class Team(_Strict):
    id: str
    name: Name = Field(min_length=1, max_length=200)
    members: list[PersonRef] = Field(default_factory=list)
    escalation: list[PersonRef] = Field(default_factory=list)
    playbook: Optional[Playbook] = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return _slug(v, "team id")


class Commit(_Strict):
    sha: str
    repo: Optional[RepoUrl] = None
    author: Optional[PersonRef] = None
    message: Optional[Text] = Field(default=None, max_length=2000)
    time: Optional[datetime] = None

    @field_validator("sha")
    @classmethod
    def _sha(cls, v: str) -> str:
        if not SHA_RE.match(v):
            raise ValueError(f"commit sha {v!r} must be 7-64 lowercase hex characters")
        return v


class Run(_Strict):
    id: str = Field(min_length=1, max_length=200)
    status: Optional[Text] = Field(default=None, max_length=200)
    started_at: Optional[datetime] = None
    ended_at: Optional[datetime] = None
    log_uri: Optional[WebUrl] = None

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        return _raise(identifier_problem(v, "run id"), v)


class DerivedFrom(_Strict):
    uid: str
    relation: str = "input"

    @field_validator("uid")
    @classmethod
    def _uid(cls, v: str) -> str:
        return _raise(version_ref_problem(v), v)

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
        # YAML reads `1.10` as a float and `007` as an int: the decoder keeps the text
        # as written (``source``) so that versions 1.1 and 1.10 stay two versions
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            v = getattr(v, "source", None) or str(v)
        elif isinstance(v, date):
            v = v.isoformat()
        if isinstance(v, str) and not VERSION_RE.match(v):
            raise ValueError(f"version {v!r} must be letters, digits, '.', '_', '+', ':' or '-'")
        return v


def source_path_problem(value: str) -> Optional[str]:
    """Why ``value`` is not a path inside a repository, or None: relative, '/'-separated,
    no '.' or '..' segment, no empty segment, identifier rule."""
    problem = identifier_problem(value, "source path")
    if problem:
        return problem
    if not value or value.startswith("/") or "//" in value or "\\" in value or _DOT_SEGMENT.search(value):
        return (f"source path {value!r} must be relative to the repository root, '/'-separated, "
                f"without empty, '.' or '..' segments")
    return None


class Source(_Strict):
    """Where an artifact's code lives: a repository (the rule of ``commit.repo``) and a
    file or directory inside it (a trailing '/' is allowed). CODEOWNERS rules and git
    history are matched against ``path``."""

    repo: RepoUrl
    path: str = Field(min_length=1, max_length=1000)

    @field_validator("path")
    @classmethod
    def _path(cls, v: str) -> str:
        return _raise(source_path_problem(v), v)


class Artifact(_Strict):
    uid: str
    kind: Kind
    description: Optional[Text] = Field(default=None, max_length=5000)
    owner: Optional[PersonRef] = None
    stewards: list[PersonRef] = Field(default_factory=list)
    team: Optional[TeamRef] = None
    tags: list[Annotated[Text, Field(min_length=1, max_length=200)]] = Field(default_factory=list)
    links: dict[str, WebUrl] = Field(default_factory=dict)
    source: Optional[Source] = None
    versions: list[Version] = Field(default_factory=list)
    playbook: Optional[Playbook] = None

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
        for key in v:
            if not RELATION_RE.match(key):
                raise ValueError(f"link name {key!r} must be snake_case")
        return v


class Manifest(_Strict):
    """A catalog manifest: the declarative input every ingest path reduces to."""

    reason: Optional[Text] = Field(default=None, max_length=2000)
    people: list[Person] = Field(default_factory=list)
    teams: list[Team] = Field(default_factory=list)
    artifacts: list[Artifact] = Field(default_factory=list)
    kind_playbooks: dict[str, Optional[Playbook]] = Field(default_factory=dict)

    @field_validator("kind_playbooks")
    @classmethod
    def _kinds(cls, v: dict[str, Optional[Playbook]]) -> dict[str, Optional[Playbook]]:
        kinds = [k.value for k in Kind]
        for key in v:
            if key not in kinds:
                raise ValueError(f"{key!r} is not a kind (one of {', '.join(kinds)})")
        return v
