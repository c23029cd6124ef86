"""Learner Credential Wallet backups: plain, CryptoJS-locked and JWE-locked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lcw_factory import OLD_DID, cryptojs_locked, encrypted_wallet, wallet_backup
from migrate_support import Run, badge, shown

from credwallet.verify.keys import SigningKey

SECRET = "tulip staircase 42"


@pytest.fixture(scope="module")
def credentials() -> list[dict[str, object]]:
    key = SigningKey.generate("Ed25519")
    return [badge(key, i) for i in range(3)]


def write(tmp_path: Path, text: str, name: str = "Wallet Backup.json") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def secret_file(tmp_path: Path, value: str = SECRET) -> Path:
    path = tmp_path / "export-passphrase.txt"
    path.write_text(value + "\n")
    path.chmod(0o600)
    return path


def imported(run: Run, *args: str) -> dict[str, object]:
    result = run("import", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_plain_backup_imports_credentials_and_leaves_keys(
    wallet: Run, tmp_path: Path, credentials: list[dict[str, object]]
) -> None:
    path = write(tmp_path, wallet_backup(credentials))
    summary = imported(wallet, str(path))
    assert summary["imported"] == 3
    [source] = summary["sources"]
    assert source["kind"] == "Learner Credential Wallet backup"
    assert source["credentials"] == 3 and source["imported"] == 3
    assert source["not_imported"] == ["2 keys", "1 profile"]
    assert source["adopted_identities"] == []
    assert "2 keys and 1 profile not imported" in source["summary"]
    identities = wallet("identity", "list", "--json").stdout
    assert OLD_DID not in identities  # keys are never adopted by default
    human = wallet("import", str(path))
    assert "Learner Credential Wallet backup" in human.output
    assert "3 duplicate" in human.output  # a re-import adds nothing
    assert len(shown(wallet)) == 3


def test_adopt_keys_keeps_the_old_holder_did(
    wallet: Run, tmp_path: Path, credentials: list[dict[str, object]]
) -> None:
    path = write(tmp_path, wallet_backup(credentials[:1]))
    summary = imported(wallet, "--adopt-keys", str(path))
    [source] = summary["sources"]
    assert source["adopted_identities"] == [OLD_DID]
    assert source["not_imported"] == ["1 profile"]
    assert OLD_DID in wallet("identity", "list", "--json").stdout


@pytest.mark.parametrize("prefix", ["LOCKED:", "locked_wallet:", "locked_profile:"])
def test_cryptojs_locked_backup(
    wallet: Run, tmp_path: Path, credentials: list[dict[str, object]], prefix: str
) -> None:
    path = write(tmp_path, cryptojs_locked(wallet_backup(credentials), SECRET, prefix))
    summary = imported(wallet, "--import-passphrase-file", str(secret_file(tmp_path)), str(path))
    assert summary["imported"] == 3
    assert summary["sources"][0]["kind"] == "encrypted Learner Credential Wallet backup"


@pytest.mark.parametrize("escaped", [False, True])
def test_jwe_encrypted_wallet_backup(
    wallet: Run, tmp_path: Path, credentials: list[dict[str, object]], escaped: bool
) -> None:
    text = encrypted_wallet(wallet_backup(credentials), SECRET, iterations=2000)
    if escaped:
        # The same JSON with its type spelt "\u0045ncryptedWallet": import looks for the name
        # before parsing a file in full, and must still recognise the backup.
        assert text.count('"EncryptedWallet"') == 1
        text = text.replace('"EncryptedWallet"', '"\\u0045ncryptedWallet"')
        assert "EncryptedWallet" not in text
    path = write(tmp_path, text)
    summary = imported(wallet, "--import-passphrase-file", str(secret_file(tmp_path)), str(path))
    assert summary["imported"] == 3
    assert summary["sources"][0]["kind"] == "encrypted Learner Credential Wallet backup"


@pytest.mark.parametrize("lock", ["cryptojs", "jwe"])
def test_wrong_passphrase_is_one_line_and_stores_nothing(
    wallet: Run, tmp_path: Path, credentials: list[dict[str, object]], lock: str
) -> None:
    text = wallet_backup(credentials)
    locked = (
        cryptojs_locked(text, SECRET)
        if lock == "cryptojs"
        else encrypted_wallet(text, SECRET, iterations=2000)
    )
    path = write(tmp_path, locked)
    result = wallet(
        "import", "--import-passphrase-file", str(secret_file(tmp_path, "wrong")), str(path)
    )
    assert result.exit_code == 7
    assert "wrong passphrase" in result.output
    assert "Traceback" not in result.output
    assert SECRET not in result.output
    assert shown(wallet) == []


def test_locked_backup_without_a_passphrase_source_is_refused(
    wallet: Run, tmp_path: Path, credentials: list[dict[str, object]]
) -> None:
    path = write(tmp_path, cryptojs_locked(wallet_backup(credentials), SECRET))
    result = wallet("import", str(path))
    assert result.exit_code != 0
    assert "--import-passphrase-file" in result.output
    assert shown(wallet) == []
