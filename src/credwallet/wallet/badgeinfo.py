"""OB 2.0 badges: the BadgeClass and Issuer behind a badge that only points at them.

A hosted or signed OB 2.0 assertion usually gives its BadgeClass as a URL, and the BadgeClass
its Issuer as another. Without them a badge shows as its URL. They are resolved at import (the
cache first: verification has just fetched them; else the network when online) and again by
`verify`/`check` while still missing, and stored with the credential (``badge_info``), so every
view shows the badge's name, description, image, criteria and issuer name.

Only fields shown to a person are kept (no embedded images larger than a data-URI cap), and
the credential's own bytes are never changed: verification always starts from the original.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from credwallet.errors import BadInput, FetchError
from credwallet.models import Credential, CredentialFormat, JSONObject

if TYPE_CHECKING:
    from credwallet.net import Fetcher

__all__ = ["needs_badge_info", "resolve_badge_info"]

_BADGE_FIELDS = (
    "id",
    "type",
    "name",
    "description",
    "image",
    "criteria",
    "alignment",
    "tags",
    "achievementType",
    "related",
)
_ISSUER_FIELDS = ("id", "type", "name", "url", "email", "image")
_ASSERTION_FIELDS = (
    "id",
    "type",
    "recipient",
    "issuedOn",
    "expires",
    "evidence",
    "narrative",
    "image",
    "verification",
)
#: Longer data: URIs (an image inlined in a BadgeClass) are dropped, not stored per badge.
MAX_DATA_URI_CHARS = 64 * 1024


def needs_badge_info(credential: Credential) -> bool:
    """An OB 2.0 assertion whose BadgeClass or Issuer is only a URL (or not known at all)."""
    if credential.format is not CredentialFormat.OB2:
        return False
    badge = credential.document.get("badge")
    if isinstance(badge, str):
        return True
    if isinstance(badge, Mapping):
        return isinstance(badge.get("issuer"), str)
    return set(credential.document) <= {"id", "@context"}  # known only by its hosted URL


def resolve_badge_info(
    credential: Credential, fetcher: Fetcher | None, *, now: datetime
) -> JSONObject | None:
    """``{"badge": BadgeClass with its issuer embedded, "assertion"?: ..., "resolved_at"}``,
    or None when the documents cannot be had now (a later verify tries again)."""
    if fetcher is None or not needs_badge_info(credential):
        return None
    document: Mapping[str, Any] = credential.document
    info: JSONObject = {}
    try:
        if set(document) <= {"id", "@context"}:
            url = document.get("id")
            if not isinstance(url, str):
                return None
            hosted = _get(fetcher, url, "hosted assertion")
            if hosted.get("revoked") is True:
                return None  # a revocation notice says nothing about the badge
            document = hosted
            info["assertion"] = _pick(hosted, _ASSERTION_FIELDS)
        badge_value = document.get("badge")
        if isinstance(badge_value, str):
            badge = _get(fetcher, badge_value, "BadgeClass")
        elif isinstance(badge_value, Mapping):
            badge = dict(badge_value)
        else:
            return None
        issuer_value = badge.get("issuer")
        if isinstance(issuer_value, str):
            issuer: object = _pick(_get(fetcher, issuer_value, "issuer profile"), _ISSUER_FIELDS)
        else:
            issuer = issuer_value
    except (FetchError, BadInput):
        return None
    kept = _pick(badge, _BADGE_FIELDS)
    if isinstance(issuer, Mapping):
        kept["issuer"] = _pick(issuer, _ISSUER_FIELDS)
    info["badge"] = kept
    info["resolved_at"] = now.isoformat()
    return info


def _get(fetcher: Fetcher, url: str, what: str) -> JSONObject:
    """From the cache when there (verification has just fetched it), else the network."""
    from credwallet.verify.remote import fetch_json

    cached = fetcher.cache.get(url) if fetcher.cache is not None else None
    if cached is not None:
        from credwallet.formats.jsonutil import loads_strict

        value = loads_strict(cached.body)
        if isinstance(value, dict):
            return value
    document, _fetched = fetch_json(
        fetcher, url, what=what, accept="application/ld+json, application/json"
    )
    return document


def _pick(document: Mapping[str, Any], fields: tuple[str, ...]) -> JSONObject:
    kept: JSONObject = {}
    for name in fields:
        value = document.get(name)
        if value is None:
            continue
        if isinstance(value, str) and value.startswith("data:") and len(value) > MAX_DATA_URI_CHARS:
            continue
        kept[name] = value
    return kept
