"""The console's editor bundle is shipped prebuilt (users need no node): it is present,
built from exactly the versions locked in tools/editor, and every package in it carries
a permissive licence (the build writes the list and refuses any other licence)."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "app" / "static" / "vendor"
ALLOWED = {"MIT", "BSD-2-Clause", "BSD-3-Clause", "ISC", "0BSD"}


def _bundled() -> dict[str, tuple[str, str]]:
    lines = (VENDOR / "cypher-editor.licenses.txt").read_text(encoding="utf-8").splitlines()[2:]
    return {name: (version, licence) for name, version, licence in (line.split() for line in lines if line)}


def test_bundle_is_shipped_and_has_the_editor():
    text = (VENDOR / "cypher-editor.js").read_text(encoding="utf-8")
    assert "OwnergraphCypherEditor" in text and len(text) > 100_000


def test_every_bundled_package_is_permissive_and_locked_at_that_version():
    lock = json.loads((ROOT / "tools" / "editor" / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    bundled = _bundled()
    assert {"@codemirror/view", "@codemirror/legacy-modes", "@codemirror/autocomplete"} <= set(bundled)
    for name, (version, licence) in bundled.items():
        assert licence in ALLOWED, f"{name} is {licence}"
        locked = lock[f"node_modules/{name}"]
        assert locked["version"] == version and locked.get("license") == licence, name
