"""The README's tour, run line by line as a new user pastes it after the set-up command.

Every line must succeed and print what the README says it prints. The two lines that
start a long-running server (`serve`) are left out; the serving paths have their own
process tests (test_cli.py, test_faults.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# what each command prints, as the README's comment describes it
EXPECT = {
    "ownergraph demo --no-serve": "loaded",
    "ownergraph incident deploy/recs-recommender-prod": "PAGE, in order:",
    "ownergraph show models/recs-recommender": "owner:",
    "ownergraph history models/recs-recommender": "recs-recommender",
    "ownergraph impact warehouse/transactions": "warehouse/transactions",
    "ownergraph hotspots --people": "",
    "ownergraph ingest examples/catalog.yaml": "change(s) recorded",
    "ownergraph audit verify": "audit chain intact",
    "ownergraph audit verify --state": "graph agrees with the audit log",
}


def tour_lines() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## A tour"):]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.S).group(1)
    lines = []
    for raw in block.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        command = re.split(r"\s+#\s", raw, maxsplit=1)[0].strip()
        lines.append(command)
    return lines


def test_the_tour_runs_as_written(tmp_path):
    lines = tour_lines()
    assert lines[0] == ". .venv/bin/activate"
    env = dict(os.environ, OWNERGRAPH_HOME=str(tmp_path / "home"), OWNERGRAPH_STORE="falkordb",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("NEO4J_URI", None)
    outputs: dict[str, str] = {}
    try:
        for line in lines[1:]:
            if " serve" in line:
                continue
            res = subprocess.run(["bash", "-c", line], cwd=ROOT, env=env, capture_output=True,
                                 text=True, timeout=300)
            assert res.returncode == 0, (line, res.stderr[-2000:])
            outputs[line] = res.stdout
            key = next((k for k in EXPECT if line == k), None)
            if key is not None:
                assert EXPECT[key] in res.stdout, (line, res.stdout[-2000:])
    finally:
        subprocess.run(["pkill", "-f", str(tmp_path / "home")], check=False)
    # the as-of line answers as it was a month ago: another primary owner than now
    as_of = next(line for line in outputs if "--as-of" in line)
    now_owner = re.search(r"^owner: (.+?);", outputs["ownergraph incident deploy/recs-recommender-prod"], re.M)
    then_owner = re.search(r"^owner: (.+?);", outputs[as_of], re.M)
    assert now_owner and then_owner and now_owner.group(1) != then_owner.group(1)
    token = next(out for line, out in outputs.items() if "token create" in line)
    assert re.fullmatch(r"og_\S+\n", token)


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__, "-q"])
