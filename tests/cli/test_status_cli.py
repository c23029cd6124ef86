"""`credwallet status`, `cache add did:web:...`: the everyday facts and conveniences."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cli_support import Run

from credwallet.errors import ExitCode
from credwallet.wallet.status import clock_facts

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class TestStatus:
    def test_counts_by_state_and_facts(self, wallet: Run) -> None:
        """With a passphrase available, status counts credentials by state; never prompts."""
        wallet("import", str(EXAMPLES), "--offline")
        body = json.loads(wallet("status", "--json").stdout)
        assert body["credentials"] == {"total": 5, "states": {"expired": 1, "valid": 4}}
        assert body["wallet"]["exists"] is True and body["wallet"]["unlocked"] is False
        assert body["kdf"]["algorithm"] in {"argon2id", "scrypt"}
        assert body["clock"]["ok"] is True
        assert body["contexts"]["shipped"] in {True, False}

    def test_locked_without_a_passphrase(self, wallet: Run) -> None:
        """No session and no passphrase: status still answers, counts unknown, exit 0."""
        result = wallet("status", "--json", passphrase=None)
        assert result.exit_code == ExitCode.OK, result.output
        body = json.loads(result.stdout)
        assert body["credentials"]["states"] is None
        assert body["wallet"]["opened"] is False

    def test_session_shows_until_when(self, wallet: Run) -> None:
        """Inside an unlock session, status says unlocked and until when."""
        token = json.loads(wallet("unlock", "--json").stdout)["session"]
        result = wallet("status", "--json", passphrase=None, env={"CREDWALLET_SESSION": token})
        body = json.loads(result.stdout)
        assert body["wallet"]["unlocked"] is True
        expires = datetime.fromisoformat(body["wallet"]["session_expires"].replace("Z", "+00:00"))
        assert expires > datetime.now(UTC)
        assert body["credentials"]["total"] == 0

    def test_no_wallet_is_not_an_error(self, run: Run, home: Path) -> None:
        """Status of a home with no wallet says so and creates nothing."""
        result = run("status")
        assert result.exit_code == ExitCode.OK, result.output
        assert "credwallet init" in result.stdout
        assert not home.exists()

    def test_followed_registries_with_their_age(self, wallet: Run, tmp_path: Path) -> None:
        """Each followed registry is listed with its name, fetch time and age in days."""
        from trust_support import legacy_registry

        assert json.loads(wallet("status", "--json").stdout)["registries"] == []
        path = tmp_path / "registry.json"
        path.write_text(json.dumps(legacy_registry("My File Registry", {"did:web:a.example": "A"})))
        assert wallet("trust", "add", str(path), "--offline").exit_code == 0
        (registry,) = json.loads(wallet("status", "--json").stdout)["registries"]
        assert registry["name"] == "My File Registry" and registry["loaded"] is True
        fetched = datetime.fromisoformat(registry["fetched_at"].replace("Z", "+00:00"))
        assert abs((datetime.now(UTC) - fetched).total_seconds()) < 3600
        assert registry["age_days"] == 0
        text = wallet("status").stdout
        assert "My File Registry: fetched" in text and "(0 days)" in text

    def test_registries_need_the_wallet_open(self, wallet: Run) -> None:
        """Locked, the registries are not known (null), and the view says how to see them."""
        result = wallet("status", "--json", passphrase=None)
        assert json.loads(result.stdout)["registries"] is None
        assert "unlock to list them" in wallet("status", passphrase=None).stdout

    def test_clock_behind_the_wallet_is_flagged(self) -> None:
        """A clock earlier than what the wallet recorded is not ok."""
        now = datetime(2026, 6, 1, tzinfo=UTC)
        assert clock_facts(now, now - timedelta(days=1))["ok"] is True
        late = clock_facts(now, now + timedelta(days=2))
        assert late["ok"] is False and "behind" in late["problems"][0]
        assert clock_facts(datetime(2001, 1, 1, tzinfo=UTC), None)["ok"] is False


class TestCacheDidWeb:
    def test_did_web_maps_to_its_document_url(self, wallet: Run, tmp_path: Path) -> None:
        """did:web:host[:path] is cached under its https did.json URL, as the spec maps it."""
        doc = tmp_path / "did.json"
        doc.write_text('{"id": "did:web:example.org"}')
        added = wallet("cache", "add", "did:web:example.org", str(doc))
        assert added.exit_code == 0, added.output
        wallet("cache", "add", "did:web:example.org%3A8443:users:alice#key-1", str(doc))
        urls = {d["url"] for d in json.loads(wallet("cache", "list", "--json").stdout)["documents"]}
        assert urls == {
            "https://example.org/.well-known/did.json",
            "https://example.org:8443/users/alice/did.json",
        }

    def test_other_schemes_are_refused(self, wallet: Run, tmp_path: Path) -> None:
        """A did:key or a file: URL is a usage error."""
        doc = tmp_path / "d.json"
        doc.write_text("{}")
        assert wallet("cache", "add", "did:key:z6Mk", str(doc)).exit_code == ExitCode.USAGE


class TestSuggestRoundTrip:
    def test_suggest_redirected_then_add(self, wallet: Run, tmp_path: Path) -> None:
        """`pathway suggest > f.toml` then `pathway add f.toml` adds the suggested pathway."""
        wallet("import", str(EXAMPLES), "--offline")
        suggested = wallet("pathway", "suggest")
        assert suggested.exit_code == 0, suggested.output
        target = tmp_path / "f.toml"
        target.write_text(suggested.stdout, "utf-8")
        added = wallet("pathway", "add", str(target))
        assert added.exit_code == 0, added.output
        listed = json.loads(wallet("pathway", "list", "--json").stdout)
        first = json.loads(wallet("pathway", "suggest", "--json").stdout)[0]["id"]
        assert [p["id"] for p in listed] == [first]

    def test_pick_chooses_one(self, wallet: Run) -> None:
        """--pick ID prints that suggestion; an unknown id is not found."""
        wallet("import", str(EXAMPLES), "--offline")
        ids = [s["id"] for s in json.loads(wallet("pathway", "suggest", "--json").stdout)]
        picked = wallet("pathway", "suggest", "--pick", ids[-1])
        assert f'id = "{ids[-1]}"' in picked.stdout
        assert wallet("pathway", "suggest", "--pick", "nope").exit_code == ExitCode.NOT_FOUND
