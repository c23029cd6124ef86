"""The status a shared credential is shown with: forgery first, then revocation, then dates."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from share_helpers import NOW, OB3_DEGREE, OB3_EXPIRED, item

from credwallet.share.items import ShareStatus, share_status


class TestShareStatus:
    @pytest.mark.parametrize(
        ("checks", "expected"),
        [
            ({"proof": "pass", "validity": "pass"}, ShareStatus.VALID),
            ({"proof": "fail", "revocation": "fail"}, ShareStatus.FORGED),
            ({"issuer_key": "fail"}, ShareStatus.FORGED),
            ({"format": "fail"}, ShareStatus.INVALID),
            ({"proof": "pass", "revocation": "fail"}, ShareStatus.REVOKED),
            ({"proof": "pass", "validity": "fail"}, ShareStatus.EXPIRED),
            ({"proof": "pass", "revocation": "unknown"}, ShareStatus.INDETERMINATE),
        ],
    )
    def test_from_the_report(self, checks: dict[str, str], expected: ShareStatus) -> None:
        """Each report outcome maps to the status a recipient should see."""
        assert share_status(item(OB3_DEGREE, **checks), NOW) is expected

    def test_optional_check_failure_is_not_invalid(self) -> None:
        """A failed non-required check (trust) does not make a credential invalid."""
        from credwallet.models import Check, CheckStatus

        shared = item(OB3_DEGREE)
        assert shared.report is not None
        report = dataclasses.replace(
            shared.report,
            checks=(*shared.report.checks, Check("trust", CheckStatus.FAIL, required=False)),
        )
        assert share_status(dataclasses.replace(shared, report=report), NOW) is ShareStatus.VALID

    def test_no_report_is_unverified(self) -> None:
        """A credential never verified is labelled so."""
        assert share_status(dataclasses.replace(item(OB3_DEGREE), report=None), NOW) is (
            ShareStatus.UNVERIFIED
        )

    def test_dates_are_rechecked_at_share_time(self) -> None:
        """A report older than the expiry does not hide it; a future start shows too."""
        assert share_status(item(OB3_EXPIRED), NOW) is ShareStatus.EXPIRED
        shared = item(OB3_DEGREE)
        early = datetime(2009, 6, 1, tzinfo=UTC)
        assert share_status(shared, early) is ShareStatus.NOT_YET_VALID
        assert share_status(shared, datetime(2031, 1, 1, tzinfo=UTC)) is ShareStatus.EXPIRED

    def test_revocation_outranks_expiry(self) -> None:
        """A revoked credential that has also expired is shown as revoked."""
        shared = item(OB3_EXPIRED, proof="pass", revocation="fail", validity="fail")
        assert share_status(shared, NOW) is ShareStatus.REVOKED
