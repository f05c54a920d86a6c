"""How each kind of artifact of the demo organisation looks (see ``graph_model.demo``).

``Layers`` builds one artifact dict at a time, with its versions, their lineage and
their provenance; it does not decide *where* the deliberate gaps go (that is the
organisation's plan, ``org``), except for the background rate of small gaps every
real catalog has (a few artifacts without owner, a third without a deputy).

Lineage follows one time rule (in ``Layers.emit``): a version derives from the newest
version of each input created at least ``gap`` minutes before it (none if the input
is younger), so timestamps along any path are consistent.
"""

from __future__ import annotations

import hashlib
from typing import Callable, Optional

from . import names as N
from . import versions as V
from .versions import DAY, HOUR, Clock, DemoRandom, Ref, after, dated, spaced

ALGORITHMS = ("xgboost", "lightgbm", "pytorch-mlp", "logistic-regression")
Payload = Optional[Callable[[dict, str, int, bool], None]]


class Domain:
    """A product area being generated: its team, and refs to its artifacts so far.

    The shared core is a Domain too (empty slug, no topic).
    """

    def __init__(self, slug: str, topic: Optional[N.Topic], team: str, members: list[str],
                 former: list[str]) -> None:
        self.slug, self.topic, self.team = slug, topic, team
        self.members, self.former = members, former
        self.repo = f"https://git.example.com/{team}/{slug or 'shared-data'}"
        self.used: set[str] = set()
        self.raw: list[Ref] = []
        self.wh: list[Ref] = []
        self.feat: list[Ref] = []
        self.models: list[Ref] = []
        self.evals: list[Ref] = []


