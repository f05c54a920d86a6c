"""What the JSON API answers: each service's answer as a pydantic model.

The services build plain dicts (they are shared with the CLI's ``--json`` and the
pages); these models are the contract of those dicts on the wire. The OpenAPI document
takes its response schemas from them, and while testing every answer is checked
against its model before it leaves (``operation.py``), so an answer that gained,
lost or retyped a field fails the test that made it instead of drifting from the
document. Fields are closed (``extra="forbid"``): a new field is declared here.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, RootModel


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- shared pieces -------------------------------------------------------------------

class PersonView(Answer):
    """A person as every answer shows one; an id the graph does not know is an inactive
    placeholder with no name."""

    id: str
    name: Optional[str]
    email: Optional[str]
    active: bool


class PersonSince(PersonView):
    since: Optional[str]


class TeamView(Answer):
    id: str
    name: Optional[str]
    escalation: list[PersonView]
    oncall: Optional[dict[str, Any]] = None   # a catalog's on-call links (Backstage annotations)


class Declaration(Answer):
    """What a source (OpenLineage, CODEOWNERS, MLflow, Backstage) declares, beside what is set."""

    source: str
    role: str
    kind: str
    holder: str
    resolved: Optional[str]
    type: Optional[str]
    set: list[str]
    agrees: bool
    filled_by_source: bool
    text: str


class DeclaredDifference(Answer):
    """A declared owner that differs from what a person set."""

    uid: str
    kind: Optional[str]
    source: str
    role: str
    holder: str
    resolved: Optional[str]
    set: list[str]
    text: str


class LineageRun(Answer):
    id: str
    status: Optional[str]
    started_at: Optional[str]
    ended_at: Optional[str]
    error_message: Optional[str]
    parent: Optional[dict[str, Optional[str]]]


class LineageFacts(Answer):
    """What OpenLineage said of the artifact: its original names and the job/dataset facets."""

    namespace: Optional[str]
    name: Optional[str]
    sql: Optional[Any]
    documentation: Optional[Any]
    source_code: Optional[Any]
    schema_: list[Any] = Field(alias="schema")
    updated: dict[str, Optional[str]]
    runs: Optional[list[LineageRun]] = None


class CodeChange(Answer):
    """A recent commit to the code of an artifact on the path (from the git import)."""

    uid: str
    distance: int
    sha: str
    time: Optional[str]
    author: Optional[str]
    author_name: Optional[str]
    ago: str


class Edge(Answer):
    source: str
    target: str
    relation: Optional[str]


class LineageLink(Answer):
    uid: str
    artifact: Optional[str]
    version: Optional[str]
    relation: Optional[str]


class CommitView(Answer):
    sha: str
    author: Optional[str]
    time: Optional[str]
    message: Optional[str]
    repo: Optional[str]


class RunView(Answer):
    id: str
    status: Optional[str]
    started_at: Optional[str]
    ended_at: Optional[str]
    log_uri: Optional[str]


# -- health, manifest, search, artifact ----------------------------------------------

class OpenAPIDocument(RootModel[dict[str, Any]]):
    """This document."""


class Health(Answer):
    """The server answers and the store is reachable."""

    status: Literal["ok"]
    store: Literal["falkordb", "neo4j"]


class HealthDown(Answer):
    """The graph store is unreachable."""

    status: Literal["unavailable"]
    error: str


class WriteSummary(Answer):
    """What changed: counts by action and the audit events appended (none: nothing changed)."""

    changed: bool
    counts: dict[str, int]
    audit_events: int
    first_seq: Optional[int]
    last_seq: Optional[int]


class LineageSummary(Answer):
    """The events received and what changed (all of it or nothing). With the lineage
    queue on (``serve --lineage-queue``), ``queued`` is true: the events were checked and
    are on disk, applied a moment later, so what changed is not known yet (null)."""

    received: int
    queued: bool
    changed: Optional[bool]
    counts: Optional[dict[str, int]]
    audit_events: Optional[int]
    first_seq: Optional[int]
    last_seq: Optional[int]


class LineageStatus(Answer):
    """How lineage requests are taken: ``direct`` (answered once written) or ``queued``
    (answered once on disk; the other fields say how far the writer is behind)."""

    mode: str
    accepted_requests: Optional[int] = None
    accepted_events: Optional[int] = None
    applied_events: Optional[int] = None
    units: Optional[int] = None
    pending_bytes: Optional[int] = None
    behind_s: Optional[float] = None
    rejected: Optional[int] = None
    last_error: Optional[str] = None


class SearchHit(Answer):
    uid: str
    kind: Optional[str]
    description: Optional[str]
    owner: Optional[str]
    owner_name: Optional[str]
    owner_active: Optional[bool]
    team: Optional[str]
    team_name: Optional[str]
    matched: list[str]


class SearchAnswer(Answer):
    """Matching artifacts, uid matches first, each saying what matched."""

    q: str
    results: list[SearchHit]


class CardCommit(Answer):
    sha: str
    author: Optional[str]
    time: Optional[str]
    message: Optional[str]


class CardRun(Answer):
    id: str
    status: Optional[str]


class CardVersion(Answer):
    uid: str
    version: str
    created_at: Optional[str]
    commit: Optional[CardCommit]
    run: Optional[CardRun]


class ArtifactCard(Answer):
    """The artifact's card: owners, team and escalation, versions (newest first), lineage, links."""

    uid: str
    kind: str
    namespace: Optional[str]
    name: Optional[str]
    description: Optional[str]
    tags: list[str]
    links: dict[str, str]
    owner: Optional[PersonSince]
    stewards: list[PersonSince]
    team: Optional[TeamView]
    declared: list[Declaration]
    lineage: Optional[LineageFacts]
    versions: list[CardVersion]
    latest_version: Optional[str]
    parents: list[LineageLink]
    children: list[LineageLink]
    flags: list[str]                   # risk flags as of now (docs/flags.md)


