"""`credwallet trust`: registries served from 127.0.0.1 and from files, pins and blocks.

A DCC known-registries list on a local server names a DCC legacy registry and an OpenID
Federation trust anchor (a real chain signed in the test). The registries are loaded by `trust
add`, stored sealed in the wallet, and every later verification reads them offline, "as of"
their fetch time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cli_support import PASSPHRASE, Run
from typer.testing import CliRunner

from credwallet.cli._app import app
from credwallet.exchange.serving import serving
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.keys import SigningKey
from trust_support import entity_configuration, legacy_registry, subordinate_statement

LOOPBACK = {"CREDWALLET_ALLOW_LOOPBACK": "1"}
NOW = datetime.now(UTC)


class Registries:
    """What the local server answers: path -> (status, body)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes]] = {}
        self.statements: dict[str, bytes] = {}
        self.requests: list[str] = []


def _handler(registries: Registries) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            registries.requests.append(self.path)
            parts = urlsplit(self.path)
            if parts.path == "/fetch":
                sub = parse_qs(parts.query).get("sub", [""])[0]
                status, body = (
                    (200, registries.statements[sub])
                    if sub in registries.statements
                    else (404, b"")
                )
            else:
                status, body = registries.routes.get(parts.path, (404, b"not here"))
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return

    return Handler


@pytest.fixture
def served() -> Iterator[tuple[str, Registries]]:
    registries = Registries()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(registries))
    with serving(server):
        yield f"http://127.0.0.1:{server.server_address[1]}", registries


def badge(key: SigningKey, n: int, claimed: str) -> dict[str, Any]:
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": key.did, "type": ["Profile"], "name": claimed},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": f"Badge {n}",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"https://issuer.example/achievements/{n}",
                "type": ["Achievement"],
                "name": f"Badge {n}",
                "criteria": {"narrative": "Did it."},
            },
        },
    }
    return sign_document(document, suite="eddsa-jcs-2022", key=key)


@pytest.fixture
def issuers() -> dict[str, SigningKey]:
    return {name: SigningKey.generate("Ed25519") for name in ("legacy", "federated", "stranger")}


@pytest.fixture
def held(wallet: Run, issuers: dict[str, SigningKey], tmp_path: Path) -> dict[str, str]:
    """Imports one badge per issuer; returns issuer name -> wallet id."""
    ids = {}
    for n, (name, key) in enumerate(issuers.items()):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(badge(key, n, f"Claimed {name}")))
        result = wallet("import", str(path), "--offline", "--json")
        assert result.exit_code == 0, result.output
        ids[name] = json.loads(result.stdout)["items"][0]["id"]
    return ids


def serve_registries(
    base: str, registries: Registries, issuers: dict[str, SigningKey]
) -> SigningKey:
    anchor = SigningKey.generate("Ed25519")
    anchor_id = base
    registries.routes["/known.json"] = (
        200,
        json.dumps(
            [
                {
                    "name": "Test Legacy Registry",
                    "type": "dcc-legacy",
                    "url": f"{base}/registry.json",
                },
                {
                    "name": "Test Federation",
                    "type": "oidf",
                    "trustAnchorEC": f"{base}/.well-known/openid-federation",
                },
            ]
        ).encode(),
    )
    registries.routes["/registry.json"] = (
        200,
        json.dumps(
            legacy_registry("Test Legacy Registry", {issuers["legacy"].did: "Legacy College"})
        ).encode(),
    )
    registries.routes["/.well-known/openid-federation"] = (
        200,
        entity_configuration(
            anchor, anchor_id, f"{base}/fetch", exp=NOW + timedelta(days=30), iat=NOW
        ).encode(),
    )
    registries.statements[issuers["federated"].did] = subordinate_statement(
        anchor,
        anchor_id,
        issuers["federated"].did,
        "Federated University",
        exp=NOW + timedelta(days=30),
        iat=NOW,
    ).encode()
    return anchor


