"""backup and restore through the command line: round trip, merge, refusals, damage."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_support import PASSPHRASE, Run
from typer.testing import CliRunner

from credwallet.cli._app import app
from credwallet.errors import ExitCode
from support import EXAMPLES


def _listing(run: Run, passphrase: str = PASSPHRASE) -> list[dict[str, object]]:
    result = run("show", "--json", passphrase=passphrase)
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout)["credentials"])


def _run_at(home: Path, *args: str, passphrase: str = PASSPHRASE) -> object:
    return CliRunner().invoke(
        app, ["--home", str(home), *args], env={"CREDWALLET_PASSPHRASE": passphrase}
    )


@pytest.fixture
def filled(wallet: Run) -> Run:
    assert wallet("import", str(EXAMPLES)).exit_code == 0
    first = _listing(wallet)[0]["id"]
    assert wallet("tag", str(first), "keep-me").exit_code == 0
    assert wallet("identity", "add", "alex.rivera@example.com").exit_code == 0
    return wallet


class TestRoundTrip:
    def test_restore_into_empty_home_gives_the_same_wallet(
        self, filled: Run, tmp_path: Path
    ) -> None:
        """A restored wallet holds the same credentials, tags, identities and holder DID."""
        backup = tmp_path / "wallet.age"
        result = filled("backup", "-o", str(backup))
        assert result.exit_code == 0, result.output
        assert backup.read_bytes().startswith(b"age-encryption.org/v1\n")
        assert (backup.stat().st_mode & 0o777) == 0o600
        other = tmp_path / "restored"
        restored = _run_at(other, "restore", str(backup))
        assert restored.exit_code == 0, restored.output  # type: ignore[attr-defined]
        before = sorted(_listing(filled), key=lambda c: str(c["credential_id"]))
        after_run = _run_at(other, "show", "--json")
        after = sorted(
            json.loads(after_run.stdout)["credentials"],  # type: ignore[attr-defined]
            key=lambda c: str(c["credential_id"]),
        )
        assert after == before  # the same wallet ids too: scripts and notes keep working
        assert any("keep-me" in c["tags"] for c in after)
        who_before = filled("whoami").stdout
        who_after = _run_at(other, "whoami").stdout  # type: ignore[attr-defined]
        assert who_before == who_after
        ids = _run_at(other, "identity", "list", "--json").stdout  # type: ignore[attr-defined]
        assert json.loads(ids)["identities"] == ["alex.rivera@example.com"]

    def test_backup_opens_with_age(self, filled: Run, tmp_path: Path) -> None:
        """The backup is a standard age file (checked with the real age tool when present)."""
        if shutil.which("age") is None:
            pytest.skip("the age program is not installed (Debian package `age`)")
        import os
        import pty

        backup = tmp_path / "wallet.age"
        filled("backup", "-o", str(backup))
        out = tmp_path / "plain.jsonl"
        pid, fd = pty.fork()
        if pid == 0:  # child: age reads the passphrase from its terminal only
            os.execvp("age", ["age", "-d", "-o", str(out), str(backup)])
        buffer = b""
        while b"passphrase" not in buffer.lower():
            buffer += os.read(fd, 1024)
        os.write(fd, PASSPHRASE.encode() + b"\n")
        while True:
            try:
                if not os.read(fd, 1024):
                    break
            except OSError:
                break
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        lines = out.read_bytes().splitlines()
        assert json.loads(lines[0])["type"] == "credwallet-backup"
        assert json.loads(lines[-1])["type"] == "end"


class TestRefusals:
    def test_restore_never_overwrites_without_merge(self, filled: Run, tmp_path: Path) -> None:
        """restore into an existing wallet is refused and changes nothing."""
        backup = tmp_path / "wallet.age"
        filled("backup", "-o", str(backup))
        before = _listing(filled)
        result = filled("restore", str(backup))
        assert result.exit_code == ExitCode.ERROR
        assert "--merge" in result.stderr
        assert _listing(filled) == before

    def test_merge_twice_is_idempotent(self, filled: Run, tmp_path: Path) -> None:
        """Merging a backup into the wallet it came from adds nothing, however often."""
        backup = tmp_path / "wallet.age"
        filled("backup", "-o", str(backup))
        count = len(_listing(filled))
        for _ in range(2):
            result = filled("restore", str(backup), "--merge", "--json")
            assert result.exit_code == 0, result.output
            assert json.loads(result.stdout)["added"] == 0
        assert len(_listing(filled)) == count

    def test_wrong_backup_passphrase_is_exit_5(self, filled: Run, tmp_path: Path) -> None:
        """A wrong passphrase for the backup is a clean wallet-access error."""
        backup = tmp_path / "wallet.age"
        filled("backup", "-o", str(backup))
        result = _run_at(tmp_path / "new", "restore", str(backup), passphrase="wrong one")
        assert result.exit_code == ExitCode.WALLET  # type: ignore[attr-defined]
        assert not (tmp_path / "new").exists()

    def test_damaged_backup_is_exit_7_and_creates_nothing(
        self, filled: Run, tmp_path: Path
    ) -> None:
        """A flipped byte in the payload is caught before anything is written."""
        backup = tmp_path / "wallet.age"
        filled("backup", "-o", str(backup))
        data = bytearray(backup.read_bytes())
        data[-40] ^= 0x01
        backup.write_bytes(bytes(data))
        result = _run_at(tmp_path / "new", "restore", str(backup))
        assert result.exit_code == ExitCode.BAD_INPUT  # type: ignore[attr-defined]
        assert "Traceback" not in result.output  # type: ignore[attr-defined]
        assert not (tmp_path / "new").exists()

    def test_existing_backup_file_is_not_replaced(self, filled: Run, tmp_path: Path) -> None:
        """backup -o refuses to overwrite a file unless --force."""
        backup = tmp_path / "wallet.age"
        backup.write_bytes(b"precious")
        assert filled("backup", "-o", str(backup)).exit_code == ExitCode.USAGE
        assert backup.read_bytes() == b"precious"
        assert filled("backup", "-o", str(backup), "--force").exit_code == 0


class TestDamagedStore:
    @pytest.mark.parametrize("damage", ["empty", "truncated", "garbage"])
    def test_damaged_store_file_is_exit_5(self, filled: Run, home: Path, damage: str) -> None:
        """A truncated, emptied or overwritten store is an opaque exit 5, never a new wallet."""
        db = next(p for p in home.iterdir() if p.suffix == ".db")
        data = db.read_bytes()
        for extra in home.glob(db.name + "-*"):
            extra.unlink()
        if damage == "empty":
            db.write_bytes(b"")
        elif damage == "truncated":
            db.write_bytes(data[: len(data) // 2])
        else:
            db.write_bytes(b"\x00" * 100 + data[100:])
        result = filled("show")
        assert result.exit_code == ExitCode.WALLET, result.output
        assert "Traceback" not in result.output
        assert result.stdout == ""

    def test_row_deleted_behind_our_back_is_detected(self, filled: Run, home: Path) -> None:
        """Deleting one record with the sqlite3 tool makes the wallet refuse to open."""
        import sqlite3

        db = next(p for p in home.iterdir() if p.suffix == ".db")
        conn = sqlite3.connect(db)
        table = next(
            name
            for (name,) in conn.execute("select name from sqlite_master where type='table'")
            if "record" in name
        )
        conn.execute(f"delete from {table} where rowid = (select min(rowid) from {table})")
        conn.commit()
        conn.close()
        result = filled("show")
        assert result.exit_code == ExitCode.WALLET
        assert "Traceback" not in result.output


class TestSecrets:
    def test_no_passphrase_or_key_anywhere_after_a_session(
        self, filled: Run, home: Path, tmp_path: Path
    ) -> None:
        """After a full session the passphrase and holder key appear in no file or output."""
        import base64
        import tempfile
        import time

        from credwallet.wallet import Unlock, Wallet

        started = time.time() - 1
        outputs = []
        backup = tmp_path / "b.age"
        for args in (
            ("--debug", "show"),
            ("verify", "--all"),
            ("unlock", "--for", "1m"),
            ("backup", "-o", str(backup)),
            ("share", "bundle", "--help"),
            ("show", "--json"),
            ("whoami",),
        ):
            outputs.append(filled(*args).output)
        with Wallet.open(home, Unlock(passphrase=lambda: PASSPHRASE)) as wallet:
            seed = wallet.holder_key().private_bytes()
        needles = [
            PASSPHRASE.encode(),
            seed,
            seed.hex().encode(),
            base64.b64encode(seed),
            base64.urlsafe_b64encode(seed).rstrip(b"="),
        ]
        # Every file of the wallet, of this test, and anything written to the temp dir since.
        candidates = [*home.rglob("*"), *tmp_path.rglob("*")]
        for path in Path(tempfile.gettempdir()).iterdir():
            try:
                if path.is_file() and path.stat().st_mtime >= started:
                    candidates.append(path)
            except OSError:
                continue
        for path in candidates:
            if path.is_file():
                data = path.read_bytes()
                for needle in needles:
                    assert needle not in data, path
        for text in outputs:
            for needle in needles:
                assert needle.decode("latin-1") not in text
        ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=False)
        assert PASSPHRASE not in ps.stdout


class TestEveryKindRoundTrips:
    def test_every_kind_the_wallet_writes_is_restorable(self) -> None:
        """A kind the wallet can store but restore refuses would make whole backups unrestorable."""
        import importlib
        import pkgutil

        import credwallet.wallet
        from credwallet.wallet.backup import RESTORABLE_KINDS

        written = set()
        for module_info in pkgutil.iter_modules(credwallet.wallet.__path__):
            module = importlib.import_module(f"credwallet.wallet.{module_info.name}")
            for name, value in vars(module).items():
                if name.startswith("KIND_") and isinstance(value, str):
                    written.add(value)
        assert "pending-issuance" in written  # the scan finds the kinds it is meant to
        assert written <= RESTORABLE_KINDS, written - RESTORABLE_KINDS

    def test_a_pending_issuance_survives_backup_and_restore_once(
        self, wallet: Run, home: Path, tmp_path: Path
    ) -> None:
        """A backup taken while a deferred issuance waits restores it, and only once per merge."""
        from credwallet.exchange.model import PendingIssuance
        from credwallet.wallet import Unlock, Wallet
        from credwallet.wallet.receive import KIND_PENDING

        pending = PendingIssuance(
            issuer="https://issuer.example",
            deferred_endpoint="https://issuer.example/deferred",
            transaction_id="tx-8d2f",
            access_token="token-not-shown",
        )
        with Wallet.open(home, Unlock(passphrase=lambda: PASSPHRASE)) as held:
            held.store.put(KIND_PENDING, json.dumps(pending.to_json()).encode("utf-8"))
        backup = tmp_path / "wallet.age"
        assert wallet("backup", "-o", str(backup)).exit_code == 0
        other = tmp_path / "restored"
        first = _run_at(other, "restore", str(backup))
        assert first.exit_code == 0, first.output  # type: ignore[attr-defined]
        again = _run_at(other, "restore", "--merge", str(backup))
        assert again.exit_code == 0, again.output  # type: ignore[attr-defined]
        with Wallet.open(other, Unlock(passphrase=lambda: PASSPHRASE)) as restored:
            kept = [
                PendingIssuance.from_json(json.loads(record.payload))
                for record in restored.store.records(KIND_PENDING)
            ]
        assert kept == [pending]
