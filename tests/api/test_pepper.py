"""Passwords are hashed with a pepper kept outside the graph, so a hash the console can
read is useless without the server's key (app/access/pepper.py)."""

from __future__ import annotations

import stat

import pytest
from argon2 import PasswordHasher

from app.access import passwords, pepper
from graph_model.ingest import manifest, parse

PASSWORD = "correct horse battery"


@pytest.fixture
def people(store):
    manifest.ingest(store, parse.validate({"people": [{"id": "ana", "name": "Ana"}]}), actor="tester")
    return store


def test_the_key_file_is_made_once_private_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv(pepper.ENV, raising=False)
    first = pepper.key(tmp_path)
    path = tmp_path / pepper.FILE
    assert len(first) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert pepper.key(tmp_path) == first
    assert pepper.key(tmp_path / "other") != first


def test_a_short_configured_key_is_refused(monkeypatch):
    monkeypatch.setenv(pepper.ENV, "too short")
    with pytest.raises(pepper.KeyProblem, match="at least 32"):
        pepper.key(None)


def test_the_stored_hash_is_not_of_the_password_and_needs_the_key(people, tmp_path, monkeypatch):
    monkeypatch.delenv(pepper.ENV, raising=False)
    passwords.set_password(people, "ana", PASSWORD, actor="test", home=tmp_path)
    stored = people.read("password_of", person="ana")[0]["hash"]
    hasher = PasswordHasher()
    with pytest.raises(Exception):
        hasher.verify(stored, PASSWORD)          # what the console shows cannot be searched alone
    assert hasher.verify(stored, pepper.mix(pepper.key(tmp_path), PASSWORD))
    assert passwords.check(people, "ana", PASSWORD, home=tmp_path)
    assert not passwords.check(people, "ana", PASSWORD, home=tmp_path / "another-server")
    assert not passwords.check(people, "ana", "wrong horse battery", home=tmp_path)