class Layers:
    """Artifact builders, one per layer, sharing the run's random generator and clock."""

    def __init__(self, rng: DemoRandom, clock: Clock, seed: int) -> None:
        self.rng, self.clock, self.seed = rng, clock, seed

    # -- helpers ----------------------------------------------------------------------

    def owners(self, d: Domain) -> tuple:
        """(owner, stewards, team) with the background gaps: 3% no owner (half of those
        no team either), 30% no deputy."""
        rng, members = self.rng, d.members
        owner = None if rng.random() < 0.03 else rng.choice(members)
        r = rng.random()
        if r < 0.3:
            stewards = []
        else:   # one or two deputies, other than the owner
            first = rng.choice(members)
            second = rng.choice(members) if r < 0.6 else first
            stewards = [p for p in dict.fromkeys((first, second)) if p != owner] or \
                [next(p for p in members if p != owner)]
        team = None if owner is None and rng.random() < 0.5 else d.team
        return owner, stewards, team

    def author(self, d: Domain, age: int) -> str:
        """Commit author: a member, or for old history sometimes someone who has left."""
        if d.former and age > 30 * DAY and self.rng.random() < 0.3:
            return self.rng.choice(d.former)
        return self.rng.choice(d.members)

    def digest(self, uid: str, version: str) -> str:
        """40 hex characters, stable per (seed, version): the commit sha and run id."""
        return hashlib.sha1(f"{self.seed}|{uid}@{version}".encode()).hexdigest()

    def name(self, d: Domain, ns: str, noun: str) -> str:
        return self.first_free(d, ns, [(noun, None)])[0]

    def first_free(self, d: Domain, ns: str, options: list[tuple[str, object]]) -> tuple[str, object]:
        """(uid, choice) for the first option whose ``ns/<slug>-<noun>`` is free in the
        domain, else the first option numbered ('-2', '-3', ...)."""
        prefix = f"{ns}/{d.slug}-" if d.slug else f"{ns}/"
        for noun, choice in options:
            if prefix + noun not in d.used:
                d.used.add(prefix + noun)
                return prefix + noun, choice
        k = 2
        while f"{prefix}{options[0][0]}-{k}" in d.used:
            k += 1
        d.used.add(f"{prefix}{options[0][0]}-{k}")
        return f"{prefix}{options[0][0]}-{k}", options[0][1]

    @staticmethod
    def noun(d: Domain, uid: str) -> str:
        return uid.split("/", 1)[1][len(d.slug) + 1:]

    def emit(self, d: Domain, kind: str, uid: str, own: tuple, names: list[str], ages: list[int],
             inputs: list[tuple], payload: Payload, description: str, tags: list[str],
             always_runbook: bool = False) -> dict:
        """One artifact dict. ``inputs`` are (ref, relation, gap minutes, cap index)."""
        rng, iso, cached = self.rng, self.clock.iso, self.clock.cache.get
        last = len(names) - 1
        versions = []
        for k, name in enumerate(names):
            age = ages[k]
            v = {"version": name, "created_at": cached(age) or iso(age)}
            if inputs:
                lineage = []
                for ref, relation, gap, cap in inputs:   # the time rule; the hot loop, kept inline
                    up, j, limit = ref.ages, len(ref.ages) - 1, age + gap
                    while j >= 0 and up[j] < limit:
                        j -= 1
                    if j >= 0:
                        if cap is not None and j > cap:
                            j = cap
                        lineage.append({"uid": f"{ref.uid}@{ref.names[j]}", "relation": relation})
                if lineage:
                    v["derived_from"] = lineage
            if payload is not None:
                payload(v, name, age, k == last)
            versions.append(v)
        owner, stewards, team = own
        art = {"uid": uid, "kind": kind, "description": description}
        if owner:
            art["owner"] = owner
        if stewards:
            art["stewards"] = stewards
        if team:
            art["team"] = team
        art["tags"] = tags
        ns, name = uid.split("/", 1)
        links = {}
        if always_runbook or rng.random() < 0.3:
            links["runbook"] = f"https://runbooks.example.com/{d.team}/{ns}/{name}"
        if rng.random() < 0.5:
            links["docs"] = f"https://docs.example.com/{ns}/{name}"
        if always_runbook or rng.random() < 0.2:
            links["dashboard"] = f"https://dashboards.example.com/d/{ns}-{name}"
        if links:
            art["links"] = links
        art["versions"] = versions
        return art

    def anchor(self, src: list[Ref], fresh: float) -> int:
        """The age a derived artifact's latest version must be newer than: a version of
        its main input (the newest with probability ``fresh``, else an older one, as
        when a model was last trained a while ago), and the oldest regular version (not
        the backfill) of every other input, so that the latest version links to all of them."""
        first = src[0]
        age = first.ages[-1] if fresh >= 1.0 or self.rng.random() < fresh \
            else self.rng.choice(first.ages[first.regular:])   # never the backfill
        for other in src[1:]:
            age = min(age, other.ages[other.regular])
        return age

    def commit(self, d: Domain, uid: str, name: str, author: str, message: str, age: int) -> dict:
        return V.commit(self.digest(uid, name), d.repo, author, message, self.clock, age)

    # -- data -------------------------------------------------------------------------

    def raw(self, d: Domain, noun: str, own: tuple, n: int) -> dict:
        """A source feed landing daily; no lineage."""
        rng = self.rng
        uid = self.name(d, "raw", noun)
        # landed 8-14h ago, leaving the day's processing downstream room before now
        names, ages = dated(self.clock, rng.randint(8 * HOUR, 14 * HOUR), n, 1, [])
        d.raw.append(Ref(uid, names, ages, noun, 1))
        tags = ["raw", d.topic.slug if d.topic else "shared"] + (["pii"] if rng.random() < 0.3 else [])
        text = f"Daily landing of {noun.replace('-', ' ')} from production systems."
        return self.emit(d, "dataset", uid, own, names, ages, [], None, text, tags)

    def warehouse(self, d: Domain, noun: str, own: tuple, src: list[Ref], cadence: int, n: int) -> dict:
        """A curated table rebuilt every ``cadence`` days from its inputs, dated versions."""
        rng = self.rng
        uid = self.name(d, "warehouse", noun)
        names, ages = dated(self.clock, after(rng, self.anchor(src, 1.0), 30, 4 * HOUR), n, cadence, src)
        d.wh.append(Ref(uid, names, ages, noun, 1))
        rows = rng.randint(10_000, 50_000_000)

        def payload(v: dict, name: str, age: int, last: bool) -> None:
            if name != names[0]:   # the backfill draws nothing: the rest of the demo stays as it was
                v["metrics"] = {"row_count": int(rows * rng.uniform(0.9, 1.1))}

        every = "daily" if cadence == 1 else "weekly"
        text = f"Cleaned {noun.replace('-', ' ')} table, rebuilt {every} and partitioned by day."
        inputs = [(r, "input", 1, None) for r in src]
        return self.emit(d, "dataset", uid, own, names, ages, inputs, payload, text, ["curated", every])

    def features(self, d: Domain, noun: str, own: tuple, src: list[Ref], cadence: int, n: int,
                 quiet: int = 0) -> dict:
        """A feature set (v1..vN) computed from tables, its code versioned in git.

        Versions younger than ``quiet`` minutes are scheduled refreshes with no code
        change (no commit): the incident story keeps its one recent change unambiguous.
        """
        rng = self.rng
        uid = self.name(d, "features", noun)
        step = cadence * DAY
        names, ages = spaced(rng, after(rng, self.anchor(src, 0.8), HOUR, 6 * HOUR), n,
                             step - 4 * HOUR, step + 4 * HOUR)
        ages.insert(0, V.backfill(src, ages[0]))   # history from before the recent weeks
        names = [f"v{k + 1}" for k in range(len(ages))]
        d.feat.append(Ref(uid, names, ages, noun, 1))
        code = rng.random() < 0.7

        def payload(v: dict, name: str, age: int, last: bool) -> None:
            if code and age > quiet and name != names[0]:   # the backfill draws nothing
                msg = rng.choice(N.COMMIT_MESSAGES["feature_set"]).format(name=noun)
                v["commit"] = self.commit(d, uid, name, self.author(d, age), msg, age + rng.randint(HOUR, 2 * DAY))

        text = f"{noun.replace('-', ' ').capitalize()} features, refreshed every {cadence} day(s)."
        inputs = [(r, "features_from", 1, None) for r in src]
        return self.emit(d, "feature_set", uid, own, names, ages, inputs, payload, text,
                         ["features", "offline" if cadence == 7 else "batch"])

    # -- models and their consumers ---------------------------------------------------

    def model_payload(self, d: Domain, uid: str, noun: str) -> tuple[str, Payload]:
        """(algorithm, payload): per-version hyperparameters, metrics, commit and run."""
        rng = self.rng
        algorithm = rng.choice(ALGORITHMS)
        base = V.quality(rng, d.topic.family)
        settings = V.hyperparameters(rng, algorithm)
        tuned = "learning_rate" if "learning_rate" in settings else "C"

        def payload(v: dict, name: str, age: int, last: bool) -> None:
            digest = self.digest(uid, name)
            # retrains keep the model's settings and tune one of them, as teams do
            v["hyperparameters"] = {**settings, tuned: round(settings[tuned] * (0.5 + rng.random()), 5)}
            v["metrics"] = V.scores(rng, base)
            minutes = rng.randint(20, 600)
            msg = rng.choice(N.COMMIT_MESSAGES["model"]).format(name=noun)
            v["commit"] = V.commit(digest, d.repo, self.author(d, age), msg, self.clock,
                                   age + minutes + rng.randint(10, 3 * DAY))
            v["run"] = V.run(digest, self.clock, age, minutes)

        return algorithm, payload

    def model(self, d: Domain, noun: str, own: tuple, src: list[Ref]) -> dict:
        """A model retrained every few days (v1..vN), sometimes on not-the-newest data."""
        rng = self.rng
        uid = self.name(d, "models", noun)
        names, ages = spaced(rng, after(rng, self.anchor(src, 0.4), 2 * HOUR, 2 * DAY), rng.randint(3, 6),
                             2 * DAY, 9 * DAY)
        d.models.append(Ref(uid, names, ages, noun))
        algorithm, payload = self.model_payload(d, uid, noun)
        text = f"{d.topic.team_name} {noun.replace('-', ' ')} ({algorithm})."
        inputs = [(r, "trained_on", 1, None) for r in src]
        return self.emit(d, "model", uid, own, names, ages, inputs, payload, text,
                         [d.topic.slug, algorithm], always_runbook=True)

    def pipeline(self, d: Domain, purpose: str) -> dict:
        """A scheduled job (1.k.0 releases) reading tables and sometimes a model."""
        rng = self.rng
        uid = self.name(d, "pipelines", purpose)
        src = [rng.choice(d.wh)] + ([rng.choice(d.models)] if d.models and rng.random() < 0.5 else [])
        names, ages = spaced(rng, after(rng, self.anchor(src, 1.0), 30, 12 * HOUR), rng.randint(2, 5),
                             3 * DAY, 14 * DAY, "1.{}.0")

        def payload(v: dict, name: str, age: int, last: bool) -> None:
            digest, minutes = self.digest(uid, name), rng.randint(5, 240)
            msg = rng.choice(N.COMMIT_MESSAGES["pipeline"]).format(name=purpose)
            v["commit"] = V.commit(digest, d.repo, self.author(d, age), msg, self.clock,
                                   age + minutes + rng.randint(10, DAY))
            v["run"] = V.run(digest, self.clock, age, minutes)

        text = f"Scheduled {purpose.replace('-', ' ')} pipeline of {d.slug}."
        inputs = [(r, "input", 1, None) for r in src]
        return self.emit(d, "pipeline", uid, self.owners(d), names, ages, inputs, payload, text,
                         ["pipeline", "airflow"])

    def evaluation(self, d: Domain, model: Ref) -> dict:
        """An offline evaluation of a model version on the domain's labels."""
        rng = self.rng
        splits = rng.sample(N.EVAL_SPLITS, len(N.EVAL_SPLITS))
        uid, _ = self.first_free(d, "evals", [(f"{model.noun}-{s}", s) for s in splits])
        names, ages = spaced(rng, after(rng, self.anchor([model, d.wh[0]], 0.7), 30, 12 * HOUR),
                             rng.randint(1, 3), DAY, 7 * DAY)
        d.evals.append(Ref(uid, names, ages, self.noun(d, uid)))
        base = V.quality(rng, d.topic.family)

        def payload(v: dict, name: str, age: int, last: bool) -> None:
            v["metrics"] = dict(V.scores(rng, base), n_samples=rng.randint(5_000, 2_000_000))
            v["run"] = V.run(self.digest(uid, name), self.clock, age, rng.randint(5, 120))

        text = f"Offline evaluation of {model.uid} against held-out labels."
        inputs = [(model, "evaluated_on", 1, None), (d.wh[0], "evaluated_on", 1, None)]
        return self.emit(d, "evaluation", uid, self.owners(d), names, ages, inputs, payload, text, ["evaluation"])

    def metric(self, d: Domain) -> dict:
        """A daily monitoring metric computed from an evaluation (or a model)."""
        rng = self.rng
        src, relation = (rng.choice(d.evals), "input") if d.evals else (rng.choice(d.models), "evaluated_on")
        metrics = rng.sample(N.METRICS[d.topic.family], len(N.METRICS[d.topic.family]))
        uid, metric = self.first_free(d, "metrics", [(f"{src.noun}-{m}", m) for m in metrics])
        names, ages = dated(self.clock, after(rng, src.ages[-1], 30, 6 * HOUR), rng.randint(3, 6), 1)
        value = V.quality(rng, d.topic.family)[metric]

        def payload(v: dict, name: str, age: int, last: bool) -> None:
            v["metrics"] = {metric: round(value * rng.uniform(0.97, 1.03), 4),
                            "sample_size": rng.randint(1_000, 500_000)}

        text = f"Daily {metric} of {src.uid}, for monitoring."
        return self.emit(d, "metric", uid, self.owners(d), names, ages, [(src, relation, 1, None)], payload,
                         text, ["monitoring", metric])

    def deployment(self, d: Domain, model: Ref) -> dict:
        """A healthy deployment; about a third serve a model version older than the latest."""
        rng = self.rng
        first = rng.choices(N.ENVS, (5, 3, 2))[0]
        envs = [first] + [e for e in N.ENVS if e != first]
        uid, env = self.first_free(d, "deploy", [(f"{model.noun}-{e}", e) for e in envs])
        served = len(model.ages) - 1
        if served and rng.random() < 0.35:
            served = rng.randint(0, served - 1)
        names, ages = spaced(rng, after(rng, model.ages[served], HOUR, 2 * DAY), rng.randint(2, 5),
                             3 * DAY, 10 * DAY, "r{}")
        inputs = [(model, "deployed_from", 1, served)]
        if rng.random() < 0.35:
            inputs.append((rng.choice(d.feat), "features_from", 1, None))
        return self.emit(d, "deployment", uid, self.owners(d), names, ages, inputs,
                         self.deploy_payload(d, uid, env, "healthy"), f"{model.uid} serving in {env}.",
                         [env] + (["tier-1"] if env == "prod" else []), always_runbook=True)

    def deploy_payload(self, d: Domain, uid: str, env: str, status: str) -> Payload:
        """Revisions: the latest has ``status``, earlier ones are superseded."""
        rng = self.rng
        where = rng.choice(N.CLOUD_REGIONS)
        noun = uid.split("/", 1)[1]

        def payload(v: dict, name: str, age: int, last: bool) -> None:
            v["deployment"] = V.deployment(rng, status if last else "superseded", env, where)
            if rng.random() < 0.5:
                msg = rng.choice(N.COMMIT_MESSAGES["deployment"]).format(name=noun)
                v["commit"] = self.commit(d, uid, name, self.author(d, age), msg, age + rng.randint(10, 6 * HOUR))

        return payload
