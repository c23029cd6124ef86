"""Open Badges 2.0 (and the OB 1.x shapes still baked into old images) -> Credential.

An assertion may embed its BadgeClass and Issuer or only point at them by URL; URL-only
references are kept as ids (``achievement.id``), never fetched here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from credwallet.formats import _values as v
from credwallet.formats.dates import parse_datetime
from credwallet.models import (
    Achievement,
    Container,
    Credential,
    CredentialFormat,
    JSONObject,
    Party,
    Recipient,
)

__all__ = ["from_assertion", "hosted_reference", "is_assertion", "with_badge_info"]

_OB2_CONTEXT_MARKERS = ("w3id.org/openbadges/v2", "openbadgespec.org/v2")
_HASH_PREFIXES = ("sha256$", "md5$", "sha1$", "sha512$")


def is_assertion(document: JSONObject) -> bool:
    """An OB 2.0 Assertion by context or type, or an OB 1.x assertion by its required fields."""
    if any(m in c for c in v.contexts(document) for m in _OB2_CONTEXT_MARKERS):
        return "Assertion" in v.types(document) or "type" not in document
    if "Assertion" in v.types(document):
        return True
    # OB 1.0 had no @context: an assertion is recognised by its verify object (and badge/recipient).
    return isinstance(document.get("verify"), dict) or (
        "badge" in document and "recipient" in document
    )


def hosted_reference(url: str, *, container: Container, original: bytes) -> Credential:
    """A credential known only by its hosted URL: the verifier fetches the assertion later."""
    return Credential(
        format=CredentialFormat.OB2,
        container=container,
        original=original,
        document={"id": url},
        credential_id=url,
        public_url=url,
    )


def from_assertion(
    document: JSONObject,
    *,
    container: Container,
    original: bytes,
    jws: str | None = None,
    credential_format: CredentialFormat = CredentialFormat.OB2,
) -> Credential:
    badge = v.obj(document.get("badge"))
    achievement = _achievement(document.get("badge"))
    identifier = v.ref(document.get("id")) or v.text(document.get("uid"))
    issuer_value = badge.get("issuer")
    return Credential(
        format=credential_format,
        container=container,
        original=original,
        document=document,
        credential_id=identifier,
        name=achievement.name,
        description=achievement.description,
        issuer=v.party(issuer_value),
        subject=_subject(document),
        recipients=_recipients(document),
        achievement=achievement,
        image=v.ref(document.get("image")) or achievement.image,
        tags=achievement.tags,
        issued=parse_datetime(document.get("issuedOn")),
        valid_until=parse_datetime(document.get("expires")),
        evidence=v.evidence(document.get("evidence")),
        public_url=_public_url(document, identifier, jws),
        jws=jws,
        types=v.types(document) or ("Assertion",),
    )


def with_badge_info(credential: Credential, info: JSONObject) -> Credential:
    """The credential as shown once its BadgeClass and Issuer are known (``info`` as the wallet
    stores it: ``badge`` with ``issuer`` embedded, and ``assertion`` for a badge known only by
    its URL). Its document and original bytes stay as received, for verification."""
    badge = info.get("badge")
    if not isinstance(badge, dict):
        return credential
    assertion = info.get("assertion")
    base = assertion if set(credential.document) <= {"id", "@context"} else None
    document = dict(base) if isinstance(base, dict) else dict(credential.document)
    current = document.get("badge")
    if isinstance(current, dict):  # an embedded BadgeClass with a URL issuer: keep its fields
        badge = {**badge, **{k: val for k, val in current.items() if k != "issuer"}}
    document["badge"] = badge
    shown = from_assertion(
        document,
        container=credential.container,
        original=credential.original,
        jws=credential.jws,
        credential_format=credential.format,
    )
    return replace(
        shown,
        document=credential.document,
        credential_id=credential.credential_id or shown.credential_id,
        public_url=credential.public_url or shown.public_url,
    )


def _achievement(badge_value: Any) -> Achievement:
    if isinstance(badge_value, str):  # a URL-only BadgeClass reference
        return Achievement(id=badge_value)
    badge = v.obj(badge_value)
    shown, criteria_url = v.criteria(badge.get("criteria"))
    return Achievement(
        id=v.ref(badge.get("id")),
        name=v.text(badge.get("name")),
        description=v.text(badge.get("description")),
        criteria=shown,
        criteria_url=criteria_url,
        image=v.ref(badge.get("image")),
        achievement_type=v.text(badge.get("achievementType")),
        alignments=tuple(
            v.alignment(a) for a in v.items(badge.get("alignment")) if isinstance(a, dict)
        ),
        tags=v.strings(badge.get("tags")),
    )


def _recipients(document: JSONObject) -> tuple[Recipient, ...]:
    value = document.get("recipient")
    if isinstance(value, str):  # OB 0.5/1.0: the recipient is the (hashed) email itself
        return (
            Recipient(
                identity=value,
                type="email",
                hashed=value.lower().startswith(_HASH_PREFIXES),
                salt=v.text(document.get("salt")),
            ),
        )
    # OB 1.0 drafts used "identity": {"recipient": ...}; OB 1.0/2.0 use "recipient": {"identity"}.
    legacy = v.obj(document.get("identity"))
    profile = v.obj(value) or {**legacy, "identity": legacy.get("recipient")}
    identity = v.text(profile.get("identity"))
    if identity is None:
        return ()
    hashed = profile.get("hashed")
    return (
        Recipient(
            identity=identity,
            type=v.text(profile.get("type")) or "email",
            hashed=hashed if isinstance(hashed, bool) else identity.startswith(_HASH_PREFIXES),
            salt=v.text(profile.get("salt")),
        ),
    )


def _subject(document: JSONObject) -> Party:
    recipients = _recipients(document)
    if recipients and not recipients[0].hashed:
        only = recipients[0]
        return Party(id=only.identity, email=only.identity if only.type == "email" else None)
    return Party()


def _public_url(document: JSONObject, identifier: str | None, jws: str | None) -> str | None:
    """The URL that serves a hosted assertion; signed assertions have none of their own."""
    verification = v.obj(document.get("verification")) or v.obj(document.get("verify"))
    kinds = {t.lower() for t in v.strings(verification.get("type"))}
    if jws is not None or "signed" in kinds or "signedbadge" in kinds:
        return None
    legacy_url = v.ref(verification.get("url"))
    for candidate in (identifier, legacy_url):
        if v.is_https_url(candidate):
            return candidate
    return None
