"""Names shared by the CLI tests (a module of its own: `conftest` names are ambiguous)."""

from __future__ import annotations

from collections.abc import Callable

from typer.testing import Result

PASSPHRASE = "correct horse battery staple"

Run = Callable[..., Result]
