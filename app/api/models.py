"""What the JSON API accepts: query parameters and request bodies as pydantic models.

Why models: each one both validates a request and, through its JSON schema, is the
OpenAPI description of that request (``openapi.py``), so the document cannot promise
what the validation refuses. Every rule a service would otherwise answer 400 for (an
empty uid, a depth out of range, a malformed ``uid@version``) is written here as a
schema constraint (``minLength``, ``minimum``/``maximum``, ``pattern``), so a request
the document allows is never refused for its form; only data-dependent refusals remain
(a manifest's references, a Cypher syntax error, a version with no predecessor).

Patterns are anchored and checked with Python's ``re`` (``regex_engine``), the same
engine test generators use to draw matching values. Text parameters are stripped of
surrounding whitespace after validation, as the services always did.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Optional

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, RootModel, StrictBool

from graph_model.schema import NAMESPACE_RE, VERSION_RE, Kind
from graph_model.services import artifacts as artifacts_service
from graph_model.services import console as console_service
from graph_model.services import handoffs as handoffs_service
from graph_model.services import hotspots as hotspots_service
from graph_model.services import incident as incident_service
from graph_model.services import incident_records as incident_records_service
from graph_model.services import knowledge as knowledge_service
from graph_model.services import recorded_reviews as recorded_reviews_service

from ..params import instant_ms

_CONTROL = r"\x00-\x1f\x7f"
TEXT_PATTERN = rf"^[^\S{_CONTROL}]*[^\s{_CONTROL}][^{_CONTROL}]*$"
"""No control character, and at least one character that is not a space (the value is
stripped). Written so a match is decided in one pass (no nested repetition to backtrack)."""
OPTIONAL_TEXT_PATTERN = rf"^[^{_CONTROL}]*$"
"""No control character; blank means the parameter was not given."""
QUERY_PATTERN = r"^\s*\S"
"""Not blank (a query spans lines, so line breaks and tabs are fine)."""


def _core(regex: re.Pattern) -> str:
    return regex.pattern.removeprefix("^").removesuffix("$")


# uid_problem() in graph_model.schema: a namespace slug, '/', then a name of 1-200
# characters with no '@', none of the characters identifiers refuse (controls, line and
# paragraph separators, bidi controls), no surrounding whitespace, no '.'/'..' segment.
_NOT_IN_ID = r"\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_NAME_CHAR = rf"[^@{_NOT_IN_ID}]"
_NAME_EDGE = rf"[^\s@{_NOT_IN_ID}]"
_NO_DOT_SEGMENT = r"(?!\.\.?(?:/|@))(?!.*/\.\.?(?:/|@))"
_NAME = rf"{_NO_DOT_SEGMENT}{_NAME_EDGE}(?:{_NAME_CHAR}{{0,198}}{_NAME_EDGE})?"
VERSION_REF_PATTERN = rf"^\s*{_core(NAMESPACE_RE)}/{_NAME}@{_core(VERSION_RE)}\s*$"
"""``namespace/name@version`` as ``compare.parse_version_ref`` accepts it."""

# Years 1970-9998: an instant every answer can print back (year 10000 cannot be).
_YEAR = r"(?:19[7-9][0-9]|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9])"
INSTANT_PATTERN = rf"^\s*{_YEAR}-"


def _strip(value: str) -> str:
    return value.strip()


def _strip_or_none(value: str | None) -> str | None:
    return (value.strip() or None) if value is not None else None


def _int_text(value: Any) -> Any:
    """Query integers are decimal digits only ('5', not '5.0', '1_0' or '0x5')."""
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            raise ValueError(f"{value!r} is not an integer")
        return int(text)
    return value


Text = Annotated[str, Field(min_length=1, pattern=TEXT_PATTERN), AfterValidator(_strip)]
OptionalText = Annotated[Optional[Annotated[str, Field(pattern=OPTIONAL_TEXT_PATTERN)]],
                         AfterValidator(_strip_or_none)]
VersionRef = Annotated[str, Field(pattern=VERSION_REF_PATTERN), AfterValidator(_strip)]
Instant = Annotated[str, Field(pattern=INSTANT_PATTERN, json_schema_extra={"format": "date-time"}),
                    AfterValidator(instant_ms)]


def _int(low: int, high: int) -> Any:
    # the bounds first: after a validator pydantic writes them as unknown 'ge'/'le' keys
    return Annotated[int, Field(ge=low, le=high), BeforeValidator(_int_text)]


class QueryModel(BaseModel):
    """Query parameters: unknown ones are ignored; an absent one takes its default."""

    model_config = ConfigDict(extra="ignore", frozen=True, regex_engine="python-re")


class ArtifactQuery(QueryModel):
    uid: Text = Field(description="artifact uid, namespace/name", examples=["models/churn"])


class SearchQuery(QueryModel):
    q: Text = Field(description="text to find in uids, owner ids and names, team ids and names "
                                "(case-insensitive)", examples=["churn"])
    limit: _int(1, artifacts_service.SEARCH_LIMIT_MAX) = Field(20, description="at most this many results")


_DEPTH = _int(1, incident_service.MAX_DEPTH)


class IncidentQuery(QueryModel):
    artifact: Text = Field(description="the failing artifact's uid", examples=["deploy/churn-api"])
    version: OptionalText = Field(None, description="start version (default: the newest as of the time)")
    depth: Optional[_DEPTH] = Field(None, description=f"hops upstream (default {incident_service.DEFAULT_DEPTH})")
    as_of: Optional[Instant] = Field(
        None, description="time of the incident (default: now): ownership and versions as they were then. "
                          "An RFC 3339 date-time; ISO-8601 forms are accepted too (without an offset it "
                          "means UTC, a date alone its midnight UTC)")


class ImpactQuery(QueryModel):
    artifact: Text = Field(description="artifact uid", examples=["raw/events"])
    version: OptionalText = Field(None, description="start version (default: every version)")
    depth: Optional[_DEPTH] = Field(None, description=f"hops downstream (default {incident_service.DEFAULT_DEPTH})")


class HotspotsQuery(QueryModel):
    limit: _int(1, hotspots_service.LIMIT_MAX) = Field(50, description="rows in each list")
    kind: Optional[Kind] = Field(None, description="only artifacts of this kind")
    team: OptionalText = Field(None, description="only artifacts this team is accountable for")


class HistoryQuery(QueryModel):
    artifact: Text = Field(description="artifact uid", examples=["models/churn"])


class CompareQuery(QueryModel):
    a: VersionRef = Field(description="version uid, namespace/name@version", examples=["models/churn@2"])
    b: Optional[VersionRef] = Field(None, description="version to compare with (default: the one before a)")


class CypherRequest(BaseModel):
    """The console's JSON body; fields other than these are ignored."""

    model_config = ConfigDict(extra="ignore", regex_engine="python-re", json_schema_extra={"examples": [
        {"query": "MATCH (a:Artifact {uid: $uid}) RETURN a.kind AS kind", "params": {"uid": "models/churn"}}]})

    query: str = Field(min_length=1, max_length=console_service.MAX_QUERY_CHARS, pattern=QUERY_PATTERN,
                       description="a read-only Cypher query")
    params: Optional[dict[str, Any]] = Field(None, description="values for $parameters")


