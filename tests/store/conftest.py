"""Store test fixtures: a fresh wallet home, an open store, raw SQL access for tampering."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from storehelp import PASSPHRASE, Sql

from credwallet.store import Store


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def store(home: Path) -> Iterator[Store]:
    with Store.create(home, PASSPHRASE) as opened:
        yield opened


@pytest.fixture
def sql(home: Path) -> Sql:
    """Run one statement against the wallet file directly, as an attacker or a sync tool would."""

    def run(statement: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with closing(sqlite3.connect(home / "wallet.db", isolation_level=None)) as conn:
            return list(conn.execute(statement, params))

    return run
