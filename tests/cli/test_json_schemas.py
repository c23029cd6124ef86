"""Every command's `--json` output matches its documented schema (docs/schemas, docs/json.md).

One wallet (the example badges, a pathway, a registry, a cached document, an identity) is
filled once; each command then runs with `--json` and its stdout is validated with the
`jsonschema` library. The schemas forbid undocumented top-level keys, so a new key fails here
until docs/json.md and the schema say what it means.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import PASSPHRASE
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from typer.testing import CliRunner, Result

from credwallet.cli._app import app
from credwallet.errors import ExitCode
from support import EXAMPLES

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCHEMAS = DOCS / "schemas"


def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        schema = json.loads(path.read_text("utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def validate(name: str, document: Any) -> None:
    """``document`` is valid against docs/schemas/NAME.schema.json (every error listed)."""
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text("utf-8"))
    validator = Draft202012Validator(schema, registry=REGISTRY, format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


class Wallet:
    def __init__(self, home: Path) -> None:
        self.home = home

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(
            app,
            ["--home", str(self.home), *args],
            env={"CREDWALLET_PASSPHRASE": PASSPHRASE, **(env or {})},
        )

    def json(self, name: str, *args: str, codes: tuple[int, ...] = (0,)) -> Any:
        """Run with --json, check the exit code, validate stdout against schema ``name``."""
        result = self(*args, "--json")
        assert result.exit_code in codes, (args, result.output)
        body = json.loads(result.stdout)
        validate(name, body)
        return body


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Wallet, dict[str, str]]]:
    from trust_support import legacy_registry

    base = tmp_path_factory.mktemp("schemas")
    wallet = Wallet(base / "wallet")
    validate("init", json.loads(wallet("init", "--json").stdout))
    imported = wallet.json("import", "import", str(EXAMPLES), "--offline")
    assert imported["imported"] == 5
    wallet.json("pathway-add", "pathway", "add", str(EXAMPLES / "pathways" / "data-analytics.toml"))
    registry = base / "registry.json"
    registry.write_text(json.dumps(legacy_registry("File Registry", {"did:web:a.example": "A"})))
    assert wallet("trust", "add", str(registry), "--offline").exit_code == 0
    did_doc = base / "did.json"
    did_doc.write_text('{"id": "did:web:example.org"}')
    assert wallet("cache", "add", "did:web:example.org", str(did_doc)).exit_code == 0
    assert wallet("identity", "add", "learner@example.org").exit_code == 0
    listing = json.loads(wallet("show", "--json").stdout)["credentials"]
    yield wallet, {c["name"]: c["id"] for c in listing}


class TestEveryCommand:
    def test_show_list_and_one(self, filled: tuple[Wallet, dict[str, str]]) -> None:
        wallet, ids = filled
        listing = wallet.json("show", "show")
        assert len(listing["credentials"]) == 5 and listing["pathways"]
        for wallet_id in ids.values():
            wallet.json("show-id", "show", wallet_id)

    def test_verify_and_explain(self, filled: tuple[Wallet, dict[str, str]]) -> None:
        wallet, ids = filled
        expired = ids["Spreadsheet Modelling"]
        both = (0, ExitCode.INVALID)
        assert len(wallet.json("verify", "verify", "--all", "--offline", codes=both)) == 5
        wallet.json("verify", "verify", ids["SQL for Data Analysis"], "--offline")
        wallet.json("verify", "verify", str(EXAMPLES / "cloud-practitioner.svg"), "--offline")
        (report,) = wallet.json("explain", "explain", expired, "--offline", codes=both)
        assert report["state"] == "expired"

    def test_check_and_status(self, filled: tuple[Wallet, dict[str, str]]) -> None:
        wallet, _ = filled
        check = wallet.json("check", "check", "--offline", codes=(0, 3, 4))
        assert check["checked"] == 5
        status = wallet.json("status", "status")
        assert status["credentials"]["total"] == 5 and status["registries"]
        locked = wallet("status", "--json", env={"CREDWALLET_PASSPHRASE": ""})
        validate("status", json.loads(locked.stdout))

    def test_pathways(self, filled: tuple[Wallet, dict[str, str]]) -> None:
        wallet, _ = filled
        wallet.json("pathway-show", "pathway", "show", "data-analytics")
        wallet.json("pathway-list", "pathway", "list")
        wallet.json("pathway-suggest", "pathway", "suggest")
        ctdl = EXAMPLES / "pathways" / "ctdl-data-analytics.json"
        wallet.json("pathway-import", "pathway", "import", str(ctdl))

    def test_lists_and_identity(self, filled: tuple[Wallet, dict[str, str]]) -> None:
        wallet, _ = filled
        assert wallet.json("trust-list", "trust", "list")["registries"]
        assert wallet.json("cache-list", "cache", "list")["documents"]
        assert wallet.json("identity-list", "identity", "list")["identities"]
        wallet.json("whoami", "whoami")
        wallet.json("unlock", "unlock")

    def test_share(self, filled: tuple[Wallet, dict[str, str]], tmp_path: Path) -> None:
        wallet, ids = filled
        chosen = ids["SQL for Data Analysis"]
        bundle = tmp_path / "b.zip"
        wallet.json("share-bundle", "share", "bundle", chosen, "-o", str(bundle))
        wallet.json("share-qr", "share", "qr", chosen)
        for fmt in ("linkedin", "markdown", "html"):
            wallet.json("share-resume", "share", "resume", "--format", fmt)

    def test_backup_restore_remove(
        self, filled: tuple[Wallet, dict[str, str]], tmp_path: Path
    ) -> None:
        wallet, ids = filled
        target = tmp_path / "w.age"
        secret = tmp_path / "pass.txt"
        secret.write_text(PASSPHRASE)
        secret.chmod(0o600)
        wallet.json("backup", "backup", "-o", str(target), "--backup-passphrase-file", str(secret))
        other = Wallet(tmp_path / "restored")
        other.json("restore", "restore", str(target), "--backup-passphrase-file", str(secret))
        other.json("remove", "remove", ids["Cloud Practitioner"], "--yes")


class TestReceive:
    def test_receive_from_a_local_exchanger(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """`receive --json` against the VC-API exchanger the exchange tests serve locally."""
        monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "exchange"))
        monkeypatch.setenv("CREDWALLET_ALLOW_LOOPBACK", "1")
        from vcapi_exchanger import running_exchanger

        wallet = Wallet(tmp_path / "wallet")
        assert wallet("init").exit_code == 0
        with running_exchanger() as exchanger:
            body = wallet.json("receive", "receive", exchanger.interaction_url, "--yes")
        assert body["imported"] == 1 and body["offer"]["protocol"] == "vc-api"
        wallet.json("receive-resume", "receive", "--resume")


class TestTheDocument:
    def test_every_schema_is_valid_and_named_in_json_md(self) -> None:
        """Each schema is a valid 2020-12 schema; docs/json.md links every one of them."""
        text = (DOCS / "json.md").read_text("utf-8")
        for path in sorted(SCHEMAS.glob("*.schema.json")):
            schema = json.loads(path.read_text("utf-8"))
            Draft202012Validator.check_schema(schema)
            assert schema["$id"].endswith("/" + path.name)
            assert f"schemas/{path.name}" in text, path.name

    def test_a_new_top_level_key_is_caught(self) -> None:
        """The schemas are strict at the top: an undocumented key fails validation."""
        with pytest.raises(AssertionError, match="Additional properties"):
            validate("whoami", {"holder": "did:key:z6Mk", "extra": 1})
        with pytest.raises(AssertionError, match="required"):
            validate("status", {"version": "1"})

    def test_check_of_a_damaged_store_keeps_the_shape(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The early exit of `check` (the store fails its own checks) prints every key too."""
        from credwallet.store import Store

        wallet = Wallet(tmp_path / "wallet")
        assert wallet("init").exit_code == 0
        monkeypatch.setattr(Store, "check", lambda self: ["the catalog does not match"])
        body = wallet.json("check", "check", "--offline", codes=(ExitCode.WALLET,))
        assert body["store_problems"] == ["the catalog does not match"]
        assert body["checked"] == 0 and body["states"] == {}
