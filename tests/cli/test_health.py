"""`credwallet check` for cron: only what changed since the last run alerts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from cli_support import Run

from credwallet.errors import ExitCode
from credwallet.models import (
    Check,
    CheckStatus,
    Container,
    Credential,
    CredentialFormat,
    VerificationReport,
)
from credwallet.wallet.health import assess
from credwallet.wallet.held import Held
from credwallet.wallet.records import CredentialRecord

NOW = datetime(2026, 6, 1, tzinfo=UTC)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BASE = (("format", "pass", ""), ("proof", "pass", ""), ("issuer-key", "pass", ""))


def report(*checks: tuple[str, str, str]) -> VerificationReport:
    return VerificationReport(
        "t", "ob3", tuple(Check(n, CheckStatus(s), d) for n, s, d in (*BASE, *checks)), NOW
    )


def held(previous: VerificationReport | None, wallet_id: str = "a" * 64) -> Held:
    credential = Credential(
        format=CredentialFormat.OB3,
        container=Container.JSON,
        original=b"{}",
        document={},
        name="Badge",
    )
    record = CredentialRecord(original=b"{}", source="t", imported_at=NOW, report=previous)
    return Held(wallet_id, credential, record, previous)


VALID = report(("validity", "pass", "in force"), ("revocation", "pass", "not revoked"))
EXPIRED = report(("validity", "fail", "expired on 2026-05-01"), ("revocation", "pass", ""))
HOST_DOWN = report(("validity", "pass", ""), ("revocation", "unknown", "host down"))
NO_SUITE = report(("validity", "pass", ""), ("proof", "unknown", "unsupported suite"))


class TestAssess:
    def test_newly_expired_alerts_once(self) -> None:
        """Valid last time, expired now: newly failed; expired both times: quiet."""
        first = assess([(held(VALID), EXPIRED)], now=NOW, days=30)
        assert [i.state.label for i in first.newly_failed] == ["expired on 2026-05-01"]
        again = assess([(held(EXPIRED), EXPIRED)], now=NOW, days=30)
        assert again.newly_failed == []

    def test_expired_then_revoked_alerts_again(self) -> None:
        """A change from one failed state to another is news too."""
        revoked = report(("validity", "pass", ""), ("revocation", "fail", "revoked by the issuer"))
        result = assess([(held(EXPIRED), revoked)], now=NOW, days=30)
        assert [i.state.name for i in result.newly_failed] == ["revoked"]

    def test_host_that_answered_before_is_transient(self) -> None:
        """Revocation passed last run and is unknown now: newly unreachable (exit 4)."""
        result = assess([(held(VALID), HOST_DOWN)], now=NOW, days=30)
        assert [i.reason for i in result.unreachable] == ["revocation: host down"]
        assert result.cannot_check == []

    def test_still_unreachable_is_quiet_unless_all(self) -> None:
        """Unknown both times: not repeated, but listed (as reported before) with --all."""
        assert assess([(held(HOST_DOWN), HOST_DOWN)], now=NOW, days=30).unreachable == []
        quiet = assess([(held(HOST_DOWN), HOST_DOWN)], now=NOW, days=30)
        assert quiet.cannot_check == []
        loud = assess([(held(HOST_DOWN), HOST_DOWN)], now=NOW, days=30, show_all=True)
        assert [i.new for i in loud.cannot_check] == [False]

    def test_permanent_condition_reported_once_without_alert(self) -> None:
        """A check that never had an answer is listed the first time, with no exit 4."""
        first = assess([(held(None), NO_SUITE)], now=NOW, days=30)
        assert first.unreachable == []
        assert [i.reason for i in first.cannot_check] == ["proof: unsupported suite"]
        assert assess([(held(NO_SUITE), NO_SUITE)], now=NOW, days=30).cannot_check == []

    def test_counts_by_state(self) -> None:
        """The summary counts every credential by its state."""
        result = assess([(held(VALID), VALID), (held(VALID, "b" * 64), EXPIRED)], now=NOW, days=30)
        assert result.counts == {"expired": 1, "valid": 1}
        assert result.to_json()["states"] == {"expired": 1, "valid": 1}


class TestCheckCommand:
    def test_kept_expired_badge_does_not_alert(self, wallet: Run) -> None:
        """An expired example imported as expired: check exits 0, every run, summary on stdout."""
        assert wallet("import", str(EXAMPLES), "--offline").exit_code == 0
        for _ in range(2):
            result = wallet("check", "--offline")
            assert result.exit_code == ExitCode.OK, result.output
            assert "5 credentials checked" in result.stdout
            assert "1 expired" in result.stdout

    def test_json_report_on_stdout(self, wallet: Run) -> None:
        """--json prints one document with every list, stable keys."""
        wallet("import", str(EXAMPLES), "--offline")
        result = wallet("check", "--offline", "--json", "--all")
        assert result.exit_code == ExitCode.OK, result.output
        body = json.loads(result.stdout)
        assert set(body) >= {
            "checked",
            "states",
            "newly_invalid",
            "unreachable",
            "cannot_check",
            "expiring",
            "store_problems",
            "advice",
        }
        assert body["states"]["expired"] == 1
