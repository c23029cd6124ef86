"""A credential as the wallet holds it: the parsed view, the record, and its current status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from credwallet.models import Credential, ReportStatus, VerificationReport
from credwallet.verify.state import CredentialState, credential_state
from credwallet.wallet.records import CredentialRecord

__all__ = ["Held"]


def _iso(value: object) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return None


@dataclass(frozen=True, slots=True)
class Held:
    wallet_id: str
    credential: Credential
    record: CredentialRecord
    report: VerificationReport | None  # the stored report, refreshed for time-based checks
    # Shared by an OB 2.0 badge and its linked OB 3.0 re-issue (see wallet.groups); None alone.
    achievement_group: str | None = None

    @property
    def status(self) -> str:
        return str(self.report.status) if self.report else str(ReportStatus.UNVERIFIED)

    @property
    def state(self) -> CredentialState:
        """The one state shown everywhere (the report is already re-judged for today)."""
        return credential_state(self.report)

    @property
    def tags(self) -> tuple[str, ...]:
        """The user's own tags first, then the credential's, without repeats."""
        seen: dict[str, None] = {}
        for tag in (*self.record.tags, *self.credential.tags):
            seen.setdefault(tag, None)
        return tuple(seen)

    @property
    def registered_issuer_name(self) -> str | None:
        """The issuer's name from a registry you follow (or your own pin), when the last
        verification found one; ``credential.issuer.name`` is only what the issuer claims."""
        from credwallet.verify.trust import registered_name

        return registered_name(self.report) if self.report else None

    def issuer_json(self) -> dict[str, Any]:
        """``name`` is the credential's own (claimed) issuer name; ``registered_name`` and
        ``trust`` (registered / self-chosen / unknown / blocked) come from the trust check."""
        from credwallet.verify.trust import issuer_trust

        cred = self.credential
        registered, trust = issuer_trust(self.report) if self.report else (None, None)
        return {
            "id": cred.issuer.id,
            "name": cred.issuer.name,
            "registered_name": registered,
            "trust": trust,
        }

    def summary_json(self) -> dict[str, Any]:
        cred = self.credential
        state = self.state  # decided once; its status is the report's (``status``)
        return {
            "id": self.wallet_id,
            "credential_id": cred.credential_id,
            "format": str(cred.format),
            "container": str(cred.container),
            # Every container this one credential was received in (one entry for all).
            "containers": [
                str(cred.container),
                *(str(c.get("container")) for c in self.record.copies),
            ],
            "name": cred.display_name,
            "issuer": self.issuer_json(),
            "issued": _iso(cred.issued or cred.valid_from),
            "expires": _iso(cred.valid_until),
            "status": str(state.status),
            **state.to_json(),
            "tags": list(self.tags),
            "achievement_group": self.achievement_group,
        }

    def detail_json(self) -> dict[str, Any]:
        cred = self.credential
        ach = cred.achievement
        body = self.summary_json()
        body.update(
            {
                "description": cred.description or (ach.description if ach else None),
                "subject": {"id": cred.subject.id, "name": cred.subject.name},
                "achievement": None
                if ach is None
                else {
                    "id": ach.id,
                    "name": ach.name,
                    "type": ach.achievement_type,
                    "criteria": ach.criteria,
                    "credits_available": ach.credits_available,
                    "alignments": [
                        {
                            "target_name": a.target_name,
                            "target_url": a.target_url,
                            "target_code": a.target_code,
                            "target_framework": a.target_framework,
                        }
                        for a in ach.alignments
                    ],
                    "related": list(ach.related),
                },
                "valid_from": _iso(cred.valid_from),
                "credits_earned": cred.credits_earned,
                "public_url": cred.public_url,
                "evidence": [
                    {"id": e.id, "name": e.name, "narrative": e.narrative} for e in cred.evidence
                ],
                "source": self.record.source,
                "copies": [
                    {
                        "container": c.get("container"),
                        "source": c.get("source"),
                        "imported_at": c.get("imported_at"),
                    }
                    for c in self.record.copies
                ],
                "imported_at": _iso(self.record.imported_at),
                "verification": self.report.to_json() if self.report else None,
            }
        )
        return body