# -- handoffs and reviews -------------------------------------------------------------

HANDOFF_ID_PATTERN = r"^[A-Za-z0-9-]+$"
"""What a handoff id is made of (``ho-<hex>``, ``ho-<hex>-<n>`` for a portfolio's): an id
outside it names no handoff, and refusing it here keeps control characters from the engine."""


class PathModel(BaseModel):
    """Path parameters (Flask matched them as text; a '/' never reaches a parameter)."""

    model_config = ConfigDict(extra="forbid", frozen=True, regex_engine="python-re")


class HandoffPath(PathModel):
    hid: str = Field(max_length=64, pattern=HANDOFF_ID_PATTERN, examples=["ho-0a1b2c3d4e"],
                     description="the handoff's id, as opening it answered")


class BodyModel(BaseModel):
    """A JSON request body; fields other than these are ignored (as they always were)."""

    model_config = ConfigDict(extra="ignore", regex_engine="python-re")


class HandoffsQuery(QueryModel):
    person: Text = Field(description="person id: the open handoffs waiting for them and those they opened",
                         examples=["di"])


class OpenHandoff(BodyModel):
    """Hand an artifact's owner or steward role to a person, who accepts it with the checklist."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"artifact": "models/churn", "to": "di", "role": "owner", "reason": "moving to the data team"}]})

    artifact: Text = Field(description="artifact uid")
    to: Text = Field(description="the person who receives the role (an active person)")
    role: Literal[handoffs_service.ROLES] = Field(description="the role handed over")
    reason: Text = Field(description="recorded on the ownership change")


class OpenPortfolio(BodyModel):
    """Hand every role a person holds now to another person, one handoff each."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"person": "bo", "to": "di", "reason": "bo moves to research"}]})

    person: Text = Field(description="whose roles are handed over (the caller, unless an admin)")
    to: Text = Field(description="the person who receives them (an active person, not the same one)")
    reason: Text = Field(description="recorded on every ownership change")


