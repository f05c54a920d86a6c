"""The plan of the demo organisation: who works where, and where the gaps go.

``Organisation`` fixes people, teams and the layout up front (small: about size/50
people), then streams artifacts: the shared core of the data platform team, then one
domain (a team's product area) after another. Placement of the deliberate gaps lives
here, so that it reads as one story:

- the core's widely used tables and feature sets are mostly owned by one person with
  no deputy (the sole owner);
- in the first domain, a raw feed has no owner; the labels table and a feature set
  are still owned by someone who left (one without a deputy, one with); the flagship
  model's newest version is not deployed; production serves the previous version,
  and its latest revision, which picked up a change made 26-40 hours ago to the online
  features it reads, is the one failing deployment.

The first domain exists at every size, so these facts hold at every size. Who owned
what before the last 90 days' changes (``history``) is decided here too: with
``past=True`` the story artifacts come with their former owners.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterator

from . import names as N
from .history import History
from .layers import Domain, Layers
from .versions import DAY, HOUR, Clock, DemoRandom, Ref, after, spaced

MIN_SIZE = 20
DOMAIN_SIZE = 30   # artifacts per domain, roughly
LAYERS = ("raw", "warehouse", "features", "model", "pipeline", "evaluation", "metric", "deployment")
WEIGHTS = (0.12, 0.14, 0.15, 0.15, 0.07, 0.14, 0.11, 0.12)


class Organisation:
    """One generation run. Consume ``artifacts()`` once: it draws from the run's generator.

    ``past=True`` generates the organisation as it was ``history.HISTORY_DAYS`` ago (the
    story artifacts with their former owners; ``people_then`` / ``teams_then``); the
    same draws are made either way, and ``history.steps()`` leads from one to the other.
    """

    def __init__(self, size: int, seed: int, now: datetime, past: bool = False) -> None:
        if size < MIN_SIZE:
            raise ValueError(f"size must be at least {MIN_SIZE}")
        self.size, self.seed = size, seed
        self.rng = DemoRandom(seed)
        self.clock = Clock(now)
        self.layers = Layers(self.rng, self.clock, seed)
        self.reason = f"ownergraph demo organisation (size={size}, seed={seed})"
        self._plan_people()
        self.past = past
        self.history = History(seed, self.people, self.teams, self.departed_owner)
        self.people_then = self.history.people_then(self.people)
        self.teams_then = self.history.teams_then(self.teams, self.people)
        self.n_core = min(48, max(5, round(size * 0.04)))
        rest = size - self.n_core
        self.n_domains = max(1, round(rest / DOMAIN_SIZE))
        self._domain_size = divmod(rest, self.n_domains)
        self._core_turn = 0

    def _plan_people(self) -> None:
        rng = self.rng
        n_people = max(60, round(self.size / 50))
        n_teams = max(10, n_people // 6)
        self.people, taken = [], {}
        for _ in range(n_people):
            first, last = rng.choice(N.FIRST_NAMES), rng.choice(N.LAST_NAMES)
            base = f"{N.slug(first)}.{N.slug(last)}"
            taken[base] = taken.get(base, 0) + 1
            pid = base if taken[base] == 1 else f"{base}{taken[base]}"
            self.people.append({"id": pid, "name": f"{first} {last}", "email": f"{pid}@example.com",
                                "active": True})
        by_team = [[p["id"] for p in self.people[t::n_teams]] for t in range(n_teams)]
        # The roles behind the gaps: the core's sole owner, two leavers of the first product
        # team (the one with the failing deployment), and a few more leavers elsewhere.
        self.sole_owner = rng.choice(by_team[0])
        self.departed_owner, self.stale_steward = rng.sample(by_team[1], 2)
        departed = {self.departed_owner, self.stale_steward}
        for t in rng.sample(range(2, n_teams), 2 + n_people // 400):  # at most one per team
            departed.add(rng.choice(by_team[t]))
        for p in self.people:
            p["active"] = p["id"] not in departed
        order = rng.sample(range(len(N.TOPICS)), len(N.TOPICS))
        self.teams, self.members, self.former, self.areas = [], [], [], []
        for t in range(n_teams):
            active = [p for p in by_team[t] if p not in departed]
            if t == 0:
                (tid, name), area, topic = N.CORE_TEAM, "", None
            else:
                topic = N.TOPICS[order[(t - 1) % len(N.TOPICS)]]
                q = N.region((t - 1) // len(N.TOPICS))
                label = q.upper() if len(q.rstrip("0123456789")) <= 4 else q.title()
                tid = f"{topic.team_id}-{q}" if q else topic.team_id
                name = f"{topic.team_name} {label}" if q else topic.team_name
                area = f"{topic.slug}-{q}" if q else topic.slug
            self.teams.append({"id": tid, "name": name, "members": active,
                               "escalation": rng.sample(active, min(3, len(active)))})
            self.members.append(active)
            self.former.append([p for p in by_team[t] if p in departed])
            self.areas.append((area, topic))

    # -- stream -----------------------------------------------------------------------

    def artifacts(self) -> Iterator[dict]:
        """Every artifact, in an order where each refers only to earlier ones."""
        core = Domain("", None, self.teams[0]["id"], self.members[0], self.former[0])
        yield from self._core(core)
        for i in range(self.n_domains):
            yield from self._domain(i, core)

    def _core(self, c: Domain) -> Iterator[dict]:
        """Shared data of the data platform team; mostly owned by one person, no deputy."""
        rng, lay, n = self.rng, self.layers, self.n_core
        n_raw, n_feat = max(1, round(n * 0.3)), max(1, round(n * 0.25))
        n_wh = n - n_raw - n_feat
        tables = rng.sample(range(n_raw, n), n - n_raw)   # tables and feature sets first
        feeds = rng.sample(range(n_raw), n_raw)
        sole = set((tables + feeds)[:max(3, round(n * 0.75))])
        sole.add(n_raw + n_wh)  # the first core feature set: the failing model trains on it
        deputies = [p for p in c.members if p != self.sole_owner]

        def owners(i: int) -> tuple:
            if i in sole:
                return self.sole_owner, [], c.team
            owner = rng.choice(deputies)
            return owner, [p for p in rng.sample(deputies, 2) if p != owner][:1], c.team

        for k in range(n_raw):
            yield lay.raw(c, N.nth(N.CORE_RAW, k), owners(k), rng.randint(4, 7))
        for k in range(n_wh):
            src = [c.raw[k % n_raw]]   # every feed is used; some tables join a second one
            if n_raw > 1 and rng.random() < 0.3:
                src.append(rng.choice([r for r in c.raw if r is not src[0]]))
            yield lay.warehouse(c, N.nth(N.CORE_WAREHOUSE, k), owners(n_raw + k), src, 1, rng.randint(4, 7))
        per = -(-n_wh // n_feat)   # enough inputs per feature set that every table is used
        for k in range(n_feat):
            src = [c.wh[(k * per + j) % n_wh] for j in range(min(per, n_wh))]
            yield lay.features(c, N.nth(N.CORE_FEATURES, k), owners(n_raw + n_wh + k), src, 7, rng.randint(4, 6),
                               quiet=2 * DAY if k == 0 else 0)   # the failing model's: no recent code change

    def _allocate(self, total: int, minimums: dict[str, int]) -> list[int]:
        """Split ``total`` artifacts over the layers: minimums first, the rest by jittered weight."""
        counts = [minimums.get(layer, 0) for layer in LAYERS]
        left = total - sum(counts)
        weights = [w * self.rng.uniform(0.6, 1.4) for w in WEIGHTS]
        shares = [left * w / sum(weights) for w in weights]
        floors = [int(s) for s in shares]
        by_fraction = sorted(range(len(shares)), key=lambda i: floors[i] - shares[i])
        for i in by_fraction[:left - sum(floors)]:
            floors[i] += 1
        return [c + f for c, f in zip(counts, floors)]

    def _next_core_feature(self, core: Domain) -> Ref:
        """Core feature sets taken in turn, so that every one of them is used."""
        self._core_turn += 1
        return core.feat[self._core_turn % len(core.feat)]

    def _domain(self, i: int, core: Domain) -> Iterator[dict]:
        """One product area, in topological order; the first one carries the incident."""
        rng, lay = self.rng, self.layers
        n_areas = len(self.teams) - 1
        t = 1 + i % n_areas
        area, topic = self.areas[t]
        q = N.product(i // n_areas)
        d = Domain(f"{area}-{q}" if q else area, topic, self.teams[t]["id"], self.members[t], self.former[t])
        story = i == 0
        base, extra = self._domain_size
        total = base + (1 if i < extra else 0)
        mins = {"raw": 1, "warehouse": 2, "features": 1} if story else \
            {"raw": 1, "warehouse": 1, "features": 1, "model": 1, "evaluation": 1, "deployment": 1}
        n_raw, n_wh, n_feat, n_model, n_pipe, n_eval, n_metric, n_deploy = \
            self._allocate(total - (3 if story else 0), mins)

        for k in range(n_raw):
            if story and k == 0:   # a feed nobody owns, with a week of history for the story
                yield lay.raw(d, topic.data[0], (None, [], d.team), 7)
            else:
                yield lay.raw(d, N.nth(topic.data + N.RAW_EXTRA, k), lay.owners(d), rng.randint(4, 7))
        for k in range(n_wh):      # the first table holds the labels the domain's models train on
            if k == 0:
                own = (self.departed_owner, [], d.team) if story else lay.owners(d)
                yield lay.warehouse(d, topic.label, own, [d.raw[0]], 1, 7 if story else rng.randint(4, 7))
                continue
            src = [rng.choice(d.raw)] + ([rng.choice(core.wh)] if rng.random() < 0.6 else [])
            noun = N.nth(tuple(f"{x}-daily" for x in topic.data) + ("sessions", "enriched"), k - 1)
            yield lay.warehouse(d, noun, lay.owners(d), src, 1 if rng.random() < 0.8 else 7, rng.randint(4, 7))
        for k in range(n_feat):
            src = [rng.choice(d.wh[1:] or d.wh)]
            r = rng.random()
            if r < 0.8:
                src.append(rng.choice(core.feat if r < 0.5 and not (story and k == 0) else core.wh))
            if story and k == 0:   # left behind by a leaver, but with a deputy; no recent code change
                own = (self.departed_owner, [rng.choice(d.members)], d.team)
                yield lay.features(d, N.FEATURE_NOUNS[0], own, src, 7, rng.randint(4, 5), quiet=2 * DAY)
            else:
                yield lay.features(d, N.nth(N.FEATURE_NOUNS, k), lay.owners(d), src,
                                   1 if rng.random() < 0.5 else 7, rng.randint(3, 5))
        if story:
            realtime_art, realtime = self._story_realtime(d)
            yield realtime_art
        nouns = topic.models + ("baseline", "challenger", "experimental")
        for k in range(n_model):   # a domain's first model always uses a core feature set
            src = [rng.choice(d.feat), d.wh[0]]
            if k == 0 or rng.random() < 0.6:
                src.append(self._next_core_feature(core))
            yield lay.model(d, N.nth(nouns, k + story), lay.owners(d), src)
        if story:
            model_art, model = self._story_model(d, core.feat[0])
            serving = lay.name(d, "deploy", f"{model.noun}-prod")   # reserved before other deployments
            yield model_art
        for k in range(n_pipe):
            yield lay.pipeline(d, N.nth(N.PIPELINE_PURPOSES, k))
        for _ in range(n_eval):
            yield lay.evaluation(d, rng.choice(d.models))
        for _ in range(n_metric):
            yield lay.metric(d)
        for _ in range(n_deploy):
            yield lay.deployment(d, rng.choice(d.models))
        if story:
            yield self._story_deployment(d, serving, model, realtime)

    # -- the incident (first domain) --------------------------------------------------

    def _story_realtime(self, d: Domain) -> tuple[dict, Ref]:
        """Online features whose latest version (26-40h old) changed their code: the recent
        change upstream of the failing deployment. Its input is over two days old, so it
        is the only recent change within three hops."""
        rng, lay = self.rng, self.layers
        uid = lay.name(d, "features", "realtime-signals")
        names, ages = spaced(rng, rng.randint(26 * HOUR, 40 * HOUR), rng.randint(4, 6), 3 * DAY, 8 * DAY)
        owner, author = rng.sample(d.members, 2)
        before = self.history.realtime_features(uid, owner, author, d.members)

        def payload(v: dict, name: str, age: int, last: bool) -> None:
            msg = (f"Widen {d.topic.slug} velocity window from 1h to 24h" if last
                   else rng.choice(N.COMMIT_MESSAGES["feature_set"]).format(name="realtime-signals"))
            v["commit"] = lay.commit(d, uid, name, author if last else lay.author(d, age), msg,
                                     age + rng.randint(HOUR, 3 * HOUR))

        art = lay.emit(d, "feature_set", uid, (before if self.past else owner, [author], d.team), names, ages,
                       [(d.raw[0], "input", DAY, None)], payload,
                       "Streaming features computed online for low-latency scoring.", ["features", "online"])
        return art, Ref(uid, names, ages, "realtime-signals")

    def _story_model(self, d: Domain, core_feature: Ref) -> tuple[dict, Ref]:
        """The flagship model: the newest version (60-70h old) is not deployed yet; prod
        serves the previous one (110-140h old), trained on data owned by a leaver and on
        the sole owner's feature set; one of its two deputies has left too."""
        rng, lay = self.rng, self.layers
        noun = d.topic.models[0]
        uid = lay.name(d, "models", noun)
        names, ages = spaced(rng, rng.randint(110 * HOUR, 140 * HOUR), rng.randint(3, 5), 5 * DAY, 9 * DAY)
        ages.append(rng.randint(60 * HOUR, 70 * HOUR))
        names.append(f"v{len(names) + 1}")
        ref = Ref(uid, names, ages, noun)
        d.models.append(ref)
        owner, deputy = rng.sample(d.members, 2)
        algorithm, payload = lay.model_payload(d, uid, noun)
        inputs = [(d.feat[0], "trained_on", 30, None), (d.wh[0], "trained_on", 30, None),
                  (core_feature, "trained_on", 30, None)]
        art = lay.emit(d, "model", uid, (owner, [self.stale_steward, deputy], d.team), names, ages, inputs,
                       payload, f"{d.topic.team_name} flagship {noun.replace('-', ' ')} ({algorithm}).",
                       [d.topic.slug, algorithm, "tier-1"], always_runbook=True)
        return art, ref

    def _story_deployment(self, d: Domain, uid: str, model: Ref, realtime: Ref) -> dict:
        """Production serving of the flagship model's previous version; the latest
        revision (6-20h old) picked up the changed online features and is failing."""
        rng, lay = self.rng, self.layers
        served = len(model.ages) - 2
        names, ages = spaced(rng, after(rng, model.ages[served], 2 * HOUR, 12 * HOUR), rng.randint(3, 5),
                             4 * DAY, 9 * DAY, "r{}")
        ages.append(rng.randint(6 * HOUR, 20 * HOUR))
        names.append(f"r{len(names) + 1}")
        owner, deputy = rng.sample(d.members, 2)
        before = self.history.deployment(uid, owner, deputy)
        own = (before, [], d.team) if self.past else (owner, [deputy], d.team)
        inputs = [(model, "deployed_from", 30, served), (realtime, "features_from", HOUR, None)]
        return lay.emit(d, "deployment", uid, own, names, ages, inputs,
                        lay.deploy_payload(d, uid, "prod", "failing"),
                        f"{model.uid} serving production traffic.", ["prod", "tier-1"], always_runbook=True)
