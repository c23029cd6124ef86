"""The sharing log: what was shared, when, with whom and how (``credwallet shared``).

One sealed ``shared`` record per act of sharing (a presentation sent to a verifier, a bundle,
PDF, QR code, résumé or presentation file written). Only metadata is kept: the time, the kind,
how it left (a file, the terminal, a protocol), who received it when known, the wallet ids of
the credentials and where the output went. Never a secret: no key, no token, no challenge, and a
verifier's endpoint only as its origin (exchange URLs are often single-use capabilities).
Records carry a random id, used as their dedup key, so a merged restore does not double them.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from credwallet.errors import BadInput

if TYPE_CHECKING:
    from credwallet.store import Store

__all__ = ["KIND_SHARED", "ShareEvent", "decode_event", "origin_of", "record_share", "shared_log"]

KIND_SHARED = "shared"
_VERSION = 1
_MAX_TEXT = 500


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL: where something went, without its path or query."""
    parts = urlsplit(url)
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return url.split("?", 1)[0][:_MAX_TEXT]


@dataclass(frozen=True, slots=True)
class ShareEvent:
    """One act of sharing.

    ``kind``: ``presentation`` (sent to a verifier by ``present``), ``presentation-file``,
    ``bundle``, ``pdf``, ``qr`` or ``resume``. ``how``: ``vc-api`` / ``openid4vp`` for a
    protocol, ``file`` or ``terminal`` for ``share``. ``recipient``: the verifier as shown to the
    user (or the domain a presentation file was bound to), None when unknown. ``output``: the
    file written, or the origin the presentation was posted to. ``detail``: a few words more
    (the verifier's answer, a résumé format).
    """

    at: datetime
    kind: str
    how: str
    credential_ids: tuple[str, ...]
    recipient: str | None = None
    output: str | None = None
    detail: str | None = None
    id: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "kind": self.kind,
            "how": self.how,
            "recipient": self.recipient,
            "credentials": list(self.credential_ids),
            "output": self.output,
            "detail": self.detail,
        }


def _text(value: object, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadInput(f"a shared record's {field} is not text")
    return value[:_MAX_TEXT]


def decode_event(payload: bytes) -> ShareEvent:
    """A stored record back as an event; :class:`BadInput` if it is not one."""
    try:
        data = json.loads(payload)
        at = datetime.fromisoformat(str(data["at"]).replace("Z", "+00:00"))
        ids = data["credentials"]
        if data.get("v") != _VERSION or not isinstance(ids, list) or at.tzinfo is None:
            raise ValueError
        return ShareEvent(
            at=at,
            kind=str(data["kind"]),
            how=str(data["how"]),
            credential_ids=tuple(str(i) for i in ids),
            recipient=_text(data.get("recipient"), "recipient"),
            output=_text(data.get("output"), "output"),
            detail=_text(data.get("detail"), "detail"),
            id=str(data["id"]),
        )
    except (ValueError, KeyError, TypeError, RecursionError):
        raise BadInput("a shared record is malformed") from None


def record_share(
    store: Store,
    kind: str,
    how: str,
    credential_ids: Sequence[str],
    *,
    recipient: str | None = None,
    output: str | None = None,
    detail: str | None = None,
    now: datetime | None = None,
) -> ShareEvent:
    """Add one event to the log (sealed in the store, like every record)."""
    event = ShareEvent(
        at=now or datetime.now(UTC),
        kind=kind,
        how=how,
        credential_ids=tuple(dict.fromkeys(credential_ids)),
        recipient=recipient[:_MAX_TEXT] if recipient else None,
        output=output[:_MAX_TEXT] if output else None,
        detail=detail[:_MAX_TEXT] if detail else None,
        id=secrets.token_hex(8),
    )
    payload = {"v": _VERSION, **event.to_json()}
    store.put(
        KIND_SHARED,
        json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        dedup_key=b"shared:" + event.id.encode("ascii"),
    )
    return event


def shared_log(store: Store) -> tuple[list[ShareEvent], int]:
    """Every event, oldest first, and how many records could not be read (left out)."""
    events: list[ShareEvent] = []
    unreadable = 0
    for record in store.records(KIND_SHARED):
        try:
            events.append(decode_event(record.payload))
        except BadInput:
            unreadable += 1
    events.sort(key=lambda e: e.at)
    return events, unreadable
