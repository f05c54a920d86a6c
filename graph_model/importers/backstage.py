"""Backstage catalog files (``catalog-info.yaml``, several documents per file) -> people,
teams, artifacts, lineage and declared owners.

Read with the manifest's bounded YAML reader (``ingest.decode``: no alias bombs, no
custom tags, duplicate keys reported). Mapping (docs/import.md has the table):

- ``Component``, ``Resource``, ``API``, ``System`` -> an artifact ``<namespace>/<name>``
  (namespace ``default`` when none). Its kind: ``spec.type`` naming a model (``model``,
  ``ml-model`` ...) -> ``model``, a dataset (``dataset``, ``data``) -> ``dataset``;
  otherwise a Component -> ``pipeline`` and the others -> ``other``. Description,
  tags, ``metadata.links`` (by title, snake_case) and the
  ``backstage.io/source-location`` annotation (``url:<repo>/tree/<ref>/<path>``, as the
  artifact's ``source``) are kept.
- Lineage is between versions: an artifact with no version gets one named ``catalog``;
  ``dependsOn: [B]`` on A (or ``dependencyOf: [A]`` on B) makes A's newest version
  ``DERIVED_FROM`` B's, relation ``depends_on``. A target that is neither in the files
  nor in the graph is an entry that cannot be mapped.
- ``Group`` -> a team (id = name, lower-case; name = ``spec.profile.displayName``);
  members from ``User`` ``spec.memberOf`` and ``Group`` ``spec.members``; a team no
  membership names keeps the members it has. ``User`` -> a person (e-mail and the
  ``github.com/user-login`` annotation as ``handle``).
- ``spec.owner`` -> a declaration by ``backstage``: ``group:x`` (or a bare ``x``) the
  accountable team, ``user:x`` the primary owner (``services.declared``: fills an empty
  slot, else shown as a difference).
- On-call annotations (``pagerduty.com/service-id``, ``pagerduty.com/integration-key``,
  ``opsgenie.com/team``, ``opsgenie.com/component-selector``) on a Group, or on an
  entity whose owner is a group, are kept as that team's on-call link (shown on the
  incident page).

Other kinds (Domain, Location, Template) are read and left alone (counted in a note).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import Problem, ValidationFailed
from ..ingest.decode import decode_all
from ..schema import canonical_json, version_uid
from ..services.audit import Change
from ..services.declared import Declared
from ..store.base import Reader, Statement, batched
from .common import Mapped

SOURCE = "backstage"
ARTIFACT_KINDS = {"component", "resource", "api", "system"}
ONCALL_ANNOTATIONS = ("pagerduty.com/service-id", "pagerduty.com/integration-key",
                      "opsgenie.com/team", "opsgenie.com/component-selector")
CATALOG_VERSION = "catalog"
RELATION = "depends_on"
_MODEL = re.compile(r"(^|[-_ ])(ml[-_ ]?)?model($|[-_ ])")
_DATASET = {"dataset", "data-set", "data"}
_SOURCE_LOCATION = re.compile(r"^url:(https?://[^/]+/[^/]+/[^/]+?)(?:\.git)?/(?:tree|blob|-/tree|-/blob)/[^/]+/(.+)$")
_LINK_NAME = re.compile(r"[^a-z0-9]+")


def kind_of(entity_kind: str, spec_type: Any) -> str:
    t = spec_type.strip().lower() if isinstance(spec_type, str) else ""
    if _MODEL.search(t):
        return "model"
    if t in _DATASET:
        return "dataset"
    return "pipeline" if entity_kind == "component" else "other"


def parse_ref(ref: Any, default_kind: str, default_ns: str = "default") -> tuple[str, str, str] | None:
    """``[kind:][namespace/]name`` -> (kind, namespace, name), lower-case kind; None if not a ref."""
    if not isinstance(ref, str) or not ref.strip():
        return None
    kind, _, rest = ref.strip().rpartition(":") if ":" in ref else ("", "", ref.strip())
    ns, _, name = rest.rpartition("/") if "/" in rest else ("", "", rest)
    if not name:
        return None
    return (kind or default_kind).lower(), ns or default_ns, name


def read_files(paths: list[str | Path]) -> list[tuple[str, int, Any]]:
    """(file, document number from 1, document) of every file, every problem at once."""
    docs, problems = [], []
    for path in paths:
        p = Path(path)
        try:
            text = p.read_bytes().decode("utf-8-sig")
        except OSError as e:
            problems.append(Problem(str(p), f"cannot read: {e.strerror}"))
            continue
        except UnicodeDecodeError as e:
            problems.append(Problem(str(p), f"not UTF-8 text (byte {e.start})"))
            continue
        try:
            docs += [(str(p), i, d) for i, d in enumerate(decode_all(text, str(p)), 1)]
        except ValidationFailed as e:
            problems += e.problems
    if problems:
        raise ValidationFailed(problems)
    return docs


def _d(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list:
    return value if isinstance(value, list) else ([value] if isinstance(value, str) else [])


class _Entity:
    def __init__(self, file: str, n: int, doc: dict):
        self.doc = doc
        self.kind = str(doc.get("kind") or "").lower()
        meta = _d(doc.get("metadata"))
        self.meta, self.spec = meta, _d(doc.get("spec"))
        self.name = meta.get("name") if isinstance(meta.get("name"), str) else None
        ns = meta.get("namespace")
        self.namespace = ns if isinstance(ns, str) and ns else "default"
        self.label = f"{file} document {n} ({doc.get('kind') or '?'} {self.name or '?'})"
        self.annotations = _d(meta.get("annotations"))

    @property
    def uid(self) -> str:
        return f"{self.namespace}/{self.name}"


def map_files(paths: list[str | Path], reader: Reader) -> Mapped:
    mapped = Mapped(SOURCE)
    entities: list[_Entity] = []
    ignored = 0
    for file, n, doc in read_files(paths):
        if not isinstance(doc, dict):
            mapped.problems.append(Problem(f"{file} document {n}", "an entity is a mapping"))
            continue
        e = _Entity(file, n, doc)
        if not e.kind or not e.name:
            mapped.problems.append(Problem(e.label, "an entity needs kind and metadata.name"))
        elif e.kind in ARTIFACT_KINDS | {"group", "user"}:
            entities.append(e)
        else:
            ignored += 1
    if ignored:
        mapped.notes.append(f"{ignored} entit{'y' if ignored == 1 else 'ies'} of other kinds "
                            f"(Domain, Location, ...) left alone")
    _people_and_teams(entities, mapped)
    oncall = _artifacts(entities, mapped, reader)
    mapped.extra = _oncall_planner(oncall, {t["id"] for t in mapped.document.get("teams", [])})
    return mapped


def _people_and_teams(entities: list[_Entity], mapped: Mapped) -> None:
    members: dict[str, list[str]] = {}
    groups = [e for e in entities if e.kind == "group"]
    for e in entities:
        if e.kind == "user":
            profile = _d(e.spec.get("profile"))
            person = {"id": e.name.lower(), "name": profile.get("displayName") or e.name}
            if profile.get("email"):
                person["email"] = profile["email"]
            if e.annotations.get("github.com/user-login"):
                person["handle"] = e.annotations["github.com/user-login"]
            mapped.add("people", person, e.label)
            for ref in _l(e.spec.get("memberOf")):
                r = parse_ref(ref, "group")
                if r:
                    members.setdefault(r[2].lower(), []).append(e.name.lower())
    for g in groups:
        for ref in _l(g.spec.get("members")):
            r = parse_ref(ref, "user")
            if r:
                members.setdefault(g.name.lower(), []).append(r[2].lower())
    for g in groups:
        profile = _d(g.spec.get("profile"))
        team = {"id": g.name.lower(), "name": profile.get("displayName") or g.meta.get("title") or g.name}
        if g.name.lower() in members:
            team["members"] = sorted(set(members[g.name.lower()]))
        mapped.add("teams", team, g.label)


def _links(meta: dict) -> dict:
    out = {}
    for i, link in enumerate(_l(meta.get("links"))):
        link = _d(link)
        if not isinstance(link.get("url"), str):
            continue
        name = _LINK_NAME.sub("_", str(link.get("title") or link.get("type") or "").lower()).strip("_")
        if not name or not name[0].isalpha():
            name = f"link_{i + 1}"
        out.setdefault(name, link["url"])
    return out


def _artifacts(entities: list[_Entity], mapped: Mapped, reader: Reader) -> dict[str, dict]:
    arts = [e for e in entities if e.kind in ARTIFACT_KINDS]
    in_files = {e.uid for e in arts}
    refs = {}
    for e in arts:
        for key, default in (("dependsOn", "component"), ("dependencyOf", "component")):
            for ref in _l(e.spec.get(key)):
                r = parse_ref(ref, default, e.namespace)
                if r:
                    refs[f"{r[1]}/{r[2]}"] = None
    known = set(in_files)
    latest: dict[str, str] = {}
    for chunk in batched(sorted(in_files | set(refs)), 500):
        for row in reader("latest_versions_of", uids=chunk):
            if row.get("latest"):
                latest[row["uid"]] = row["latest"].rpartition("@")[2]
        known.update(r["uid"] for r in reader("artifacts_by_uids", uids=chunk))

    def version_of(uid: str) -> str:
        return latest.get(uid, CATALOG_VERSION)

    upstream: dict[str, list[str]] = {e.uid: [] for e in arts}
    for e in arts:
        for key in ("dependsOn", "dependencyOf"):
            for ref in _l(e.spec.get(key)):
                r = parse_ref(ref, "component", e.namespace)
                target = f"{r[1]}/{r[2]}" if r else None
                if target is None or target not in known:
                    mapped.problems.append(Problem(f"{e.label} spec.{key}",
                                                   f"{ref!r} is neither in the files nor in the graph"))
                    continue
                if key == "dependsOn":
                    upstream[e.uid].append(target)
                elif target in upstream:
                    upstream[target].append(e.uid)
                else:
                    mapped.problems.append(Problem(f"{e.label} spec.{key}",
                                                   f"{ref!r} is not in the files: its lineage cannot be set"))
    oncall: dict[str, dict] = {}
    for e in arts:
        meta = e.meta
        art: dict[str, Any] = {"uid": e.uid, "kind": kind_of(e.kind, e.spec.get("type"))}
        if isinstance(meta.get("description"), str):
            art["description"] = meta["description"]
        if meta.get("tags"):
            art["tags"] = meta["tags"]
        if _links(meta):
            art["links"] = _links(meta)
        m = _SOURCE_LOCATION.match(str(e.annotations.get("backstage.io/source-location") or ""))
        if m:
            art["source"] = {"repo": m.group(1), "path": m.group(2)}
        version = {"version": version_of(e.uid)}
        deps = sorted(set(upstream[e.uid]))
        if deps:
            version["derived_from"] = [{"uid": version_uid(u, version_of(u)), "relation": RELATION} for u in deps]
        art["versions"] = [version]
        mapped.add("artifacts", art, e.label)
        owner = parse_ref(e.spec.get("owner"), "group")
        if owner:
            kind, _, name = owner
            if kind == "user":
                mapped.declarations[(e.uid, SOURCE)] = [Declared("primary", name.lower(), "person")]
            else:
                mapped.declarations[(e.uid, SOURCE)] = [Declared("team", name.lower(), "team")]
                _oncall(e, name.lower(), oncall)
    for g in (e for e in entities if e.kind == "group"):
        _oncall(g, g.name.lower(), oncall)
    return oncall


def _oncall(e: _Entity, team: str, out: dict[str, dict]) -> None:
    found = {k: str(e.annotations[k]) for k in ONCALL_ANNOTATIONS if e.annotations.get(k)}
    if found:
        out.setdefault(team, {}).update(found)


def _oncall_planner(oncall: dict[str, dict], created: set[str]):
    """On-call links of teams that exist or that the same import creates (the statement
    runs after the teams are written); a team that is neither is left out."""
    def plan(reader: Reader, at: int) -> tuple[list[Statement], list[Change], set[str]]:
        current: dict[str, str | None] = {tid: None for tid in created}
        for chunk in batched(sorted(oncall), 500):
            current.update({r["id"]: r.get("oncall") for r in reader("teams_oncall", ids=chunk)})
        rows, changes = [], []
        for tid in sorted(t for t in oncall if t in current):
            text = canonical_json(oncall[tid])
            if current[tid] != text:
                rows.append({"id": tid, "oncall": text})
                changes.append(Change("team.oncall", "team", tid, {"oncall": oncall[tid]}))
        return ([Statement("set_team_oncall", {"rows": rows})] if rows else []), changes, set()
    return plan
