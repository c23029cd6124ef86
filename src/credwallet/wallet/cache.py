"""Fetched public documents (DID documents, status lists, hosted badges), kept in the store.

Inside a wallet the cache is sealed like everything else: which issuers' documents you fetched
says which credentials you hold, so it must not sit readable next to the wallet.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import TYPE_CHECKING

from credwallet.errors import DamagedWallet
from credwallet.net import Fetched

if TYPE_CHECKING:
    from credwallet.store import Store

__all__ = ["KIND_CACHE", "StoreCache", "dedup_key_for_url"]

KIND_CACHE = "cache"


def _encode(doc: Fetched) -> bytes:
    return json.dumps(
        {
            "url": doc.url,
            "body": base64.b64encode(doc.body).decode("ascii"),
            "fetched_at": doc.fetched_at.isoformat(),
            "content_type": doc.content_type,
        }
    ).encode("utf-8")


def _decode(payload: bytes) -> Fetched:
    try:
        raw = json.loads(payload)
        return Fetched(
            url=str(raw["url"]),
            body=base64.b64decode(raw["body"], validate=True),
            fetched_at=datetime.fromisoformat(raw["fetched_at"]),
            from_cache=True,
            content_type=raw.get("content_type"),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise DamagedWallet("a cached document record is malformed") from exc


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
        return _decode(self._store.get(record_id).payload)

    def put(self, doc: Fetched) -> None:
        payload = _encode(doc)
        record_id = self._store.find_dedup(_key(doc.url))
        if record_id is None:
            self._store.put(KIND_CACHE, payload, dedup_key=_key(doc.url))
        else:
            self._store.update(record_id, payload)

    def items(self) -> list[Fetched]:
        return [_decode(r.payload) for r in self._store.records(KIND_CACHE)]

    def clear(self) -> None:
        for record in self._store.records(KIND_CACHE):
            self._store.delete(record.id)
