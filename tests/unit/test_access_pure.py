"""Pure parts of access: the failed-login bound over time, scopes, actor text."""

from __future__ import annotations

import pytest

from app.access.throttle import FailedLogins
from app.access.tokens import new_token, parse_scopes
from graph_model.errors import ValidationFailed
from graph_model.services.access import Principal


def test_failed_logins_lock_then_age_out():
    now = [1000.0]
    f = FailedLogins(per_account=3, per_address=5, window_s=60, clock=lambda: now[0])
    for _ in range(3):
        assert f.retry_after("ana", "1.1.1.1") == 0
        f.failed("ana", "1.1.1.1")
    assert 59 <= f.retry_after("ana", "2.2.2.2") <= 61      # the account is locked from anywhere
    assert f.retry_after("bo", "1.1.1.1") == 0               # the address is not (3 < 5)
    now[0] += 61
    assert f.retry_after("ana", "1.1.1.1") == 0
    for name in ("bo", "cy", "dee", "eve"):
        f.failed(name, "1.1.1.1")
    assert f.retry_after("fay", "1.1.1.1") == 0               # 4 failures from the address in the window
    f.failed("gus", "1.1.1.1")
    assert f.retry_after("fay", "1.1.1.1") > 0                # the fifth locks the address
    f.succeeded("ana")


def test_scopes_and_tokens():
    assert parse_scopes("write, read,admin") == ["read", "write", "admin"]
    for bad in ("", "root", "read,everything"):
        with pytest.raises(ValidationFailed):
            parse_scopes(bad)
    a, b = new_token(), new_token()
    assert a != b and a.startswith("og_") and len(a) == 46


def test_actor_text_names_person_credential_and_address():
    p = Principal(person="ana", scopes=frozenset({"write"}), via="token", token="ci", address="10.0.0.7")
    assert p.actor == "person:ana token:ci from:10.0.0.7"
    assert Principal(team="data", via="token", token="feed", address="::1").actor == "team:data token:feed from:::1"
    assert Principal(person="ana", via="session", address="127.0.0.1").actor == "person:ana session from:127.0.0.1"
    assert Principal(person="root", via="cli").actor == "cli:root"
    assert not Principal().authenticated and Principal(scopes=frozenset({"admin"})).has("write")
