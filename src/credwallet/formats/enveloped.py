"""Enveloped credentials: a VC 2.0 presentation member that carries a secured credential.

VC Data Model 2.0 (section 4.13) lets a presentation hold a credential secured by an external
mechanism as ``{"@context": ..., "id": "data:<media type>,<data>", "type":
"EnvelopedVerifiableCredential"}``. The media types of VC-JOSE-COSE say what the data is:

* ``application/vc+jwt`` (and the earlier ``application/vc+ld+json+jwt``): a compact JWS, read
  here and verified by the caller like any other VC-JWT (parse.py imports it as one);
* ``application/dc+sd-jwt``: an SD-JWT VC (IETF draft-ietf-oauth-sd-jwt-vc) as issued, its
  disclosures after the issuer JWS, ``~``-separated (``~`` needs no escape in a data: URL);
  read here, verified by the caller like a stored SD-JWT VC;
* the VC-JOSE-COSE SD-JWT and COSE forms (``vc+sd-jwt``, ``vc+ld+json+sd-jwt``, ``vc+cose``,
  ``vc+ld+json+cose``): not supported, reported as :class:`UnsupportedEnvelope` (unknown).

The data: URL (RFC 2397) is read strictly: exactly one of the media types above, no parameters,
no ``;base64`` (a JWS is already base64url text, and a second encoding would hide what is
signed), no percent-escapes (no JWS character needs one), and at most
:data:`MAX_ENVELOPED_CHARS` characters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final, TypeGuard

from credwallet.errors import BadInput, LimitExceeded, VerificationIncomplete

__all__ = [
    "ENVELOPED_TYPE",
    "JWT_MEDIA_TYPES",
    "MAX_ENVELOPED_CHARS",
    "SD_JWT_MEDIA_TYPE",
    "UNSUPPORTED_MEDIA_TYPES",
    "UnsupportedEnvelope",
    "enveloped_data",
    "enveloped_jwt",
    "is_enveloped",
]

ENVELOPED_TYPE: Final = "EnvelopedVerifiableCredential"
VC2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
#: Media types whose data is a compact JWS securing a credential.
JWT_MEDIA_TYPES: Final = ("application/vc+jwt", "application/vc+ld+json+jwt")
#: The media type of an SD-JWT VC (issuer JWS ``~`` disclosures ``~`` [key binding JWT]).
SD_JWT_MEDIA_TYPE: Final = "application/dc+sd-jwt"
#: Securing mechanisms of VC-JOSE-COSE that this verifier does not implement.
UNSUPPORTED_MEDIA_TYPES: Final = (
    "application/vc+sd-jwt",
    "application/vc+ld+json+sd-jwt",
    "application/vc+cose",
    "application/vc+ld+json+cose",
)
#: The whole data: URL; the largest real VC-JWT we know is ~22 KB, a rich one with images
#: inlined as data: URLs stays well below this.
MAX_ENVELOPED_CHARS: Final = 1024 * 1024

_DATA_URL: Final = re.compile(r"data:(?P<header>[^,]*),(?P<data>.*)", re.DOTALL)
_COMPACT_JWS: Final = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_JWS_PART: Final = r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"
_SD_JWT: Final = re.compile(rf"{_JWS_PART}(?:~[A-Za-z0-9_-]+)*~(?:{_JWS_PART})?")


class UnsupportedEnvelope(VerificationIncomplete):
    """Raised when: an enveloped credential uses a securing mechanism this build cannot check."""

    def __init__(self, media_type: str) -> None:
        super().__init__(
            f"enveloped credential of media type {media_type} is not supported "
            f"(supported: {', '.join((*JWT_MEDIA_TYPES, SD_JWT_MEDIA_TYPE))})"
        )
        self.media_type = media_type


def _types(entry: Mapping[str, object]) -> list[object]:
    value = entry.get("type")
    return list(value) if isinstance(value, list) else [value]


def is_enveloped(entry: object) -> TypeGuard[Mapping[str, object]]:
    """Whether a presentation member says it is an EnvelopedVerifiableCredential."""
    return isinstance(entry, Mapping) and ENVELOPED_TYPE in _types(entry)


def enveloped_jwt(entry: Mapping[str, object]) -> str:
    """The compact JWS an EnvelopedVerifiableCredential carries.

    Raises BadInput (LimitExceeded when too large) for a malformed envelope or data: URL and
    UnsupportedEnvelope for an SD-JWT or COSE credential.
    """
    media_type, data = enveloped_data(entry)
    if media_type not in JWT_MEDIA_TYPES:
        raise UnsupportedEnvelope(media_type)
    return data


def enveloped_data(entry: Mapping[str, object]) -> tuple[str, str]:
    """(media type, data) of an EnvelopedVerifiableCredential: a VC-JWT or an SD-JWT VC.

    Raises BadInput (LimitExceeded when too large) for a malformed envelope or data: URL and
    UnsupportedEnvelope for a securing mechanism this verifier does not implement.
    """
    contexts = entry.get("@context")
    context_list = contexts if isinstance(contexts, list) else [contexts]
    if VC2_CONTEXT not in context_list:
        # The @context must define EnvelopedVerifiableCredential; the VC 2.0 base context does.
        raise BadInput(f"the enveloped credential's @context does not include {VC2_CONTEXT}")
    url = entry.get("id")
    if not isinstance(url, str):
        raise BadInput("the enveloped credential has no data: URL id")
    if len(url) > MAX_ENVELOPED_CHARS:
        raise LimitExceeded(
            f"the enveloped credential is {len(url)} characters; at most {MAX_ENVELOPED_CHARS}"
        )
    match = _DATA_URL.fullmatch(url)
    if match is None:
        raise BadInput("the enveloped credential's id is not a data: URL")
    header, data = match.group("header"), match.group("data")
    media_type, _, parameters = header.partition(";")
    media_type = media_type.strip().lower()
    if media_type in UNSUPPORTED_MEDIA_TYPES:
        raise UnsupportedEnvelope(media_type)
    if media_type not in (*JWT_MEDIA_TYPES, SD_JWT_MEDIA_TYPE):
        shown = media_type or "(none: text/plain)"
        raise BadInput(f"the enveloped credential's media type {shown} is not a VC media type")
    if parameters:
        if "base64" in (p.strip().lower() for p in parameters.split(";")):
            raise BadInput("an enveloped JWT must not be base64-encoded again (;base64)")
        raise BadInput(f"{media_type} takes no parameters, the data: URL has ;{parameters}")
    if media_type == SD_JWT_MEDIA_TYPE:
        if _SD_JWT.fullmatch(data) is None:
            raise BadInput(
                f"the {media_type} data is not an SD-JWT (a JWS, then ~-separated disclosures)"
            )
    elif _COMPACT_JWS.fullmatch(data) is None:
        raise BadInput(f"the {media_type} data is not a compact JWS (three base64url parts)")
    return media_type, data
