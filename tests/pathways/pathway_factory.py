"""Builders for held credentials and verification reports used by the pathway tests."""

from __future__ import annotations

from datetime import UTC, datetime

from credwallet.models import (
    Achievement,
    Alignment,
    Check,
    CheckStatus,
    Container,
    Credential,
    CredentialFormat,
    Party,
    ReportStatus,
    VerificationReport,
)
from credwallet.pathways.model import HeldCredential

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ISSUER = "did:web:credentials.northbridge.example"
ISSUER_NAME = "Northbridge Institute of Technology"
ACH = "https://credentials.northbridge.example/achievements/"

_CHECKS = ("format", "proof", "issuer-key", "validity", "revocation")


def report(status: str = "valid", **overrides: CheckStatus) -> VerificationReport:
    """A report whose checks all pass, except those overridden (e.g. validity=FAIL)."""
    checks = []
    for name in _CHECKS:
        outcome = overrides.get(name.replace("-", "_"), CheckStatus.PASS)
        if status == "invalid" and name == "proof" and not overrides:
            outcome = CheckStatus.FAIL
        if status == "indeterminate" and name == "revocation" and not overrides:
            outcome = CheckStatus.UNKNOWN
        checks.append(Check(name=name, status=outcome))
    return VerificationReport(source="test", format="ob3", checks=tuple(checks), checked_at=NOW)


def held(
    wallet_id: str,
    *,
    achievement: str | None = None,
    name: str | None = None,
    issuer: str = ISSUER,
    issuer_name: str = ISSUER_NAME,
    tags: tuple[str, ...] = (),
    alignments: tuple[Alignment, ...] = (),
    related: tuple[str, ...] = (),
    achievement_type: str | None = None,
    credits: float | None = None,
    credits_earned: float | None = None,
    issued: datetime | None = datetime(2026, 3, 1, tzinfo=UTC),
    valid_until: datetime | None = None,
    status: ReportStatus = ReportStatus.VALID,
    checks: VerificationReport | None = None,
) -> HeldCredential:
    """A held credential; the achievement id defaults to one derived from the wallet id."""
    ach_id = achievement if achievement is not None else ACH + wallet_id
    cred = Credential(
        format=CredentialFormat.OB3,
        container=Container.JSON,
        original=b"{}",
        document={},
        credential_id=f"urn:uuid:{wallet_id}",
        name=name or wallet_id,
        issuer=Party(id=issuer, name=issuer_name),
        achievement=Achievement(
            id=ach_id,
            name=name or wallet_id,
            achievement_type=achievement_type,
            alignments=alignments,
            related=related,
            credits_available=credits,
            tags=tags,
        ),
        tags=tags,
        issued=issued,
        valid_until=valid_until,
        credits_earned=credits_earned,
    )
    rep = checks
    if rep is None:
        rep = report(str(status)) if status is not ReportStatus.UNVERIFIED else None
    return HeldCredential(
        wallet_id=wallet_id, credential=cred, status=status, report=rep, tags=tags
    )


def expired(wallet_id: str, **kwargs: object) -> HeldCredential:
    """A credential that is invalid only because it expired."""
    return held(
        wallet_id,
        valid_until=datetime(2026, 1, 1, tzinfo=UTC),
        status=ReportStatus.INVALID,
        checks=report("invalid", validity=CheckStatus.FAIL),
        **kwargs,  # type: ignore[arg-type]  # test helper: keyword pass-through
    )


def revoked(wallet_id: str, **kwargs: object) -> HeldCredential:
    """A credential whose revocation check failed."""
    return held(
        wallet_id,
        status=ReportStatus.INVALID,
        checks=report("invalid", revocation=CheckStatus.FAIL),
        **kwargs,  # type: ignore[arg-type]  # test helper: keyword pass-through
    )


def pending(wallet_id: str, **kwargs: object) -> HeldCredential:
    """A credential whose verification could not be completed."""
    return held(
        wallet_id,
        status=ReportStatus.INDETERMINATE,
        checks=report("indeterminate"),
        **kwargs,  # type: ignore[arg-type]  # test helper: keyword pass-through
    )