class AcceptHandoff(BodyModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"checklist": {item: True for item in handoffs_service.DEFAULT_CHECKLIST}}]})

    checklist: dict[str, StrictBool] = Field(
        description="every item of the handoff's checklist, checked (true); the handoff lists its items")


class CloseHandoff(BodyModel):
    """Optional: a request without a body declines or cancels without a reason."""

    reason: OptionalText = Field(None, description="recorded on the audit event")


class ConfirmReview(BodyModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"artifact": "models/churn"}]})

    artifact: Text = Field(description="artifact uid; the caller must be its primary owner")


class OverdueQuery(QueryModel):
    limit: _int(1, 5000) = Field(100, description="at most this many ownerships, most overdue first")


class _OpenLineageShape(BaseModel):
    """Documentation only: the lineage views read their body themselves (gzip, the bounded
    reader, every problem with its path; ``graph_model/ingest/ol_events.py``). Fields
    beyond these and every facet not read are accepted and ignored, as the spec asks."""

    model_config = ConfigDict(extra="allow")


class OpenLineageDataset(_OpenLineageShape):
    namespace: str = Field(min_length=1, max_length=1000, examples=["warehouse"])
    name: str = Field(min_length=1, max_length=1000, examples=["customers"])
    facets: Optional[dict[str, Any]] = Field(None, description="read: documentation, ownership, schema")


class OpenLineageJob(_OpenLineageShape):
    namespace: str = Field(min_length=1, max_length=1000, examples=["airflow"])
    name: str = Field(min_length=1, max_length=1000, examples=["churn.train"])
    facets: Optional[dict[str, Any]] = Field(None, description="read: documentation, ownership, sql, "
                                                                   "sourceCodeLocation")


class OpenLineageRun(_OpenLineageShape):
    runId: str = Field(description="a UUID (dashed, 32 hex digits, braces or urn:uuid:)",
                       examples=["01890f4e-8a5b-7c2d-9e1f-0a1b2c3d4e5f"])
    facets: Optional[dict[str, Any]] = Field(None, description="read: parent, errorMessage")


