"""The foundation through the command line: init, passphrases, sessions, import, show, tags."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from cli_support import PASSPHRASE, Run

from credwallet.errors import ExitCode
from support import EXAMPLES


def _ids(run: Run, passphrase: str = PASSPHRASE) -> list[str]:
    result = run("show", "--json", passphrase=passphrase)
    assert result.exit_code == 0, result.output
    return [c["id"] for c in json.loads(result.stdout)["credentials"]]


class TestInit:
    def test_init_creates_private_home_and_prints_did(self, run: Run, home: Path) -> None:
        """init makes a 0700 home with 0600 files and reports a did:key holder."""
        result = run("init")
        assert result.exit_code == 0, result.output
        assert "did:key:z6Mk" in result.stderr
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        files = [p for p in home.rglob("*") if p.is_file()]
        assert files
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path

    def test_init_twice_refuses(self, wallet: Run) -> None:
        """A second init never overwrites the existing wallet."""
        result = wallet("init")
        assert result.exit_code == ExitCode.ERROR
        assert "already exists" in result.stderr

    def test_whoami_matches_init(self, run: Run) -> None:
        """whoami prints the same holder DID that init reported."""
        created = json.loads(run("init", "--json").stdout)["holder"]
        assert run("whoami").stdout.strip() == created


class TestPassphrase:
    def test_no_wallet_is_said_before_any_passphrase_is_asked(
        self, run: Run, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With no wallet, whoami says so: no prompt on a terminal, no passphrase file read."""
        import credwallet.cli._unlock as unlock

        def no_prompt(label: str) -> str:
            raise AssertionError(f"asked for {label}")

        monkeypatch.setattr(unlock, "_interactive", lambda: True)
        monkeypatch.setattr(unlock, "_prompt", no_prompt)
        for extra, passphrase in (((), None), (("--passphrase-file", "/nonexistent"), None)):
            result = run(*extra, "whoami", passphrase=passphrase)
            assert result.exit_code == ExitCode.WALLET, result.output
            assert result.stderr.strip() == (
                f"credwallet: error: no wallet at {home}; create one with `credwallet init`"
            )
        assert not home.exists()

    def test_no_source_and_no_terminal_fails_at_once(self, wallet: Run) -> None:
        """Without any passphrase source and no terminal the command exits 5, never waits."""
        result = wallet("show", passphrase=None)
        assert result.exit_code == ExitCode.WALLET
        assert "no passphrase" in result.stderr

    def test_wrong_passphrase_is_one_opaque_message(self, wallet: Run) -> None:
        """A wrong passphrase gives exit 5 and the opaque message, no detail."""
        result = wallet("show", passphrase="not the passphrase")
        assert result.exit_code == ExitCode.WALLET
        assert result.stderr.strip() == "credwallet: error: wrong passphrase or damaged wallet"

    def test_passphrase_file_is_read(self, wallet: Run, tmp_path: Path) -> None:
        """--passphrase-file takes the first line (the trailing newline is not part of it)."""
        secret = tmp_path / "pass.txt"
        secret.write_text(PASSPHRASE + "\n")
        secret.chmod(0o600)
        result = wallet("--passphrase-file", str(secret), "show", "--json", passphrase=None)
        assert result.exit_code == 0, result.output

    def test_passwd_replaces_the_passphrase(self, wallet: Run, tmp_path: Path) -> None:
        """After passwd the old passphrase fails and the new one opens the same wallet."""
        wallet("import", str(EXAMPLES))
        before = _ids(wallet)
        new = tmp_path / "new.txt"
        new.write_text("a much better passphrase\n")
        new.chmod(0o600)
        assert wallet("passwd", "--new-passphrase-file", str(new)).exit_code == 0
        assert wallet("show").exit_code == ExitCode.WALLET
        assert _ids(wallet, passphrase="a much better passphrase") == before

    def test_passphrase_never_in_output(self, wallet: Run) -> None:
        """No command echoes the passphrase."""
        for args in (("show",), ("whoami",), ("import", str(EXAMPLES))):
            result = wallet(*args)
            assert PASSPHRASE not in result.output


