"""Is this credential issued to the user? Plain and hashed (``sha256$`` / ``sha512$``) identities.

Open Badges name the recipient by an identity that may be hashed with a salt: the stored value
is ``"sha256$" + hex(sha256(identity + salt))``. The check compares each of the user's own
identities (emails, URLs, DIDs, phone numbers) and says which one matched. It is never a
required check: a credential issued to an old email address is still genuine.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from credwallet.models import Check, CheckStatus, Credential, Recipient

__all__ = ["check_recipient", "identity_matches"]

_HASHES = {"sha256": 64, "sha512": 128}


def _normalise(identity: str) -> str:
    text = identity.strip()
    lowered = text.lower()
    if lowered.startswith("mailto:"):
        return lowered[len("mailto:") :]
    return lowered if "@" in text and not text.startswith("did:") else text


def identity_matches(recipient: Recipient, identity: str) -> bool:
    """True when ``identity`` is the one ``recipient`` names (hashed or not)."""
    stored = recipient.identity.strip()
    algorithm, sep, digest = stored.partition("$")
    algorithm = algorithm.lower()
    if sep and algorithm in _HASHES:
        if len(digest) != _HASHES[algorithm]:
            return False
        salt = recipient.salt or ""
        # Issuers differ on case for emails; try the identity as typed and normalised.
        for candidate in dict.fromkeys((identity.strip(), _normalise(identity))):
            computed = hashlib.new(algorithm, (candidate + salt).encode("utf-8")).hexdigest()
            if hmac.compare_digest(computed, digest.lower()):
                return True
        return False
    if recipient.hashed:
        return False  # says hashed, but in no form we know: never match by accident
    return _normalise(stored) == _normalise(identity)


def _recipients_of(credential: Credential) -> list[Recipient]:
    found = list(credential.recipients)
    for value, kind in ((credential.subject.id, "id"), (credential.subject.email, "email")):
        if value and not any(r.identity == value for r in found):
            found.append(Recipient(identity=value, type=kind))
    return found


def _shown(recipient: Recipient) -> str:
    if recipient.identity.partition("$")[0].lower() in _HASHES:
        return f"a hashed {recipient.type} identity"
    return recipient.identity


def check_recipient(credential: Credential, identities: Iterable[str]) -> Check:
    """The non-required ``recipient`` check."""
    mine = [i for i in identities if i and i.strip()]
    recipients = _recipients_of(credential)
    if not recipients:
        return Check(
            "recipient", CheckStatus.SKIP, "the credential names no recipient", required=False
        )
    if not mine:
        return Check(
            "recipient",
            CheckStatus.SKIP,
            "none of your identities are set, so the recipient was not compared",
            required=False,
        )
    for recipient in recipients:
        for identity in mine:
            if identity_matches(recipient, identity):
                how = "hashed " if recipient.identity.partition("$")[0].lower() in _HASHES else ""
                return Check(
                    "recipient",
                    CheckStatus.PASS,
                    f"issued to you: {identity} (matches the {how}{recipient.type} recipient)",
                    (("matched identity", identity), ("recipient", recipient.identity)),
                    required=False,
                )
    named = ", ".join(_shown(r) for r in recipients[:3])
    # Not required: a badge issued to an address you have not added is still genuine.
    return Check(
        "recipient",
        CheckStatus.FAIL,
        f"issued to {named}, which is none of your identities (add yours with "
        "`credwallet identity add`)",
        tuple(("recipient", r.identity) for r in recipients[:3]),
        required=False,
    )
