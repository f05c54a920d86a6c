"""The copied incident summary carries the playbook's channel and rollback rule, escaped."""

from __future__ import annotations

from app.dashboard.incident_markdown import incident_markdown


def _answer(playbook):
    return {"artifact": {"uid": "deploy/x", "kind": "deployment", "version": "deploy/x@1",
                         "links": {"runbook": "https://r.example.com/x"}},
            "at": "2026-11-20T12:00:00Z", "page": [], "upstream": [], "notes": [], "playbook": playbook}


def test_playbook_lines_in_the_markdown():
    text = incident_markdown(_answer({"channel": "#x-incidents", "rollback": "error rate > 2% [see](http://evil)",
                                      "runbook": "https://r.example.com/pb", "failure_modes": [],
                                      "integrity_checks": [], "sources": {}}))
    assert "Channel: \\#x\\-incidents" in text
    assert "Roll back when: error rate \\> 2% \\[see\\]\\(http://evil\\)" in text
    assert "Playbook runbook: <https://r.example.com/pb>" in text
    same = incident_markdown(_answer({"channel": None, "rollback": None, "runbook": "https://r.example.com/x",
                                      "failure_modes": [], "integrity_checks": [], "sources": {}}))
    assert "Playbook runbook" not in same and "Channel" not in same       # the same runbook once
    assert "Channel" not in incident_markdown(_answer(None))
