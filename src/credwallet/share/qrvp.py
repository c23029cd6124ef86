"""``VP1-`` QR codes: a credential in a presentation, as the DCC's wallet and verifier scan them.

The text is ``VP1-`` + ``B`` (the multibase code for RFC 4648 base32, upper case, no padding) +
base32 of the presentation's CBOR-LD (:mod:`credwallet.share.cborld`). Every character is in the
QR alphanumeric set. This is the form ``@digitalcredentials/vpqr`` 2.x writes and reads, which
the Learner Credential Wallet ("Add credential" -> scan) and VerifierPlus use: they take the
credentials out of the presentation and verify each one's own proof.

The presentation is not signed by the holder: it only carries the credential, whose issuer
proof is what the apps check, and a holder proof would cost about 150 bytes of a symbol that is
already large. Only JSON-LD credentials of the W3C data model with an embedded proof qualify
(the apps read neither VC-JWTs nor Open Badges 2.0).

Term numbering must match the apps' document loader, so compression uses only contexts known to
be identical to theirs (:func:`dcc_context`); with any other context the CBOR-LD is written
uncompressed, which the apps read just the same.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from importlib import resources
from typing import Any

from credwallet.errors import BadInput
from credwallet.share import cborld
from credwallet.verify.contexts import shipped_context

__all__ = [
    "PREFIX",
    "VC_CONTEXTS",
    "credentials_in",
    "dcc_context",
    "decode_vp1",
    "encode_vp1",
    "presentation_for",
    "vp1_eligible",
]

PREFIX = "VP1-"
_BASE32 = "B"  # multibase: RFC 4648 base32, upper case, no padding
VC_CONTEXTS = (
    "https://www.w3.org/2018/credentials/v1",
    "https://www.w3.org/ns/credentials/v2",
)
# Contexts whose JSON equals the copy in @digitalcredentials/security-document-loader (compared
# key by key), read from credwallet's own verified copies.
_SAME_AS_DCC = frozenset(
    {
        *VC_CONTEXTS,
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    }
)
# Contexts whose DCC copy differs from credwallet's (see cborld_contexts/NOTICE.md).
_DCC_COPIES = {
    "https://w3id.org/security/suites/ed25519-2020/v1": "ed25519-signature-2020-v1-dcc.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3-dcc.json",
}


@functools.cache
def _dcc_text(url: str) -> bytes | None:
    if url in _DCC_COPIES:
        folder = resources.files("credwallet.share").joinpath("cborld_contexts")
        return folder.joinpath(_DCC_COPIES[url]).read_bytes()
    if url in _SAME_AS_DCC:
        return shipped_context(url)
    return None


def dcc_context(url: str) -> Any:
    """The context document at ``url`` as the DCC apps load it, or None when not known to match."""
    data = _dcc_text(url)
    return None if data is None else json.loads(data)


def vp1_eligible(document: Any) -> bool:
    """True for a W3C data model credential in JSON-LD that carries its own embedded proof."""
    if not isinstance(document, dict) or not isinstance(document.get("proof"), dict | list):
        return False
    contexts = document.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    return first in VC_CONTEXTS


def presentation_for(document: dict[str, Any]) -> dict[str, Any]:
    """An unsigned presentation holding ``document``, in the credential's own VC version."""
    contexts = document["@context"]
    version = contexts[0] if isinstance(contexts, list) else contexts
    return {
        "@context": version,
        "type": "VerifiablePresentation",
        "verifiableCredential": document,
    }


def encode_vp1(document: dict[str, Any]) -> tuple[str, bool]:
    """The ``VP1-`` text for a credential, and whether its CBOR-LD is compressed."""
    if not vp1_eligible(document):
        raise BadInput("only a JSON-LD credential with an embedded proof goes in a VP1 code")
    data, compressed = cborld.encode(presentation_for(document), dcc_context)
    return PREFIX + _BASE32 + base64.b32encode(data).decode("ascii").rstrip("="), compressed


def decode_vp1(text: str) -> Any:
    """The presentation in a ``VP1-`` text (BadInput when it is not one we can read)."""
    if not text.startswith(PREFIX + _BASE32):
        raise BadInput("not a VP1 QR code in base32 (expected VP1-B...)")
    body = text[len(PREFIX) + 1 :]
    try:
        data = base64.b32decode(body + "=" * (-len(body) % 8))
    except (binascii.Error, ValueError) as exc:
        raise BadInput("VP1 QR code: not base32") from exc
    return cborld.decode(data, dcc_context)


def credentials_in(presentation: Any) -> list[dict[str, Any]]:
    """The credentials a decoded presentation carries (one or a list)."""
    if not isinstance(presentation, dict):
        raise BadInput("VP1 QR code: not a presentation")
    held = presentation.get("verifiableCredential")
    items = held if isinstance(held, list) else [held]
    credentials = [item for item in items if isinstance(item, dict)]
    if not credentials:
        raise BadInput("VP1 QR code: the presentation holds no credential")
    return credentials
