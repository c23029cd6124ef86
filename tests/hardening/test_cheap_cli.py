"""The real-process bootstrap (tests/cheap_cli.py) really applies the test-only work factors.

Every crash, lock and hostile-input test starts credwallet through it. If a setting stopped
applying, those tests would all still pass, each paying the real Argon2id (or age's scrypt
2^18) in silence; these tests make that visible.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from clirun import subproc

from credwallet.store.kdf import CHEAPEST, KdfProfile


def test_a_wallet_made_through_the_bootstrap_has_the_cheapest_kdf(tmp_path: Path) -> None:
    home = tmp_path / "wallet"
    ran = subproc(home, "init")
    assert ran.code == 0, ran.err
    with closing(sqlite3.connect(f"file:{home / 'wallet.db'}?mode=ro", uri=True)) as db:
        (kdf,) = db.execute("SELECT kdf FROM keyslots WHERE kind = 'passphrase'").fetchone()
    assert KdfProfile.parse(kdf) == CHEAPEST


def test_a_backup_written_through_the_bootstrap_has_the_cheap_scrypt(tmp_path: Path) -> None:
    home = tmp_path / "wallet"
    assert subproc(home, "init").code == 0
    out = tmp_path / "wallet.age"
    ran = subproc(home, "backup", "--out", str(out))
    assert ran.code == 0, ran.err
    header = out.read_bytes().split(b"\n---", 1)[0].decode("ascii").splitlines()
    stanzas = [line.split() for line in header if line.startswith("-> scrypt ")]
    assert [int(stanza[-1]) for stanza in stanzas] == [10]  # conftest's TEST_BACKUP_LOG_N
