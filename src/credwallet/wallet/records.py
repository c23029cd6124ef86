"""What a stored credential record holds, and its (versioned) serialisation.

The store seals these bytes; this module only decides their shape. The original bytes are kept
exactly as received, so a re-parse with a newer credwallet always starts from the truth.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from credwallet.errors import DamagedWallet
from credwallet.models import JSONObject, VerificationReport

__all__ = ["CredentialRecord"]

RECORD_VERSION = 1


@dataclass(frozen=True, slots=True)
class CredentialRecord:
    original: bytes = field(repr=False)
    source: str
    imported_at: datetime
    tags: tuple[str, ...] = ()
    report: VerificationReport | None = None
    # OB 2.0 only: the BadgeClass (with its Issuer embedded) and, for a badge known only by
    # its URL, the hosted assertion, as resolved at import or by a later verify. Optional in
    # the record ("badge_info"), so records written before it existed still read.
    badge_info: JSONObject | None = None
    # The same credential received in other containers (a VC-JWT of a JSON credential, the
    # baked image of a JSON badge): each original kept as received, with where it came from.
    # Optional ("copies"), like badge_info.
    copies: tuple[JSONObject, ...] = ()
    # SHA-256 hex of the credential's content without its proof (see wallet.core.content_key),
    # kept so that finding the same credential in another container needs no re-parsing.
    content_key: str | None = None
    # The parsed credential as JSON (wallet.views), so that listing needs no re-parsing.
    # Optional ("view"): a record without one, or with one from other parsing code, is parsed.
    view: JSONObject | None = None

    def to_bytes(self) -> bytes:
        body: dict[str, Any] = {
            "v": RECORD_VERSION,
            "original": base64.b64encode(self.original).decode("ascii"),
            "source": self.source,
            "imported_at": self.imported_at.isoformat(),
            "tags": list(self.tags),
            "report": self.report.to_json() if self.report else None,
        }
        if self.badge_info is not None:
            body["badge_info"] = self.badge_info
        if self.copies:
            body["copies"] = list(self.copies)
        if self.content_key is not None:
            body["content_key"] = self.content_key
        if self.view is not None:
            body["view"] = self.view
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> CredentialRecord:
        try:
            body = json.loads(data)
            if body.get("v") != RECORD_VERSION:
                raise DamagedWallet("a credential record has an unknown version")
            report = VerificationReport.from_json(body["report"]) if body.get("report") else None
            return cls(
                original=base64.b64decode(body["original"], validate=True),
                source=str(body["source"]),
                imported_at=datetime.fromisoformat(body["imported_at"]),
                tags=tuple(str(t) for t in body.get("tags", [])),
                report=report,
                badge_info=_object_or_none(body.get("badge_info")),
                copies=tuple(c for c in body.get("copies", []) if isinstance(c, dict)),
                content_key=body.get("content_key")
                if isinstance(body.get("content_key"), str)
                else None,
                view=_object_or_none(body.get("view")),
            )
        except DamagedWallet:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            raise DamagedWallet("a credential record is malformed") from exc

    def with_tags(self, tags: tuple[str, ...]) -> CredentialRecord:
        return replace(self, tags=tags)

    def with_report(self, report: VerificationReport | None) -> CredentialRecord:
        return replace(self, report=report)

    def with_view(self, view: JSONObject | None) -> CredentialRecord:
        return replace(self, view=view)

    def with_badge_info(self, badge_info: JSONObject | None) -> CredentialRecord:
        return replace(self, badge_info=badge_info)

    @property
    def originals(self) -> list[bytes]:
        """Every original held for this credential: the first one received, then the copies."""
        return [self.original] + [
            base64.b64decode(c["original"])
            for c in self.copies
            if isinstance(c.get("original"), str)
        ]

    def with_copy(
        self, original: bytes, *, container: str, source: str, at: datetime
    ) -> CredentialRecord:
        """Add another container's original; unchanged if these exact bytes are held."""
        if original in self.originals:
            return self
        entry: JSONObject = {
            "original": base64.b64encode(original).decode("ascii"),
            "container": container,
            "source": source,
            "imported_at": at.isoformat(),
        }
        return replace(self, copies=(*self.copies, entry))


def _object_or_none(value: object) -> JSONObject | None:
    return value if isinstance(value, dict) else None
