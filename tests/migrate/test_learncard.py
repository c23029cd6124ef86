"""LearnCard holder-continuity exports: credentials in, keys left out, hashes checked."""

from __future__ import annotations

import json
from pathlib import Path

from learncard_factory import bundle
from migrate_support import Run, badge, shown

from credwallet.verify.keys import SigningKey

PASSWORD = "correct lantern 7"


def secret(tmp_path: Path, value: str = PASSWORD) -> str:
    path = tmp_path / "pw.txt"
    path.write_text(value + "\n")
    path.chmod(0o600)
    return str(path)


def test_learncard_export_imports_its_credentials(wallet: Run, tmp_path: Path) -> None:
    key = SigningKey.generate("Ed25519")
    path = tmp_path / "learncard-export.zip"
    path.write_bytes(bundle([badge(key, 1), badge(key, 2)], PASSWORD))
    result = wallet("import", "--json", "--import-passphrase-file", secret(tmp_path), str(path))
    summary = json.loads(result.stdout)
    assert summary["imported"] == 2, result.output
    [source] = summary["sources"]
    assert source["kind"] == "LearnCard export"
    assert source["not_imported"] == ["1 DID document", "2 index records", "2 key files"]
    assert {item["status"] for item in shown(wallet)} == {"valid"}
    again = wallet("import", "--json", "--import-passphrase-file", secret(tmp_path), str(path))
    assert json.loads(again.stdout)["duplicates"] == 2


def test_wrong_password_stores_nothing(wallet: Run, tmp_path: Path) -> None:
    path = tmp_path / "learncard-export.zip"
    path.write_bytes(bundle([badge(SigningKey.generate("Ed25519"), 1)], PASSWORD))
    result = wallet("import", "--import-passphrase-file", secret(tmp_path, "nope"), str(path))
    assert result.exit_code == 7 and "wrong password" in result.output
    assert shown(wallet) == []


def test_an_entry_changed_after_export_is_refused(wallet: Run, tmp_path: Path) -> None:
    key = SigningKey.generate("Ed25519")
    data = bundle([badge(key, 1)], PASSWORD, tamper="keys/jwks.json.enc")
    path = tmp_path / "learncard-export.zip"
    path.write_bytes(data)
    result = wallet("import", "--import-passphrase-file", secret(tmp_path), str(path))
    assert result.exit_code == 7 and "does not match its hash" in result.output
    assert shown(wallet) == []