# -- incident and impact -------------------------------------------------------------

class IncidentTeam(TeamView):
    members: list[PersonView]


class LastChange(Answer):
    version: str
    created_at: Optional[str]
    commit: Optional[str]
    author: Optional[str]
    commit_time: Optional[str]


class ChangeCompare(Answer):
    """The two versions a change line compares (``b`` None for a first version)."""

    a: str
    b: Optional[str]


class RecentChange(LastChange):
    ago: str
    kind: Literal["recent_change", "data_refresh"]
    what: str
    compare: ChangeCompare


class IncidentArtifact(Answer):
    uid: str
    kind: Optional[str]
    description: Optional[str]
    links: dict[str, str]
    owner: Optional[PersonView]
    stewards: list[PersonView]
    team: Optional[IncidentTeam]
    last_change: Optional[LastChange]
    recent_change: Optional[RecentChange]
    flags: list[str]


class FailingArtifact(IncidentArtifact):
    version: str


class UpstreamArtifact(IncidentArtifact):
    distance: int
    versions: list[str]
    relations: list[Edge]


class PageEntry(Answer):
    order: int
    person: PersonView
    reasons: list[str]


class IncidentCounts(Answer):
    upstream_artifacts: int
    upstream_versions: int
    recent_changes: int
    data_refreshes: int
    runs_failed: int


class PlaybookView(Answer):
    """The playbook that applies, field by field (artifact over team over kind); ``sources``
    names the playbook each field came from (``artifact:<uid>``, ``team:<id>``, ``kind:<kind>``)."""

    failure_modes: list[str]
    rollback: Optional[str]
    integrity_checks: list[str]
    channel: Optional[str]
    runbook: Optional[str]
    sources: dict[str, str]


class IncidentAnswer(Answer):
    """The failing artifact, its upstream (nearest first) with owners and flags, whom to page in order, notes."""

    artifact: FailingArtifact
    at: str
    depth: int
    upstream: list[UpstreamArtifact]
    edges: list[Edge]
    code_changes: list[CodeChange]
    page: list[PageEntry]
    notes: list[str]
    counts: IncidentCounts
    truncated: bool
    truncated_reason: Optional[str]
    playbook: Optional[PlaybookView]