class TestSessions:
    def test_unlock_then_commands_need_no_passphrase(self, wallet: Run) -> None:
        """A session token from unlock opens the wallet until lock."""
        result = wallet("unlock", "--for", "5m")
        assert result.exit_code == 0, result.output
        line = result.stdout.strip()
        assert line.startswith("export CREDWALLET_SESSION=")
        token = line.split("=", 1)[1]
        env = {"CREDWALLET_SESSION": token}
        assert wallet("show", "--json", passphrase=None, env=env).exit_code == 0
        assert wallet("lock", passphrase=None, env=env).exit_code == 0
        after = wallet("show", passphrase=None, env=env)
        assert after.exit_code == ExitCode.WALLET

    def test_forged_token_is_refused(self, wallet: Run) -> None:
        """A token that was never issued opens nothing."""
        env = {"CREDWALLET_SESSION": "0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}
        result = wallet("show", passphrase=None, env=env)
        assert result.exit_code == ExitCode.WALLET

    @pytest.mark.parametrize("duration", ["0m", "13h", "soon"])
    def test_bad_duration_is_a_usage_error(self, wallet: Run, duration: str) -> None:
        """unlock --for accepts positive durations up to 12 hours."""
        assert wallet("unlock", "--for", duration).exit_code == ExitCode.USAGE


class TestImportAndShow:
    def test_import_examples_and_list_them(self, wallet: Run) -> None:
        """The example badges (JSON, JWT, PNG, SVG) import and list with the documented keys."""
        result = wallet("import", str(EXAMPLES), "--json")
        assert result.exit_code == 0, result.output
        summary = json.loads(result.stdout)
        assert summary["imported"] >= 4 and summary["failed"] == 0
        listing = json.loads(wallet("show", "--json").stdout)
        assert set(listing) == {"credentials", "pathways"}
        containers = {c["container"] for c in listing["credentials"]}
        assert {"json", "jwt", "png", "svg"} <= containers
        for cred in listing["credentials"]:
            assert {
                "id",
                "credential_id",
                "format",
                "name",
                "issuer",
                "issued",
                "expires",
                "status",
                "tags",
            } <= set(cred)
            assert set(cred["issuer"]) == {"id", "name", "registered_name", "trust"}

    def test_reimport_finds_duplicates(self, wallet: Run) -> None:
        """Importing the same folder twice stores nothing new."""
        first = json.loads(wallet("import", str(EXAMPLES), "--json").stdout)
        second = json.loads(wallet("import", str(EXAMPLES), "--json").stdout)
        assert second["imported"] == 0
        assert second["duplicates"] == first["imported"]
        assert len(_ids(wallet)) == first["imported"]

    def test_show_one_by_unique_prefix(self, wallet: Run) -> None:
        """Any unique prefix of a wallet id opens that credential."""
        wallet("import", str(EXAMPLES))
        full = _ids(wallet)[0]
        result = wallet("show", full[:6], "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["id"] == full

    def test_unknown_id_is_not_found(self, wallet: Run) -> None:
        """An id that matches nothing exits 6."""
        assert wallet("show", "ffffffffffff").exit_code == ExitCode.NOT_FOUND

    def test_bad_file_fails_cleanly_and_keeps_the_rest(self, wallet: Run, tmp_path: Path) -> None:
        """A truncated file is reported with exit 7; what was stored before stays."""
        wallet("import", str(EXAMPLES))
        before = _ids(wallet)
        bad = tmp_path / "truncated.json"
        bad.write_text('{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": [')
        result = wallet("import", str(bad))
        assert result.exit_code == ExitCode.BAD_INPUT
        assert "Traceback" not in result.output
        assert sorted(_ids(wallet)) == sorted(before)

    def test_stdin_import(self, wallet: Run) -> None:
        """`import -` reads one credential from standard input."""
        data = next(EXAMPLES.glob("*.json")).read_bytes()
        result = wallet("import", "-", "--json", stdin=data)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["imported"] == 1

    def test_fifo_is_refused_without_blocking(self, wallet: Run, tmp_path: Path) -> None:
        """A FIFO given as input is refused at once instead of waiting for a writer."""
        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)
        result = wallet("import", str(fifo))
        assert result.exit_code == ExitCode.BAD_INPUT
        assert "not a regular file" in result.stderr


class TestTagsAndFilters:
    def test_tag_untag_and_filter(self, wallet: Run) -> None:
        """Tags added by the user filter the listing and can be removed."""
        wallet("import", str(EXAMPLES))
        first = _ids(wallet)[0]
        assert wallet("tag", first[:8], "résumé", "2026").exit_code == 0
        tagged = json.loads(wallet("show", "--tag", "résumé", "--json").stdout)["credentials"]
        assert [c["id"] for c in tagged] == [first]
        assert wallet("untag", first[:8], "résumé").exit_code == 0
        assert json.loads(wallet("show", "--tag", "résumé", "--json").stdout)["credentials"] == []

    def test_search_and_status_filters(self, wallet: Run) -> None:
        """--search finds by name; --status narrows by verification status."""
        wallet("import", str(EXAMPLES))
        found = json.loads(wallet("show", "--search", "sql", "--json").stdout)["credentials"]
        assert found and all("sql" in c["name"].lower() for c in found)
        every = json.loads(wallet("show", "--json").stdout)["credentials"]
        for status in {c["state"] for c in every}:
            subset = json.loads(wallet("show", "--status", status, "--json").stdout)["credentials"]
            assert {c["state"] for c in subset} == {status}
        failed = json.loads(wallet("show", "--status", "invalid", "--json").stdout)["credentials"]
        assert {c["status"] for c in failed} == {"invalid"}
        assert {c["state"] for c in failed} == {
            c["state"] for c in every if c["status"] == "invalid"
        }

    def test_bad_sort_key_is_a_usage_error(self, wallet: Run) -> None:
        """An unknown --sort key exits 2 and names the valid ones."""
        result = wallet("show", "--sort", "colour")
        assert result.exit_code == ExitCode.USAGE
        assert "issued" in result.stderr


class TestAtRest:
    def test_nothing_readable_under_the_home(self, wallet: Run, home: Path) -> None:
        """No credential name, issuer or id appears in any file of the wallet."""
        wallet("import", str(EXAMPLES))
        listing = json.loads(wallet("show", "--json").stdout)["credentials"]
        needles = set()
        for cred in listing:
            needles |= {
                cred["name"],
                cred["issuer"]["name"],
                cred["issuer"]["id"],
                cred["credential_id"],
            }
        needles.discard(None)
        blob = b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())
        for needle in needles:
            assert needle.encode() not in blob, needle
            assert needle.encode("utf-16-le") not in blob, needle
