"""Is a stored payload readable? Each kind is checked with the very code that reads it later.

Restore runs this on every record of a backup before staging anything, and ``check`` on every
record of the wallet, so that a record which would break a view later is caught up front.
"""

from __future__ import annotations

import json
from datetime import datetime

from credwallet.errors import CredwalletError

__all__ = ["unreadable_reason"]


def unreadable_reason(kind: str, payload: bytes, *, now: datetime) -> str | None:
    """None if the wallet can read this record, else a one-line reason (no payload content)."""
    try:
        _read(kind, payload, now)
    except CredwalletError as exc:
        return exc.message
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return f"a {kind} record is malformed"
    return None


def _read(kind: str, payload: bytes, now: datetime) -> None:
    if kind == "credential":
        from credwallet.wallet.core import read_held

        read_held("0" * 32, payload, now=now, use_view=False)
    elif kind == "pathway":
        from credwallet.wallet.pathways import decode_pathway

        decode_pathway("0" * 32, payload)
    elif kind == "holder-key":
        from credwallet.verify.keys import SigningKey

        SigningKey.from_seed(payload)
    elif kind == "cache":
        from credwallet.wallet.cache import decode_cached

        decode_cached(payload, now=now)
    elif kind == "identity":
        from credwallet.wallet.core import decode_identity

        decode_identity(payload)
    elif kind == "shared":
        from credwallet.wallet.shared_log import decode_event

        decode_event(payload)
    elif kind == "pending-issuance":
        from credwallet.exchange.model import PendingIssuance

        data = json.loads(payload)
        if not isinstance(data, dict):
            raise ValueError("not an object")
        PendingIssuance.from_json(data)
    # "setting" records are opaque to every reader today: nothing to check.