class OpenLineageEvent(_OpenLineageShape):
    """An OpenLineage 2-0-x event: a RunEvent (has ``run``), a DatasetEvent (has
    ``dataset``) or a JobEvent (neither). Of the optional fields only facets, inputs,
    outputs and eventType may be null (producers send them so)."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "eventType": "COMPLETE", "eventTime": "2026-11-20T12:00:00Z",
        "producer": "https://example.com/pipeline", "schemaURL":
        "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": "01890f4e-8a5b-7c2d-9e1f-0a1b2c3d4e5f"},
        "job": {"namespace": "airflow", "name": "churn.train"},
        "inputs": [{"namespace": "warehouse", "name": "customers"}],
        "outputs": [{"namespace": "models", "name": "churn"}]}]})

    eventTime: str = Field(description="ISO-8601; without an offset it is UTC")
    producer: str = Field(min_length=1, max_length=280, description="URI of the producing integration")
    schemaURL: str = Field(None, description="or schemaUrl; either may be left out")
    eventType: Optional[str] = Field(None, description="START, RUNNING, COMPLETE, ABORT, FAIL or OTHER (any case); "
                                             "a RunEvent without one (or null) counts as OTHER")
    run: OpenLineageRun = Field(None, description="a RunEvent's run")
    job: OpenLineageJob = Field(None, description="required on RunEvents and JobEvents")
    dataset: OpenLineageDataset = Field(None, description="a DatasetEvent's dataset")
    inputs: Optional[list[OpenLineageDataset]] = None
    outputs: Optional[list[OpenLineageDataset]] = None


class OpenLineageBatch(RootModel[list[OpenLineageEvent]]):
    """A JSON array of events, applied all or nothing."""

    root: list[OpenLineageEvent] = Field(max_length=5000)


class ProblemView(BaseModel):
    path: str
    message: str


class Problems(BaseModel):
    """A refused request: every problem, each with where it is (a parameter, a manifest path)."""

    error: str
    problems: list[ProblemView]


class Error(BaseModel):
    error: str
    detail: Optional[str] = None


class Refusal(BaseModel):
    """A change the caller may not make: what is refused, and every refused path."""

    error: str
    problems: Optional[list[ProblemView]] = None


# -- incident records, knowledge links, playbooks --------------------------------------

_NOT_TEXT = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
RECORD_TEXT_PATTERN = rf"^[^\S{_NOT_TEXT}]*[^\s{_NOT_TEXT}][^{_NOT_TEXT}]*$"
"""Free text as ``schema.text_problem`` allows it (tab, newline and CR among control
characters; none of C1), not blank. The prefix and the first class are disjoint, so a
match is decided in one pass."""
WEB_URL_PATTERN = rf"^https?://[^\s/?#{_NOT_IN_ID}]+[^\s{_NOT_IN_ID}]*$"
"""An http(s) URL with a host, as ``schema.url_problem`` allows it."""
INCIDENT_ID_PATTERN = r"^inc-[0-9a-f]{1,32}$"


def _record_text(limit: int) -> Any:
    return Annotated[str, Field(min_length=1, max_length=limit, pattern=RECORD_TEXT_PATTERN),
                     AfterValidator(_strip)]


WebUrl = Annotated[str, Field(max_length=2000, pattern=WEB_URL_PATTERN)]


class IncidentPath(PathModel):
    iid: str = Field(max_length=64, pattern=INCIDENT_ID_PATTERN, examples=["inc-0a1b2c3d4e"],
                     description="the incident record's id, as opening it answered")


class OpenIncident(BodyModel):
    """Open an incident record of a failing artifact; the page list and upstream set are snapshot."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"artifact": "deploy/churn-api", "title": "churn-api answers 5xx", "severity": "sev2"}]})

    artifact: Text = Field(description="the failing artifact's uid")
    version: OptionalText = Field(None, description="the failing version (default: the newest)")
    title: _record_text(incident_records_service.TITLE_MAX) = Field(description="what is wrong, in a line")
    severity: Literal[incident_records_service.SEVERITIES] = Field(description="sev1 is the worst")


class IncidentEntryBody(BodyModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"type": "note", "text": "rolled back to churn@1"}]})

    type: Literal[incident_records_service.ENTRY_TYPES] = Field(description="what kind of entry")
    text: _record_text(incident_records_service.TEXT_MAX) = Field(description="what happened or was decided")


