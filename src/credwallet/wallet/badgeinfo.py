"""OB 2.0 badges: the BadgeClass and Issuer behind a badge that only points at them; SD-JWT
VCs: the issuer's display name, which the token itself does not carry.

A hosted or signed OB 2.0 assertion usually gives its BadgeClass as a URL, and the BadgeClass
its Issuer as another. Without them a badge shows as its URL. They are resolved at import (the
cache first: verification has just fetched them; else the network when online) and again by
`verify`/`check` while still missing, and stored with the credential (``badge_info``), so every
view shows the badge's name, description, image, criteria and issuer name.

Only fields shown to a person are kept (no embedded images larger than a data-URI cap), and
the credential's own bytes are never changed: verification always starts from the original.

An SD-JWT VC names its issuer by URL (``iss``) only. The issuer's name is the ``display`` of its
OpenID4VCI Credential Issuer Metadata (``/.well-known/openid-credential-issuer``, which must
name that same issuer), else a ``display`` in its JWT VC Issuer Metadata
(``/.well-known/jwt-vc-issuer``, fetched when verifying). Like an OB 3.0 ``issuer.name`` it is
what the issuer says of itself, not a registry's word; it is stored as ``{"issuer": {...}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from credwallet.errors import BadInput, FetchError
from credwallet.models import Credential, CredentialFormat, JSONObject

if TYPE_CHECKING:
    from credwallet.net import Fetcher

__all__ = ["apply_badge_info", "needs_badge_info", "resolve_badge_info"]

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
    """An OB 2.0 assertion whose BadgeClass or Issuer is only a URL (or not known at all), or
    an SD-JWT VC whose web issuer has no name in the token."""
    if credential.format is CredentialFormat.SD_JWT_VC:
        issuer = credential.issuer.id or ""
        return credential.issuer.name is None and issuer.startswith(("https://", "http://"))
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
    if credential.format is CredentialFormat.SD_JWT_VC:
        return _sd_jwt_issuer(str(credential.issuer.id), fetcher, now=now)
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


def _sd_jwt_issuer(issuer: str, fetcher: Fetcher, *, now: datetime) -> JSONObject | None:
    from credwallet.exchange.oid4vci import issuer_display, well_known_url

    for suffix in ("openid-credential-issuer", "jwt-vc-issuer"):
        url = well_known_url(issuer, suffix)
        try:
            metadata = _get(fetcher, url, "issuer metadata")
        except (FetchError, BadInput):
            continue
        named = metadata.get("credential_issuer" if suffix != "jwt-vc-issuer" else "issuer")
        if named != issuer:
            continue  # metadata about another issuer says nothing about this one
        name, logo = issuer_display(metadata)
        if name is None:
            continue
        found: JSONObject = {"id": issuer, "name": name[:200]}
        if logo is not None and len(logo) <= MAX_DATA_URI_CHARS:
            found["image"] = logo
        return {"issuer": found, "source": url, "resolved_at": now.isoformat()}
    return None


def apply_badge_info(credential: Credential, info: Any) -> Credential:
    """The credential as views show it once its stored ``badge_info`` is applied."""
    if not isinstance(info, Mapping):
        return credential
    if credential.format is CredentialFormat.SD_JWT_VC:
        issuer = info.get("issuer")
        if not isinstance(issuer, Mapping) or issuer.get("id") != credential.issuer.id:
            return credential
        from dataclasses import replace

        name = issuer.get("name")
        image = issuer.get("image")
        return replace(
            credential,
            issuer=replace(
                credential.issuer,
                name=credential.issuer.name or (name if isinstance(name, str) else None),
                image=credential.issuer.image or (image if isinstance(image, str) else None),
            ),
        )
    from credwallet.formats.ob2 import with_badge_info

    return with_badge_info(credential, dict(info))


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
