"""One state per credential: the word every view shows, decided from the verification report."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from credwallet.models import (
    Check,
    CheckStatus,
    Container,
    Credential,
    CredentialFormat,
    ReportStatus,
    VerificationReport,
)
from credwallet.verify.state import State, credential_state, parse_state

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def report(*checks: tuple[str, str, str]) -> VerificationReport:
    return VerificationReport(
        "test",
        "ob3",
        tuple(Check(name, CheckStatus(status), detail) for name, status, detail in checks),
        NOW,
    )


PASSING = (
    ("format", "pass", ""),
    ("proof", "pass", "eddsa-rdfc-2022"),
    ("issuer-key", "pass", "did:key"),
    ("validity", "pass", "valid from 2024-01-01"),
)


def with_check(name: str, status: str, detail: str) -> VerificationReport:
    kept = tuple(c for c in PASSING if c[0] != name)
    return report(*kept, (name, status, detail))


class TestStateFromReport:
    def test_all_pass_is_valid(self) -> None:
        """Every required check passing is valid, with no reason."""
        state = credential_state(report(*PASSING))
        assert (state.state, state.label, state.reason) == (State.VALID, "valid", "")
        assert state.status is ReportStatus.VALID

    def test_expired_carries_its_date(self) -> None:
        """An expired credential says since when: "expired on <date>"."""
        state = credential_state(
            with_check("validity", "fail", "expired on 2025-03-01 (validUntil)")
        )
        assert state.state is State.EXPIRED
        assert state.label == "expired on 2025-03-01"
        assert state.status is ReportStatus.INVALID

    def test_expired_with_a_time_of_day(self) -> None:
        """A precise expiry instant keeps its time."""
        state = credential_state(
            with_check("validity", "fail", "expired on 2025-01-09 16:23:24 UTC (exp)")
        )
        assert state.label == "expired on 2025-01-09 16:23:24 UTC"

    def test_not_yet_valid(self) -> None:
        """A credential whose window starts later is not yet valid, from its start date."""
        state = credential_state(
            with_check("validity", "fail", "not valid yet: valid from 2030-01-01 (validFrom)")
        )
        assert state.state is State.NOT_YET_VALID
        assert state.label == "not yet valid (from 2030-01-01)"

    def test_unreadable_date_is_invalid(self) -> None:
        """A date that cannot be read is a plain failure, not an expiry."""
        state = credential_state(with_check("validity", "fail", "validUntil 'soon' is not a date"))
        assert state.state is State.INVALID

    @pytest.mark.parametrize("name", ["proof", "issuer-key"])
    def test_proof_or_key_failure_is_forged(self, name: str) -> None:
        """A failed signature or a key not the issuer's is a forgery, whatever else failed."""
        checks = [c for c in PASSING if c[0] != name]
        checks += [
            (name, "fail", "signature does not match"),
            ("validity", "fail", "expired on 2020-01-01"),
        ]
        state = credential_state(
            report(*[c for c in checks if c[0] != "validity" or c[1] == "fail"])
        )
        assert state.state is State.FORGED
        assert state.description == f"forged: {name}: signature does not match"

    def test_revoked_outranks_expired(self) -> None:
        """Revoked by the issuer is said before expired."""
        state = credential_state(
            report(
                *PASSING[:3],
                ("validity", "fail", "expired on 2020-01-01"),
                ("revocation", "fail", "revoked by the issuer (status list x, index 3)"),
            )
        )
        assert state.state is State.REVOKED

    def test_suspended(self) -> None:
        """A suspension status list entry set is suspended, not revoked."""
        state = credential_state(
            report(
                *PASSING,
                ("revocation", "fail", "not revoked (list a); suspended by the issuer (list b)"),
            )
        )
        assert state.state is State.SUSPENDED

    def test_unusable_status_list_is_invalid(self) -> None:
        """A revocation check that failed for another reason does not claim a revocation."""
        state = credential_state(
            report(*PASSING, ("revocation", "fail", "status list unusable: bad bits (x)"))
        )
        assert state.state is State.INVALID

    def test_format_failure_is_invalid(self) -> None:
        """A malformed credential is invalid."""
        assert credential_state(with_check("format", "fail", "no issuer")).state is State.INVALID

    def test_unknown_is_not_fully_verified_with_reason(self) -> None:
        """An unknown required check gives "not fully verified" and why."""
        state = credential_state(report(*PASSING, ("revocation", "unknown", "host down")))
        assert state.state is State.NOT_FULLY_VERIFIED
        assert state.label == "not fully verified"
        assert state.description == "not fully verified: revocation: host down"

    def test_advice_does_not_change_the_state(self) -> None:
        """A failed non-required check (trust) leaves a valid credential valid."""
        base = report(*PASSING)
        advice = Check("trust", CheckStatus.FAIL, "unknown issuer", required=False)
        state = credential_state(VerificationReport("t", "ob3", (*base.checks, advice), NOW))
        assert state.state is State.VALID

    def test_no_report_is_unverified(self) -> None:
        """A credential stored without verification is not verified."""
        assert credential_state(None).state is State.UNVERIFIED
        assert credential_state(report()).label == "not verified"


class TestDatesAtNow:
    def credential(self, start: datetime | None, end: datetime | None) -> Credential:
        return Credential(
            format=CredentialFormat.OB3,
            container=Container.JSON,
            original=b"{}",
            document={},
            valid_from=start,
            valid_until=end,
        )

    def test_expiry_since_the_report_is_seen(self) -> None:
        """With the credential and a time, an old passing report does not hide an expiry."""
        cred = self.credential(None, datetime(2026, 1, 1, tzinfo=UTC))
        state = credential_state(report(*PASSING), credential=cred, now=NOW)
        assert state.label == "expired on 2026-01-01"

    def test_future_start(self) -> None:
        """A start after now is not yet valid."""
        cred = self.credential(datetime(2027, 1, 1, tzinfo=UTC), None)
        state = credential_state(report(*PASSING), credential=cred, now=NOW)
        assert state.state is State.NOT_YET_VALID

    def test_forgery_still_first(self) -> None:
        """Dates never hide a forgery."""
        cred = self.credential(None, datetime(2026, 1, 1, tzinfo=UTC))
        state = credential_state(with_check("proof", "fail", "bad"), credential=cred, now=NOW)
        assert state.state is State.FORGED


class TestParseState:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("valid", State.VALID),
            ("not yet valid", State.NOT_YET_VALID),
            ("not-yet-valid", State.NOT_YET_VALID),
            ("Not_Fully_Verified", State.NOT_FULLY_VERIFIED),
            ("indeterminate", State.NOT_FULLY_VERIFIED),
            ("forged", State.FORGED),
            ("colour", None),
        ],
    )
    def test_words_and_names(self, text: str, expected: State | None) -> None:
        """A filter accepts each state as a name or as words, and the old "indeterminate"."""
        assert parse_state(text) is expected

    def test_every_state_has_words_and_a_failed_flag(self) -> None:
        """Each state reads as words; only failures count as failed."""
        assert {s for s in State if s.failed} == {
            State.EXPIRED,
            State.NOT_YET_VALID,
            State.REVOKED,
            State.SUSPENDED,
            State.FORGED,
            State.INVALID,
        }
        assert all(s.words and "-" not in s.words for s in State)