class ResolveIncident(BodyModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"postmortem": "https://wiki.example.com/postmortems/42", "summary": "stale features"}]})

    postmortem: WebUrl = Field(description="the postmortem's http(s) link; also attached to the failing "
                                           "artifact as a knowledge link")
    summary: Optional[_record_text(incident_records_service.TEXT_MAX)] = Field(None, description="cause and fix")


class IncidentsQuery(QueryModel):
    artifact: OptionalText = Field(None, description="only records touching this artifact (failing or upstream)")
    status: Optional[Literal[incident_records_service.STATUSES]] = Field(None, description="open or resolved "
                                                                                            "(default: both)")
    limit: _int(1, incident_records_service.LIST_LIMIT_MAX) = Field(100, description="at most this many, "
                                                                                     "newest first")


class AddKnowledge(BodyModel):
    """Attach a postmortem, case study or how-to to an artifact (the same URL again retitles it)."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"artifact": "models/churn", "kind": "howto", "title": "Retraining churn",
         "url": "https://wiki.example.com/howto/retrain-churn"}]})

    artifact: Text = Field(description="artifact uid")
    kind: Literal[knowledge_service.KINDS] = Field(description="what the link is")
    title: _record_text(knowledge_service.TITLE_MAX) = Field(description="shown and searched")
    url: WebUrl = Field(description="an http(s) link")


class KnowledgeQuery(QueryModel):
    artifact: OptionalText = Field(None, description="the links attached to this artifact")
    q: OptionalText = Field(None, description="links whose title, url or artifact uid contains this "
                                              "(case-insensitive); with neither, nothing is listed")
    limit: _int(1, knowledge_service.SEARCH_LIMIT_MAX) = Field(20, description="at most this many search results")


class PlaybookQuery(QueryModel):
    artifact: Text = Field(description="artifact uid", examples=["deploy/churn-api"])


# -- recorded reviews and policy checks ------------------------------------------------

class RecordReview(BodyModel):
    """A review of an artifact (or one of its versions) and its outcome."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"artifact": "models/churn", "version": "3", "kind": "drift", "outcome": "pass",
         "link": "https://reviews.example.com/churn-drift-q4", "notes": "PSI below 0.1 on every feature"}]})

    artifact: Text = Field(description="artifact uid; the caller must have rights on it")
    version: OptionalText = Field(None, description="a version of the artifact, when the review is of one")
    kind: Literal[recorded_reviews_service.KINDS] = Field(description="what was reviewed")
    outcome: Literal[recorded_reviews_service.OUTCOMES] = Field(description="pass, fail or waived")
    link: Optional[Annotated[str, Field(max_length=recorded_reviews_service.LINK_MAX,
                                        pattern=r"^https?://[^\s\x00-\x1f\x7f]+$")]] = Field(
        None, description="where the review is written up (http or https)")
    notes: Optional[Annotated[str, Field(max_length=recorded_reviews_service.NOTES_MAX)]] = Field(
        None, description="free text")


class CheckQuery(QueryModel):
    kind: Optional[Kind] = Field(None, description="only artifacts of this kind")
    team: OptionalText = Field(None, description="only artifacts this team is accountable for")
    namespace: OptionalText = Field(None, description="only artifacts in this namespace")
    limit: _int(1, 100_000) = Field(1000, description="at most this many violations (errors first)")


class GateQuery(QueryModel):
    ref: VersionRef = Field(description="the version that would go out, namespace/name@version",
                            examples=["deploy/churn-api@7"])


class CheckRunsQuery(QueryModel):
    limit: _int(1, 365) = Field(90, description="at most this many recorded runs (the newest)")


class ReviewsQuery(QueryModel):
    artifact: Text = Field(description="artifact uid", examples=["models/churn"])
    limit: _int(1, recorded_reviews_service.LIST_MAX) = Field(100, description="at most this many, newest first")