class ImpactArtifact(Answer):
    uid: str
    kind: Optional[str]
    description: Optional[str]
    links: dict[str, str]
    owner: Optional[PersonView]
    stewards: list[PersonView]
    team: Optional[TeamView]
    distance: int
    versions: list[str]


class ImpactGroup(Answer):
    kind: str
    artifacts: list[ImpactArtifact]


class Owned(Answer):
    uid: str
    kind: Optional[str]
    role: Literal["primary", "steward"]
    distance: int


class ToNotify(Answer):
    person: PersonView
    owns: list[Owned]


class ImpactTeam(TeamView):
    artifacts: list[str]


class ImpactAnswer(Answer):
    """Everything derived from the artifact, grouped by kind, and whom to notify."""

    artifact: str
    start_versions: list[str]
    depth: int
    groups: list[ImpactGroup]
    counts: dict[str, int]
    notify: list[ToNotify]
    inactive_owners: list[ToNotify]
    teams: list[ImpactTeam]
    edges: list[Edge]
    truncated: bool
    truncated_reason: Optional[str]


# -- hotspots, history, compare ------------------------------------------------------

class Downstream(Answer):
    total: int
    deployments: int
    models: int
    others: int


class Components(Answer):
    downstream: Downstream
    reach_weight: float
    centrality: float
    impact: float
    risk: dict[str, float]
    risk_total: float


class HotArtifact(Answer):
    uid: str
    kind: str
    score: float
    owner: Optional[str]
    stewards: list[str]
    team: Optional[str]
    last_activity: Optional[str]
    components: Components
    explanation: str


class PersonArtifact(Answer):
    uid: str
    kind: str
    downstream: int
    reach_weight: float


class HotPerson(Answer):
    person: str
    name: Optional[str]
    count: int
    downstream: int
    reach_weight: float
    artifacts: list[PersonArtifact]
    explanation: str


class HotspotFilters(Answer):
    kind: Optional[str]
    team: Optional[str]
    limit: int


class HotspotsAnswer(Answer):
    """Artifacts ranked by impact x risk with their components and reasons; people by bus factor."""

    as_of: str
    computed_at: str
    audit_seq: int
    age_s: float
    filters: HotspotFilters
    artifacts_total: int
    artifacts_at_risk: int
    artifacts: list[HotArtifact]
    people: list[HotPerson]
    declared_differences: list[DeclaredDifference]


class HistoryVersion(Answer):
    uid: str
    version: str
    seq: Optional[int]
    created_at: Optional[str]
    previous: Optional[str]
    commit: Optional[CommitView]
    run: Optional[RunView]
    runs: list[RunView]


class OwnershipSpan(Answer):
    holder: Literal["person", "team"]
    id: str
    name: Optional[str]
    active: Optional[bool]
    role: Optional[str]
    since_ms: Optional[int]
    until_ms: Optional[int]
    since: Optional[str]
    until: Optional[str]
    reason: Optional[str]
    end_reason: Optional[str]
    current: bool


class AuditEventView(Answer):
    seq: int
    at: Optional[str]
    actor: Optional[str]
    action: str
    target: Optional[str]
    target_kind: Optional[str]
    reason: Optional[str]
    changes: Any


class HistoryAnswer(Answer):
    """Versions oldest first, ownership spans by start, audit events by sequence."""

    uid: str
    kind: Optional[str]
    versions: list[HistoryVersion]
    ownership: list[OwnershipSpan]
    audit: list[AuditEventView]


class CompareSide(Answer):
    uid: str
    artifact: Optional[str]
    version: str
    seq: Optional[int]
    created_at: Optional[str]
    commit: Optional[CommitView]
    run: Optional[RunView]


class ValuePair(Answer):
    a: Any
    b: Any


class MapDiff(Answer):
    only_in_a: dict[str, Any]
    only_in_b: dict[str, Any]
    changed: dict[str, ValuePair]
    unchanged: int


class UpstreamEntry(Answer):
    uid: str
    relation: Optional[str]


class UpstreamDiff(Answer):
    added: list[UpstreamEntry]
    removed: list[UpstreamEntry]
    unchanged: list[UpstreamEntry]


