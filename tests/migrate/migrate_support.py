"""Names shared by the migrate-in tests (a module of its own: `conftest` names are ambiguous)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

import support

PASSPHRASE = "correct horse battery staple"
Run = Callable[..., Result]
#: The public samples of ../shared/fixtures/migrate-in (read from there, never copied).
SAMPLES = support.SHARED / "fixtures" / "migrate-in"


def sample(name: str) -> Path:
    return SAMPLES / name
