"""What hostile and large manifests cost to parse: ``python -m bench.parse_limits``.

Each case runs in a fresh child process: wall time to the answer (refused or accepted),
then, in a second run under tracemalloc, the peak memory the parse allocated. Hostile cases: YAML alias bombs
(8 and 9 levels of 9 aliases), 10,000 nested ``[`` in JSON and in YAML, hyperparameters
900 deep. Ordinary cases: a catalogue of N artifacts with versions, as YAML and as JSON,
through ``parse.read_text`` (decode, document checks, schema).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import time
from typing import Callable
import tracemalloc


def alias_bomb(levels: int, width: int = 9) -> str:
    lines = ['a0: &a0 ["lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * width) + "]")
    lines.append(f"artifacts: *a{levels}")
    return "\n".join(lines) + "\n"


def catalogue(n: int) -> dict:
    people = [{"id": f"p{i}", "name": f"Person {i}"} for i in range(100)]
    arts = [{"uid": f"ns{i % 50}/artifact-{i}", "kind": "model", "owner": f"p{i % 100}",
             "description": f"artifact number {i}\nsecond line", "tags": ["tier-2"],
             "versions": [{"version": str(v), "created_at": "2026-11-21T00:00:00Z",
                           "hyperparameters": {"lr": 0.01, "depth": 6, "layers": [64, 32]},
                           "metrics": {"auc": 0.9},
                           "derived_from": [{"uid": f"ns0/artifact-0@{v}", "relation": "input"}] if i else []}
                          for v in (1, 2)]} for i in range(n)]
    return {"people": people, "artifacts": arts}


def cases(n: int) -> dict[str, Callable[[], str]]:
    import yaml
    deep_hp = ('{"artifacts":[{"uid":"a/b","kind":"model","versions":[{"version":"1","hyperparameters":'
               + '{"a":' * 900 + "1" + "}" * 900 + "}]}]}")
    return {
        "YAML alias bomb, 8 levels": lambda: alias_bomb(8),
        "YAML alias bomb, 9 levels": lambda: alias_bomb(9),
        "JSON, 10,000 nested [": lambda: "[" * 10_000 + "]" * 10_000,
        "YAML, 10,000 nested [": lambda: "[" * 10_000 + "]" * 10_000 + "\n# yaml\n",
        "JSON, hyperparameters 900 deep": lambda: deep_hp,
        f"JSON catalogue, {n:,} artifacts": lambda: json.dumps(catalogue(n)),
        f"YAML catalogue, {n:,} artifacts": lambda: yaml.safe_dump(catalogue(n), sort_keys=False),
    }


def _answer(text: str) -> str:
    from graph_model.errors import ValidationFailed
    from graph_model.ingest import parse
    try:
        draft = parse.read_text(text)
        return f"accepted ({len(draft.problems)} problems)"
    except ValidationFailed as e:
        return "refused: " + str(e.problems[0])[:60]


def _run(name: str, n: int, out) -> None:
    text = cases(n)[name]()
    _answer("people: []")  # imports and schema set-up are not the parse's cost
    started = time.perf_counter()
    answer = _answer(text)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    _answer(text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    out.send((len(text.encode()), seconds, peak / 2**20, answer))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--artifacts", type=int, default=10_000, help="size of the ordinary catalogue")
    args = ap.parse_args()
    ctx = mp.get_context("spawn")
    print(f"{'case':34} {'bytes':>11} {'seconds':>8} {'peak MB':>8}  answer")
    for name in cases(args.artifacts):
        here, there = ctx.Pipe()
        proc = ctx.Process(target=_run, args=(name, args.artifacts, there))
        proc.start()
        size, seconds, peak, answer = here.recv()
        proc.join()
        print(f"{name:34} {size:>11,} {seconds:>8.3f} {peak:>8.1f}  {answer}")


if __name__ == "__main__":
    main()