class CommitDiff(Answer):
    changed: bool
    a: Optional[CommitView]
    b: Optional[CommitView]


class RunDiff(Answer):
    changed: bool
    a: Optional[RunView]
    b: Optional[RunView]


class SchemaDiff(Answer):
    """Columns of the OpenLineage schema facet: in a only, in b only, changed, unchanged count."""

    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[dict[str, Any]]
    unchanged: int


class CompareAnswer(Answer):
    """Per-key differences of the maps, upstream added/removed, commit and run changes."""

    a: CompareSide
    b: CompareSide
    b_is_previous: bool
    same_artifact: bool
    note: Optional[str]
    hyperparameters: MapDiff
    metrics: MapDiff
    deployment: MapDiff
    upstream: UpstreamDiff
    commit: CommitDiff
    run: RunDiff
    schema_: SchemaDiff = Field(alias="schema")
    identical: bool


class ConsoleBusy(Answer):
    """The console is full; ``retry_after`` (also the Retry-After header) says when to retry."""

    error: str
    retry_after: int


class CypherAnswer(Answer):
    """Columns and rows (nodes and relationships as objects with a ``_type`` key); ``truncated``
    says the row cap was hit."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    row_cap: int
    timeout_ms: int
    elapsed_ms: float
    queued_ms: float
    engine_timeout_ms: int
    plan: Optional[list[str]] = None   # the engine's plan (indented lines) when the query began with EXPLAIN


# -- handoffs and reviews ------------------------------------------------------------

class HandoffRow(Answer):
    """An open handoff as a person's list shows it (times are epoch milliseconds)."""

    id: str
    artifact: str
    to: str
    role: Literal["owner", "steward"]
    reason: str
    items: list[str]
    status: Literal["open", "accepted", "declined", "cancelled"]
    opened_by: str                     # a person id, or team:<id> for a team's token
    opened_at: int


class Handoff(HandoffRow):
    """The handoff: its checklist items, who opened and closed it, and (once accepted) the
    answered checklist."""

    closed_by: Optional[str]
    closed_at: Optional[int]
    checklist: Optional[dict[str, bool]]
    from_person: Optional[str]         # who gives the role up (a portfolio's person)


class HandoffList(Answer):
    """The handoffs opened, one per role the person holds (none when they hold none)."""

    handoffs: list[Handoff]


class HandoffsOfPerson(Answer):
    """Open handoffs waiting for the person, and open handoffs the person opened."""

    waiting: list[HandoffRow]
    opened: list[HandoffRow]


class ReviewStatus(Answer):
    """A primary ownership's review: review-by is the last confirmation (else the start)
    plus the review period."""

    uid: str
    owner: str
    since: Optional[str]
    confirmed_at: Optional[str]
    review_by: Optional[str]
    overdue: bool


class RecordedReview(Answer):
    """A recorded review of an artifact: kind, outcome, by whom and when."""

    id: str
    artifact: str
    version: Optional[str]
    kind: str
    outcome: Literal["pass", "fail", "waived"]
    link: Optional[str]
    notes: Optional[str]
    by: str
    at: str


class RecordedReviews(Answer):
    """The reviews recorded on an artifact, newest first."""

    artifact: str
    reviews: list[RecordedReview]


class OverdueReviews(Answer):
    """Primary ownerships past their review-by date, most overdue first."""

    review_days: int
    overdue: list[ReviewStatus]


# -- incident records, knowledge links, playbooks ------------------------------------

class TimelineEntry(Answer):
    n: int
    type: Literal["paged", "acknowledged", "decision", "rollback", "note"]
    text: str
    author: str
    at: Optional[str]


class SnapshotPage(Answer):
    order: int
    person: str
    name: Optional[str]
    reasons: list[str]


class SnapshotUpstream(Answer):
    uid: str
    kind: Optional[str]
    distance: int
    owner: Optional[str]
    team: Optional[str]
    flags: list[str]


class IncidentSnapshot(Answer):
    """The page list and upstream set as they were when the record was opened."""

    at: Optional[str]
    version: Optional[str]
    page: list[SnapshotPage]
    upstream: list[SnapshotUpstream]
    truncated: bool


