"""OB 2.0 documents at http:// URLs: never a crash; a copy the user cached is used.

OB 2.0 (2018) allows ``http`` ids and many early issuers used them. credwallet never fetches
plain http, so such a document is either in the cache (put there with ``credwallet cache add``)
or the check that needs it is ``unknown`` with the reason.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from test_ob2 import ob2_credential

from credwallet.models import CheckStatus, JSONObject, ReportStatus
from credwallet.net import Fetched, Fetcher, MemoryCache
from credwallet.verify.engine import VerifyOptions, verify_credential

NOW = datetime(2026, 6, 1, tzinfo=UTC)
ADDED = datetime(2026, 5, 30, tzinfo=UTC)
ISSUER = "http://old-issuer.example/profile.json"
BADGE = "http://old-issuer.example/badges/1.json"
ASSERTION = "http://old-issuer.example/assertions/1.json"
REVOCATIONS = "http://old-issuer.example/revocations.json"


def assertion() -> JSONObject:
    return {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": ASSERTION,
        "recipient": {"type": "email", "hashed": False, "identity": "learner@example.org"},
        "badge": BADGE,
        "issuedOn": "2019-01-01T00:00:00Z",
        "verification": {"type": "hosted"},
    }


def documents(revoked: list[object] | None = None) -> dict[str, JSONObject]:
    return {
        ASSERTION: assertion(),
        BADGE: {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "BadgeClass",
            "id": BADGE,
            "name": "Old Badge",
            "issuer": ISSUER,
        },
        ISSUER: {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Issuer",
            "id": ISSUER,
            "name": "Old Issuer",
            "revocationList": REVOCATIONS,
        },
        REVOCATIONS: {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "RevocationList",
            "id": REVOCATIONS,
            "issuer": ISSUER,
            "revokedAssertions": revoked or [],
        },
    }


def cached_fetcher(docs: dict[str, JSONObject], *, offline: bool = True) -> Fetcher:
    """net.Fetcher over a cache the user filled with `cache add` (never the network)."""
    entries = [Fetched(url, json.dumps(doc).encode(), ADDED, True) for url, doc in docs.items()]
    return Fetcher(cache=MemoryCache(entries), offline=offline)


def report_for(fetcher: Fetcher) -> dict[str, CheckStatus]:
    report = verify_credential(
        ob2_credential(assertion()), source="t", options=VerifyOptions(now=NOW, fetcher=fetcher)
    )
    assert "this is a bug" not in json.dumps(report.to_json())
    return {check.name: check.status for check in report.checks}


def test_revocation_list_at_http_not_cached_is_unknown() -> None:
    """The issuer's http:// revocationList is not fetched: revocation unknown, with the reason."""
    docs = documents()
    del docs[REVOCATIONS]
    fetcher = cached_fetcher(docs)
    report = verify_credential(
        ob2_credential(assertion()), source="t", options=VerifyOptions(now=NOW, fetcher=fetcher)
    )
    revocation = next(c for c in report.checks if c.name == "revocation")
    assert revocation.status is CheckStatus.UNKNOWN
    assert REVOCATIONS in revocation.detail and "not fetched" in revocation.detail
    assert report.status is ReportStatus.INDETERMINATE


def test_revocation_list_at_http_online_never_fetched() -> None:
    """Online, an http:// list is still never fetched (no socket: the URL is refused first)."""
    docs = documents()
    del docs[REVOCATIONS]
    statuses = report_for(cached_fetcher(docs, offline=False))
    assert statuses["revocation"] is CheckStatus.UNKNOWN


def test_user_cached_http_documents_are_used() -> None:
    """Every document of an http:// badge supplied with `cache add`: the badge verifies."""
    statuses = report_for(cached_fetcher(documents()))
    assert statuses["proof"] is CheckStatus.PASS
    assert statuses["revocation"] is CheckStatus.PASS


def test_user_cached_http_revocation_list_can_revoke() -> None:
    docs = documents(revoked=[{"id": ASSERTION, "revocationReason": "issued in error"}])
    statuses = report_for(cached_fetcher(docs))
    assert statuses["revocation"] is CheckStatus.FAIL


def test_http_badge_class_not_cached_is_unknown_not_a_crash() -> None:
    docs = documents()
    del docs[BADGE]
    statuses = report_for(cached_fetcher(docs))
    assert CheckStatus.UNKNOWN in statuses.values()
    assert statuses["proof"] is CheckStatus.PASS
