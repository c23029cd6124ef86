"""Fetched public documents (DID documents, status lists, hosted badges), kept in the store.

Inside a wallet the cache is sealed like everything else: which issuers' documents you fetched
says which credentials you hold, so it must not sit readable next to the wallet.
"""

from __future__ import annotations

import base64
import contextlib
import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from credwallet.errors import DamagedWallet
from credwallet.net import Fetched

if TYPE_CHECKING:
    from credwallet.store import Store

__all__ = ["KIND_CACHE", "StoreCache", "dedup_key_for_url"]

KIND_CACHE = "cache"
FUTURE_SKEW = timedelta(days=1)


def _encode(doc: Fetched) -> bytes:
    return json.dumps(
        {
            "url": doc.url,
            "body": base64.b64encode(doc.body).decode("ascii"),
            "fetched_at": doc.fetched_at.isoformat(),
            "content_type": doc.content_type,
        }
    ).encode("utf-8")


def decode_cached(payload: bytes, *, now: datetime | None = None) -> Fetched:
    """A cache record as the wallet reads it; restore checks backup payloads with it too.

    The fetch time must carry a time zone and not lie in the future (a day of clock skew
    allowed): "as of" dates are shown next to verification results and compared with them.
    """
    try:
        raw = json.loads(payload)
        fetched_at = datetime.fromisoformat(raw["fetched_at"])
        content_type = raw.get("content_type")
        doc = Fetched(
            url=str(raw["url"]),
            body=base64.b64decode(raw["body"], validate=True),
            fetched_at=fetched_at,
            from_cache=True,
            content_type=content_type if isinstance(content_type, str) else None,
        )
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise DamagedWallet("a cached document record is malformed") from exc
    if fetched_at.tzinfo is None or fetched_at.utcoffset() is None:
        raise DamagedWallet("a cached document record has a fetch time without a time zone")
    if fetched_at > (now or datetime.now(UTC)) + FUTURE_SKEW:
        raise DamagedWallet("a cached document record is dated in the future")
    return doc


_decode = decode_cached


def dedup_key_for_url(url: str) -> bytes:
    return b"cache-url:" + url.encode("utf-8")


_key = dedup_key_for_url


class StoreCache:
    """A :class:`credwallet.net.DocumentCache` whose entries are sealed store records."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, url: str) -> Fetched | None:
        record_id = self._store.find_dedup(_key(url))
        if record_id is None:
            return None
        try:
            return _decode(self._store.get(record_id).payload)
        except DamagedWallet:
            return None  # only a cache: an unreadable entry is a miss (and `check` reports it)

    def put(self, doc: Fetched) -> None:
        payload = _encode(doc)
        record_id = self._store.find_dedup(_key(doc.url))
        if record_id is None:
            self._store.put(KIND_CACHE, payload, dedup_key=_key(doc.url))
        else:
            self._store.update(record_id, payload)

    def items(self) -> list[Fetched]:
        found = []
        for record in self._store.records(KIND_CACHE):
            with contextlib.suppress(DamagedWallet):
                found.append(_decode(record.payload))
        return found

    def clear(self) -> None:
        for record in self._store.records(KIND_CACHE):
            self._store.delete(record.id)