class IncidentRow(Answer):
    id: str
    artifact: str
    version: Optional[str]
    title: str
    severity: str
    status: Literal["open", "resolved"]
    opened_by: str
    opened_at: Optional[str]
    resolved_at: Optional[str]
    postmortem: Optional[str]


class IncidentListed(IncidentRow):
    role: Optional[Literal["failing", "upstream"]] = None   # present when listed for an artifact


class IncidentRecord(IncidentRow):
    """An incident record: what failed, the snapshot taken when it was opened, its timeline."""

    summary: Optional[str]
    resolved_by: Optional[str]
    touched: list[str]
    snapshot: IncidentSnapshot
    timeline: list[TimelineEntry]


class IncidentList(Answer):
    """Incident records, newest first."""

    incidents: list[IncidentListed]


class KnowledgeLink(Answer):
    """A postmortem, case study or how-to attached to an artifact."""

    id: str
    artifact: str
    kind: Literal["postmortem", "case_study", "howto"]
    title: str
    url: str
    added_by: str
    added_at: Optional[str]
    incident: Optional[str]


class KnowledgeList(Answer):
    """Knowledge links, newest first."""

    links: list[KnowledgeLink]


class PlaybookAnswer(Answer):
    """The playbook that applies to an artifact (null: none is set for it, its team or its kind)."""

    artifact: str
    playbook: Optional[PlaybookView]


# -- policy checks -------------------------------------------------------------------

class CheckRule(Answer):
    id: str
    description: str
    severity: Literal["error", "warning"]
    enabled: bool
    applies: int
    passing: int
    coverage: Optional[float]          # passing / applies; null when it applies to nothing


class _Coverage(Answer):
    applies: int
    passing: int
    errors: int
    warnings: int
    artifacts: int
    coverage: Optional[float]


class TeamCoverage(_Coverage):
    team: str                          # "(no team)" for artifacts without one


class KindCoverage(_Coverage):
    kind: str


class Violation(Answer):
    rule: str
    severity: Literal["error", "warning"]
    uid: str
    kind: str
    namespace: str
    owner: Optional[str]
    stewards: list[str]
    team: Optional[str]
    review_kind: Optional[str]
    message: str


class CheckCounts(Answer):
    errors: int
    warnings: int
    artifacts_with_errors: int
    checks: int
    passing: int


class CheckFilters(Answer):
    kind: Optional[str]
    team: Optional[str]
    namespace: Optional[str]


class CheckAnswer(Answer):
    """Every artifact against the policy in force: coverage per rule, team and kind, and the
    violations with their owners (errors first); ``ok`` is false when an error remains."""

    at: str
    policy: str
    filters: CheckFilters
    ok: bool
    artifacts: int
    counts: CheckCounts
    coverage: Optional[float]
    rules: list[CheckRule]
    by_team: list[TeamCoverage]
    by_kind: list[KindCoverage]
    violations: list[Violation]
    violations_total: int
    truncated: bool


class GateCheck(Answer):
    rule: str
    severity: Literal["error", "warning"]
    review_kind: Optional[str]
    passed: bool
    message: Optional[str]


class GateAnswer(Answer):
    """Whether the version may go out: allowed unless an error-severity rule fails."""

    gate: Literal["deploy"]
    ref: str
    artifact: str
    version: str
    kind: str
    at: str
    policy: str
    allowed: bool
    reasons: list[str]
    warnings: list[str]
    checks: list[GateCheck]


class CheckRun(Answer):
    seq: int
    at: Optional[str]
    actor: Optional[str]
    policy: Optional[str]
    artifacts: Optional[int]
    coverage: Optional[float]
    errors: Optional[int]
    warnings: Optional[int]
    rules: dict[str, Optional[float]]
    by_kind: dict[str, Optional[float]]
    by_team: dict[str, Optional[float]]


class CheckRuns(Answer):
    """Recorded check runs (``ownergraph check --record``), oldest first: coverage over time."""

    runs: list[CheckRun]
