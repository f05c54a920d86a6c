"""The load suite's pure parts: how an answer's age is read and checked against the
writes, the time-weighted percentile, and the namespacing of the second organisation."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from bench.freshness import answer_age, measured_lag
from bench.stats import time_weighted
from bench.writer import namespaced
from graph_model import demo
from graph_model.ingest import parse


def test_the_stated_age_and_computed_at_are_read_from_the_answer():
    received = datetime(2026, 1, 15, 12, 0, 30, tzinfo=timezone.utc).timestamp()
    body = json.dumps({"computed_at": "2026-01-15T12:00:00Z", "audit_seq": 41, "age_s": 12.5, "artifacts": []})
    age = answer_age(body.encode(), received)
    assert age["stated_s"] == 12.5 and age["audit_seq"] == 41 and age["since_computed_s"] == 30.0
    nested = json.dumps({"freshness": {"age_ms": 1500, "computed_at": int(received * 1000) - 2000}})
    age = answer_age(nested.encode(), received)
    assert age["stated_s"] == 1.5 and age["since_computed_s"] == 2.0 and age["audit_seq"] is None


def test_an_answer_without_freshness_fields_says_so():
    age = answer_age(b'{"artifacts": [], "age_s": true}', 100.0)
    assert age["stated_s"] is None and age["since_computed_s"] is None and age["audit_seq"] is None
    assert measured_lag(age, [[1.0, 0.1, 5]]) is None
    assert answer_age(b"<html>", 1.0)["stated_s"] is None


def test_the_lag_is_measured_from_the_first_write_the_answer_misses():
    writes = [[10.0, 0.5, 3], [11.0, 0.5, 4], [12.0, 0.5, 5], [30.0, 0.5, 6]]
    assert measured_lag({"audit_seq": 5, "received": 20.0}, writes) == 0.0
    assert measured_lag({"audit_seq": 3, "received": 20.0}, writes) == 8.5   # write 4 ended at 11.5
    # a write acknowledged after the answer was received does not count against it
    assert measured_lag({"audit_seq": 5, "received": 30.2}, writes) == 0.0


def test_time_weighted_percentile_sees_a_stall_that_per_request_p95_hides():
    times = [10.0] * 99 + [5000.0]
    assert sorted(times)[94] == 10.0
    assert time_weighted(times, 0.95) == 5000.0
    assert time_weighted([], 0.95) is None


def test_the_second_organisation_is_valid_and_shares_no_identifier_with_the_first():
    now = datetime(2026, 1, 15, 12, tzinfo=timezone.utc)
    first = list(demo.iter_demo_chunks(size=120, seed=7, now=now, chunk_artifacts=50))
    second = [namespaced(c, "x2") for c in demo.iter_demo_chunks(size=120, seed=8, now=now, chunk_artifacts=50)]
    ids = lambda chunks, key: {x["uid" if key == "artifacts" else "id"] for c in chunks for x in c.get(key, [])}  # noqa: E731
    for key in ("artifacts", "people", "teams"):
        assert ids(second, key) and not ids(first, key) & ids(second, key), key
    runs = lambda chunks: {v["run"]["id"] for c in chunks for a in c["artifacts"] for v in a["versions"] if v.get("run")}  # noqa: E731
    assert not runs(first) & runs(second)
    known = ids(second, "artifacts")
    for c in second:
        parse.validate(c)   # the product's own validation accepts it
        for a in c["artifacts"]:
            for v in a["versions"]:
                assert all(d["uid"].rpartition("@")[0] in known for d in v.get("derived_from", ()))
