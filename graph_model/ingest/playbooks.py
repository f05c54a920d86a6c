"""Playbooks from a manifest: per artifact (``artifacts[].playbook``), per team
(``teams[].playbook``) and per kind (``kind_playbooks``), as a diff against the graph.

A playbook is stored whole on one ``Playbook`` node keyed ``<scope>:<target>``
(``artifact:models/churn``, ``team:ml``, ``kind:deployment``), its fields as canonical
JSON (``schema.canonical_json``), so a re-sent unchanged playbook is a no-op and is not
logged. ``playbook: null`` removes one; leaving ``playbook`` out keeps it, as for every
other manifest field. The change records name the artifact, team or kind, so the rights
rule (``services.access``) decides: the artifact's holders, the team's members, and an
admin for a kind's default.
"""

from __future__ import annotations

from ..schema import Manifest, Playbook, canonical_json
from ..store.base import Reader, batched

SCOPES = ("artifact", "team", "kind")


def key(scope: str, target: str) -> str:
    return f"{scope}:{target}"


def body(p: Playbook) -> str:
    """The stored form: every field, empty ones included, so equal playbooks are equal text."""
    return canonical_json(p.model_dump(mode="json"))


def _given(m: Manifest) -> list[tuple[str, str, Playbook | None]]:
    """(scope, target, playbook or None to remove) for every playbook the manifest sets."""
    out = [("kind", k, p) for k, p in m.kind_playbooks.items()]
    out += [("team", t.id, t.playbook) for t in m.teams if "playbook" in t.model_fields_set]
    out += [("artifact", a.uid, a.playbook) for a in m.artifacts if "playbook" in a.model_fields_set]
    return out


def plan_playbooks(m: Manifest, reader: Reader, b, at: int) -> None:
    """Add the playbook rows and changes of ``m`` to the manifest's builder ``b``."""
    given = _given(m)
    if not given:
        return
    current: dict[str, str] = {}
    for chunk in batched(sorted({key(s, t) for s, t, _ in given})):
        current.update({r["key"]: r["body"] for r in reader("playbooks_by_keys", keys=chunk)})
    for scope, target, playbook in given:
        k = key(scope, target)
        if playbook is None:
            if k in current:
                b.row("clear_playbooks", key=k)
                b.change("playbook.clear", scope, target)
            continue
        text = body(playbook)
        if current.get(k) != text:
            b.row("set_playbooks", key=k, scope=scope, target=target, body=text, at=at)
            b.change("playbook.set", scope, target, playbook=playbook.model_dump(mode="json"))