def trust_of(run: Run, wallet_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(issuer block, trust check) of `show ID --json`."""
    result = run("show", wallet_id, "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    checks = {c["name"]: c for c in body["verification"]["checks"]}
    return body["issuer"], checks["trust"]


class TestRegistriesFromALocalServer:
    def test_registered_self_chosen_unknown_and_blocked(
        self,
        wallet: Run,
        held: dict[str, str],
        issuers: dict[str, SigningKey],
        served: tuple[str, Registries],
    ) -> None:
        base, registries = served
        serve_registries(base, registries, issuers)
        added = wallet("trust", "add", f"{base}/known.json", "--json", env=LOOPBACK)
        assert added.exit_code == 0, added.output
        loaded = json.loads(added.stdout)["registries"]
        assert [(r["name"], r["loaded"]) for r in loaded] == [
            ("Test Legacy Registry", True),
            ("Test Federation", True),
        ]
        # evaluated offline from what was stored
        verified = wallet("verify", "--all", "--offline", "--json")
        assert verified.exit_code == 0, verified.output
        issuer, check = trust_of(wallet, held["legacy"])
        assert issuer == {
            "id": issuers["legacy"].did,
            "name": "Claimed legacy",
            "registered_name": "Legacy College",
            "trust": "registered",
        }
        assert check["status"] == "pass" and "Test Legacy Registry" in check["detail"]
        issuer, check = trust_of(wallet, held["federated"])
        assert issuer["registered_name"] == "Federated University"
        assert check["inputs"]["registered by"] == "Test Federation"
        issuer, check = trust_of(wallet, held["stranger"])
        assert issuer["trust"] == "unknown" and issuer["registered_name"] is None
        assert check["status"] == "unknown" and check["required"] is False

        shown = wallet("show", held["legacy"])
        assert "Legacy College" in shown.stdout and "Claimed legacy" in shown.stdout

        assert (
            wallet("trust", "pin", issuers["stranger"].did, "--name", "My Employer").exit_code == 0
        )
        wallet("verify", held["stranger"], "--offline")
        issuer, _ = trust_of(wallet, held["stranger"])
        assert (issuer["trust"], issuer["registered_name"]) == ("self-chosen", "My Employer")

        assert wallet("trust", "block", issuers["stranger"].did, "--reason", "fake").exit_code == 0
        blocked = wallet("verify", held["stranger"], "--offline", "--json")
        assert blocked.exit_code == 3, blocked.output  # only a block makes it invalid
        issuer, check = trust_of(wallet, held["stranger"])
        assert issuer["trust"] == "blocked" and check["status"] == "fail"

        assert wallet("trust", "remove", issuers["stranger"].did).exit_code == 0
        assert wallet("verify", held["stranger"], "--offline").exit_code == 0

        listed = json.loads(wallet("trust", "list", "--json").stdout)
        assert [r["name"] for r in listed["registries"]] == [
            "Test Legacy Registry",
            "Test Federation",
        ]
        assert listed["pins"] == [] and listed["blocks"] == []

    def test_a_forged_federation_chain_is_not_registration(
        self,
        wallet: Run,
        held: dict[str, str],
        issuers: dict[str, SigningKey],
        served: tuple[str, Registries],
    ) -> None:
        base, registries = served
        serve_registries(base, registries, issuers)
        # a statement about the stranger, signed by someone who is not the anchor
        registries.statements[issuers["stranger"].did] = subordinate_statement(
            SigningKey.generate("Ed25519"),
            base,
            issuers["stranger"].did,
            "Forged U",
            exp=NOW + timedelta(days=30),
            iat=NOW,
        ).encode()
        assert wallet("trust", "add", f"{base}/known.json", env=LOOPBACK).exit_code == 0
        wallet("verify", "--all", "--offline")
        issuer, check = trust_of(wallet, held["stranger"])
        assert issuer["trust"] == "unknown" and issuer["registered_name"] is None
        assert "does not verify" in check["inputs"]["registry not loaded"]

    def test_update_refetches_and_offline_says_not_loaded(
        self,
        wallet: Run,
        held: dict[str, str],
        issuers: dict[str, SigningKey],
        served: tuple[str, Registries],
    ) -> None:
        base, registries = served
        serve_registries(base, registries, issuers)
        assert wallet("trust", "add", f"{base}/known.json", env=LOOPBACK).exit_code == 0
        before = json.loads(wallet("trust", "list", "--json").stdout)["registries"][0]["fetched_at"]
        # the registry drops the legacy issuer; `trust update` fetches it again
        registries.routes["/registry.json"] = (
            200,
            json.dumps(legacy_registry("Test Legacy Registry", {})).encode(),
        )
        updated = wallet("trust", "update", "--json", env=LOOPBACK)
        assert updated.exit_code == 0, updated.output
        after = json.loads(updated.stdout)["registries"][0]
        assert after["fetched_at"] >= before and after["error"] is None
        wallet("verify", held["legacy"], "--offline")
        issuer, check = trust_of(wallet, held["legacy"])
        assert issuer["trust"] == "unknown"
        assert check["inputs"]["not listed by"] == "Test Legacy Registry, Test Federation"
        # offline, an update keeps the stored copies and records why it could not refresh
        offline = wallet("trust", "update", "--offline", "--json")
        assert offline.exit_code == 0
        assert json.loads(offline.stdout)["registries"][0]["fetched_at"] == after["fetched_at"]


class TestFromFiles:
    def test_a_registry_file_needs_no_network(
        self, wallet: Run, held: dict[str, str], issuers: dict[str, SigningKey], tmp_path: Path
    ) -> None:
        path = tmp_path / "registry.json"
        path.write_text(
            json.dumps(
                legacy_registry("My File Registry", {issuers["legacy"].did: "Legacy College"})
            )
        )
        added = wallet("trust", "add", str(path), "--offline", "--json")
        assert added.exit_code == 0, added.output
        assert json.loads(added.stdout)["registries"][0]["name"] == "My File Registry"
        wallet("verify", held["legacy"], "--offline")
        issuer, _ = trust_of(wallet, held["legacy"])
        assert issuer["registered_name"] == "Legacy College"

    def test_a_list_whose_registries_cannot_be_fetched_says_not_loaded(
        self, wallet: Run, held: dict[str, str], tmp_path: Path
    ) -> None:
        path = tmp_path / "known.json"
        path.write_text(
            json.dumps(
                [
                    {
                        "name": "DCC Registry",
                        "type": "dcc-legacy",
                        "url": "https://registry.example/r.json",
                    }
                ]
            )
        )
        added = wallet("trust", "add", str(path), "--offline")
        assert added.exit_code == 0, added.output
        assert "registry not loaded" in added.output
        wallet("verify", held["legacy"], "--offline")
        _, check = trust_of(wallet, held["legacy"])
        assert check["status"] == "unknown"
        assert check["inputs"]["registry not loaded"].startswith("DCC Registry (")

    def test_garbage_is_bad_input(self, wallet: Run, tmp_path: Path) -> None:
        path = tmp_path / "nonsense.json"
        path.write_text('{"hello": "world"}')
        result = wallet("trust", "add", str(path), "--offline")
        assert result.exit_code == 7
        assert "Traceback" not in result.output

    def test_removing_what_is_not_there_is_not_found(self, wallet: Run) -> None:
        assert wallet("trust", "remove", "did:key:zNothing").exit_code == 6

    def test_the_settings_are_sealed_in_the_store(self, wallet: Run, home: Path) -> None:
        assert (
            wallet("trust", "pin", "did:key:zSecretIssuer", "--name", "Secret Employer").exit_code
            == 0
        )
        for file in home.rglob("*"):
            if file.is_file():
                assert b"zSecretIssuer" not in file.read_bytes()


class TestBackup:
    def test_trust_settings_travel_with_a_backup(self, wallet: Run, tmp_path: Path) -> None:
        """A restored wallet keeps its pins and blocks; merging twice keeps one record."""
        assert wallet("trust", "pin", "did:key:zPinned", "--name", "My Employer").exit_code == 0
        assert wallet("trust", "block", "did:key:zBlocked").exit_code == 0
        backup = tmp_path / "wallet.age"
        assert wallet("backup", "-o", str(backup)).exit_code == 0
        other = tmp_path / "restored"
        restored = CliRunner().invoke(
            app,
            ["--home", str(other), "restore", str(backup)],
            env={"CREDWALLET_PASSPHRASE": PASSPHRASE},
        )
        assert restored.exit_code == 0, restored.output
        listed = CliRunner().invoke(
            app,
            ["--home", str(other), "trust", "list", "--json"],
            env={"CREDWALLET_PASSPHRASE": PASSPHRASE},
        )
        settings = json.loads(listed.stdout)
        assert settings["pins"] == [{"issuer": "did:key:zPinned", "name": "My Employer"}]
        assert settings["blocks"] == [{"issuer": "did:key:zBlocked", "reason": ""}]
        for _ in range(2):
            merged = wallet("restore", str(backup), "--merge")
            assert merged.exit_code == 0, merged.output
        assert json.loads(wallet("trust", "list", "--json").stdout)["pins"] == settings["pins"]
