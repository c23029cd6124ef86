"""Paths and small helpers shared by the test suite (importable as ``support``)."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CREDWALLET_SHARED", REPO.parent / "shared"))
EXTERNAL = SHARED / "fixtures" / "external"
CONTEXTS = EXTERNAL / "contexts"
EXAMPLES = REPO / "examples"


@cache
def manifest() -> list[dict[str, Any]]:
    """The cases of ../shared/fixtures/external/manifest.json (each with its expected outcome)."""
    path = EXTERNAL / "manifest.json"
    if not path.is_file():
        return []  # conftest skips the tests that need the shared vectors, with the reason
    entries: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))
    return entries


def cases(*kinds: str, expect: str | None = None) -> list[dict[str, Any]]:
    return [
        e for e in manifest() if e["kind"] in kinds and (expect is None or e["expect"] == expect)
    ]


def case_id(entry: dict[str, Any]) -> str:
    return str(entry.get("test_id") or entry.get("case") or entry["file"])
