"""Constants and types shared by the store tests (a uniquely named module, unlike conftest)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PASSPHRASE = "correct horse battery staple"

Sql = Callable[..., list[tuple[Any, ...]]]
"""Run one statement (and parameters) directly against a wallet file."""
