"""An Open Badges 3.0 / CLR 2.0 credential without the Open Badges @context is malformed
(issue 11: "an OB 3.0 or VC @context that is not the required one" fails `format`)."""

from __future__ import annotations

from typing import Any

import pytest
from verify_support import statuses, verify

from credwallet.models import ReportStatus
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.jwt import sign_vc_jwt
from credwallet.verify.keys import SigningKey
from support import welding_badge

KEY = SigningKey.generate("Ed25519")
V2 = "https://www.w3.org/ns/credentials/v2"


def credential(contexts: list[str], kind: str = "OpenBadgeCredential") -> dict[str, Any]:
    return welding_badge(KEY.did_key, contexts=contexts, kind=kind)


class TestMissingOpenBadgesContext:
    @pytest.mark.parametrize(
        "kind",
        ["OpenBadgeCredential", "AchievementCredential", "EndorsementCredential", "ClrCredential"],
    )
    @pytest.mark.parametrize(
        "contexts",
        [[V2], [V2, "https://college.example/contexts/badge.json"]],
        ids=["none", "other"],
    )
    def test_signed_but_malformed_fails_format(self, kind: str, contexts: list[str]) -> None:
        """The signature verifies (JCS needs no context), but the document is malformed."""
        report = verify(sign_document(credential(contexts, kind), suite="eddsa-jcs-2022", key=KEY))
        assert statuses(report)["proof"] == "pass"
        fmt = report.check("format")
        assert fmt is not None and fmt.status.value == "fail"
        assert "Open Badges 3.0 @context" in fmt.detail
        assert report.status is ReportStatus.INVALID

    def test_a_vc_jwt_without_it_fails_format(self) -> None:
        report = verify(sign_vc_jwt(credential([V2]), key=KEY))
        assert statuses(report)["format"] == "fail"


class TestOpenBadgesContexts:
    @pytest.mark.parametrize(
        "context",
        [
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        ],
    )
    def test_each_published_version_passes(self, context: str) -> None:
        report = verify(sign_document(credential([V2, context]), suite="eddsa-jcs-2022", key=KEY))
        assert statuses(report)["format"] == "pass"

    def test_a_plain_verifiable_credential_needs_no_open_badges_context(self) -> None:
        document = credential([V2], kind="ExampleCredential")
        report = verify(sign_document(document, suite="eddsa-jcs-2022", key=KEY))
        assert statuses(report)["format"] == "pass"
