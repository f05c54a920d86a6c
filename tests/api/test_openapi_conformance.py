"""Schemathesis over every operation of the OpenAPI document, in-process (WSGI).

The document is loaded from the app itself (``/api/v1/openapi.json``) and every
operation is exercised with generated requests, valid and invalid, against a real
store loaded with a small known manifest (the document's examples name its
artifacts, so the 200 answers are exercised too). Checks: no 5xx; every status and
every answer matches the document; a request the document allows is accepted (not
400), a request it forbids is refused (4xx); other methods get 405 with ``Allow``.

Runs on the embedded engine (FalkorDB) only: the API layer (parameter and body
validation, status mapping, answer shapes) does not depend on the engine; what the
engines do is the contract suite's business, on both. Bounded and reproducible: at
most 25 generated examples per operation in the fuzzing phase (the coverage phase
adds the schema's boundary cases, a fixed set), derandomized, no deadline.
"""

from __future__ import annotations

import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.config import SchemathesisConfig

from app import create_app
from graph_model.ingest import manifest, parse
from graph_model.store.falkordb_store import FalkorDBStore

from ..conftest import admin_token
from ..manifests import small

# Operations whose 400 also covers what no schema can say: a manifest's references and
# uid/version rules (checked by the manifest validator), a Cypher text the engine
# cannot parse, a handoff's receiver that is not an active person (another than the
# portfolio's), an OpenLineage event's run id that is not a UUID or a time that is not
# ISO-8601, or a RunEvent without its job. A schema-valid request may be refused there, so "valid data is
# accepted" does not apply to them; every other check does.
SEMANTIC_400 = {"POST /api/v1/manifest", "POST /api/v1/cypher", "POST /api/v1/handoffs",
                "POST /api/v1/handoffs/portfolio", "POST /api/v1/lineage", "POST /api/v1/lineage/batch"}

# The coverage phase draws every boundary case a schema defines: for the manifest's
# nested schema that is ~770 requests, 3/4 of this test's time. Its fuzzing phase
# (25 examples, valid and invalid) stays; the method checks for its path are in
# test_api_document.
#
# Unknown query parameters are ignored (``QueryModel``), as the document allows: the
# document does not close the query string, so adding a parameter is not a request it
# forbids (schemathesis's fuzzing otherwise counts it as one).
CONFIG = SchemathesisConfig.from_str("""
[generation]
allow-extra-parameters = false

[[operations]]
include-path = "/api/v1/manifest"
phases.coverage.enabled = false
""")


@pytest.fixture(scope="module")
def known_store(falkordb_socket):
    store = FalkorDBStore(socket_path=falkordb_socket, graph=f"t_{uuid.uuid4().hex[:12]}")
    store.ensure_schema()
    manifest.ingest(store, parse.validate(small()), actor="tester")
    yield store
    store.clear()
    store.close()


@pytest.fixture(scope="module")
def api_schema(known_store):
    app = create_app({"TESTING": True, "OWNERGRAPH_STORE_OBJECT": known_store})
    TOKEN["value"] = admin_token(known_store)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)


TOKEN: dict = {}


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_document(case):
    excluded = [positive_data_acceptance] if case.operation.label in SEMANTIC_400 else []
    # an admin token: this test checks the document against answers, not rights
    case.call_and_validate(headers={"Authorization": "Bearer " + TOKEN["value"]}, excluded_checks=excluded)
