"""The union composer's text rewriting and the write path's head-first reader."""

from __future__ import annotations

import pytest

from graph_model.services.write_path import HeadFirst
from graph_model.store import compose, queries, union_reads


def test_return_becomes_a_with_and_a_part_row():
    text = "UNWIND $ids AS i MATCH (n {id: i}) RETURN n.id AS id, collect({a: n.x, b: [1, 2]}) AS xs ORDER BY id LIMIT 3"
    part = union_reads.as_part(text)
    assert part.startswith("UNWIND $ids AS i MATCH (n {id: i}) WITH n.id AS id, collect({a: n.x, b: [1, 2]}) AS xs")
    assert "ORDER BY id LIMIT 3\nRETURN $part AS part, {id: id, xs: xs} AS row" in part


def test_distinct_and_keywords_inside_strings_are_kept():
    text = "MATCH (n) WHERE n.s = 'a RETURN b, c' RETURN DISTINCT n.s AS s, 'x, y' AS t"
    part = union_reads.as_part(text)
    assert "WHERE n.s = 'a RETURN b, c' WITH DISTINCT n.s AS s, 'x, y' AS t" in part
    assert part.endswith("RETURN $part AS part, {s: s, t: t} AS row")


@pytest.mark.parametrize("text", ["MATCH (n) RETURN n.a", "MATCH (n) RETURN n.a AS a, count(*)", "MATCH (n) SET n.a = 1"])
def test_unnamed_columns_or_no_return_are_refused(text):
    with pytest.raises(ValueError):
        union_reads.as_part(text)


def test_a_bare_variable_names_its_own_column():
    part = union_reads.as_part("MATCH (n) WITH n.a AS a, count(*) AS c RETURN a, c AS total")
    assert part.endswith("WITH a, c AS total\nRETURN $part AS part, {a: a, total: total} AS row")


def test_parameters_are_renamed_per_part_and_must_be_given():
    text, params = union_reads.compose_reads(
        [("people_by_ids", {"ids": ["a"]}), ("people_by_ids", {"ids": ["b"]})], queries.get)
    assert params == {"r0_ids": ["a"], "r0_part": 0, "r1_ids": ["b"], "r1_part": 1}
    assert "$r0_ids" in text and "$r1_ids" in text and "$ids" not in text and text.count("UNION ALL") == 1
    # the part's index is a parameter too: the text holds the files' texts and column names only
    assert "$r0_part AS part" in text and "$r1_part AS part" in text and " 1 AS part" not in text
    with pytest.raises(ValueError, match=r"\$ids"):
        union_reads.compose_reads([("people_by_ids", {})], queries.get)
    with pytest.raises(ValueError, match=r"\$part"):
        union_reads.compose_reads([("people_by_ids", {"ids": ["a"], "part": 3})], queries.get)


def test_split_and_origin():
    rows = [{"part": 1, "row": {"x": 1}}, {"part": 0, "row": {"x": 2}}, {"part": 1, "row": {"x": 3}}]
    assert union_reads.split(rows, 3) == [[{"x": 2}], [{"x": 1}, {"x": 3}], []]
    assert compose.origin("r1_uids[0]", ["a", "ol_runs_by_ids"], "r") == "ol_runs_by_ids: uids[0]"


def test_every_planner_read_can_be_joined():
    """The reads planners send through ``read_all`` all have named columns."""
    for name in ("audit_head", "ol_artifacts_by_uids", "ol_runs_by_ids", "ol_versions_by_uids",
                 "latest_versions_of", "ol_version_before"):
        for engine in (None, *queries.ENGINES):
            text = queries.get(name, engine)
            assert "RETURN" in union_reads.as_part(text)


class _Recording:
    """A reader that records what it was asked (no store: the order of asks is the point)."""

    def __init__(self, joins: bool):
        self.asked: list = []
        if not joins:
            self.many = None

    def __call__(self, name, **params):
        self.asked.append(name)
        return [{"seq": 7, "hash": "h"}] if name == "audit_head" else [{"name": name}]

    def many(self, calls):
        self.asked.append([n for n, _ in calls])
        return [[{"seq": 7, "hash": "h"}] if n == "audit_head" else [{"name": n}] for n, _ in calls]


def test_the_head_rides_on_the_first_joined_read():
    from graph_model.store.base import read_all
    r = _Recording(joins=True)
    h = HeadFirst(r)
    assert read_all(h, [("a", {}), ("b", {})]) == [[{"name": "a"}], [{"name": "b"}]]
    assert read_all(h, [("c", {}), ("d", {})]) == [[{"name": "c"}], [{"name": "d"}]]
    assert h.head() == {"seq": 7, "hash": "h"}
    assert r.asked == [["audit_head", "a", "b"], ["c", "d"]]


def test_the_head_is_read_first_on_its_own_otherwise():
    from graph_model.store.base import read_all
    for joins in (True, False):
        r = _Recording(joins=joins)
        h = HeadFirst(r)
        h("x")
        read_all(h, [("a", {}), ("b", {})])
        assert r.asked[:2] == ["audit_head", "x"] and h.head()["seq"] == 7
    r = _Recording(joins=True)
    h = HeadFirst(r)
    assert h.head()["seq"] == 7 and r.asked == ["audit_head"]   # a planner that read nothing


def test_a_large_read_in_two_halves_keeps_the_older_head():
    """Two queries side by side may see the head on either side of a commit; the plan
    must carry the older one, so that the write is refused if one came between."""
    from graph_model.store import falkordb_store

    class Halves:
        def __init__(self):
            self.heads = iter([8, 7])   # the first half answered after a commit

        def reader_pool(self):
            from concurrent.futures import ThreadPoolExecutor
            return ThreadPoolExecutor(max_workers=1)

        def read_many(self, calls):
            return [[{"seq": next(self.heads), "hash": "h"}] if n == "audit_head" else [{"n": n, "k": len(p["k"])}]
                    for n, p in calls]

    calls = [("audit_head", {})] + [(f"r{i}", {"k": list(range(100 + i))}) for i in range(4)]
    got = falkordb_store._UnitReader(Halves()).many(calls)
    assert got[0] == [{"seq": 7, "hash": "h"}]
    assert [g[0]["n"] for g in got[1:]] == ["r0", "r1", "r2", "r3"] and [g[0]["k"] for g in got[1:]] == [100, 101, 102, 103]
