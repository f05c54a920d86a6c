"""Simulated responders for the bounded load test (``bench.load_measure`` runs locust with
this file, headless, a fixed user count and duration, against a loopback server).

A responder opens incidents most often, then artifacts, impact, the search box (the page
and the suggestion API the box calls as one types), the home page with its hotspot
fragment, the hotspots page, and the JSON API a script would call. Think time 1-3 s
between actions (a person reading a page). Requests are named by route, not by uid, so
the table has one row per endpoint.

The artifacts and search terms come from the JSON file named by ``OG_BENCH_TARGETS``
(the benchmark's fixed sample). Every request's time and outcome is appended to the
file named by ``OG_BENCH_SAMPLES`` when locust quits, so percentiles are computed
nearest-rank from raw times (locust's own are from rounded buckets).
"""

from __future__ import annotations

import json
import os
import random
from urllib.parse import quote

from locust import FastHttpUser, between, events, task

TARGETS = json.loads(open(os.environ["OG_BENCH_TARGETS"]).read()) if os.environ.get("OG_BENCH_TARGETS") else {
    "uids": ["models/x"], "terms": ["x"]}
_samples: list[list] = []


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, response=None, **_):
    status = getattr(response, "status_code", 0) if response is not None else 0
    _samples.append([name, round(response_time, 3), exception is None, status,
                     None if exception is None else str(exception)[:200]])


@events.quitting.add_listener
def _dump(environment, **_):
    path = os.environ.get("OG_BENCH_SAMPLES")
    if path:
        with open(path, "w") as fh:
            json.dump(_samples, fh)


def _uid() -> str:
    return random.choice(TARGETS["uids"])


def _path(uid: str) -> str:
    return quote(uid, safe="/")


class Responder(FastHttpUser):
    wait_time = between(1, 3)

    @task(4)
    def incident_page(self):
        self.client.get(f"/incident/{_path(_uid())}", name="/incident/<uid>")

    @task(2)
    def impact_page(self):
        self.client.get(f"/impact/{_path(_uid())}", name="/impact/<uid>")

    @task(3)
    def artifact_page(self):
        self.client.get(f"/artifact/{_path(_uid())}", name="/artifact/<uid>")

    @task(2)
    def search(self):
        term = random.choice(TARGETS["terms"])
        self.client.get(f"/api/v1/artifacts/search?q={quote(term[:3])}", name="/api/v1/artifacts/search")
        self.client.get(f"/?q={quote(term)}", name="/?q=<term>")

    @task(1)
    def home(self):
        self.client.get("/", name="/")
        self.client.get("/fragments/top-hotspots", name="/fragments/top-hotspots")

    @task(1)
    def hotspots_page(self):
        self.client.get("/hotspots", name="/hotspots")

    @task(2)
    def api_incident(self):
        self.client.get(f"/api/v1/incident?artifact={quote(_uid())}", name="/api/v1/incident")

    @task(1)
    def api_impact(self):
        self.client.get(f"/api/v1/impact?artifact={quote(_uid())}", name="/api/v1/impact")

    @task(1)
    def api_artifact(self):
        self.client.get(f"/api/v1/artifact?uid={quote(_uid())}", name="/api/v1/artifact")

    @task(1)
    def api_hotspots(self):
        self.client.get("/api/v1/hotspots", name="/api/v1/hotspots")
