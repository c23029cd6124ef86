"""Reading what the user pasted: an OpenID4VCI offer, a VC-API interaction URL, a DCC link.

Nothing here opens a connection except :func:`resolve_credential_offer` for an offer given by
reference (``credential_offer_uri``), which must be https (or loopback in tests).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from credwallet.errors import BadInput, UsageError
from credwallet.exchange._http import Client, get_json

__all__ = [
    "PRE_AUTHORIZED_GRANT",
    "CredentialOffer",
    "InteractionLink",
    "InvitationLink",
    "OfferLink",
    "RequestLink",
    "TxCode",
    "classify",
    "parse_credential_offer",
    "resolve_credential_offer",
]

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
_OFFER_SCHEMES = ("openid-credential-offer://", "haip://", "haip-vci://")
# The Learner Credential Wallet's deep-link prefixes (its app config: custom protocols
# `dccrequest://`, `org.dcconsortium://`, `https://lcw.app/request`; universal app link
# `https://lcw.app/mobile`). DCC issuers print `https://lcw.app/request.html?...`.
_LCW_PREFIXES = (
    "dccrequest://",
    "org.dcconsortium://",
    "https://lcw.app/request",
    "https://lcw.app/mobile",
)
_MAX_IDS = 50


@dataclass(frozen=True, slots=True)
class TxCode:
    """The transaction code (PIN) an offer asks for, sent to the user out of band."""

    input_mode: str = "numeric"
    length: int | None = None
    description: str | None = None

    def check(self, value: str) -> str:
        """The code, stripped, or :class:`UsageError` if it cannot be what the issuer sent."""
        code = value.strip()
        if not code:
            raise UsageError("the transaction code is empty")
        if self.input_mode == "numeric" and not (code.isascii() and code.isdigit()):
            raise UsageError("the transaction code must be digits only")
        if self.length is not None and len(code) != self.length:
            raise UsageError(f"the transaction code must be {self.length} characters long")
        return code


@dataclass(frozen=True, slots=True)
class CredentialOffer:
    """An OpenID4VCI 1.0 Credential Offer (section 4.1.1)."""

    credential_issuer: str
    configuration_ids: tuple[str, ...]
    pre_authorized_code: str | None = None
    tx_code: TxCode | None = None
    issuer_state: str | None = None
    authorization_server: str | None = None
    by_reference: str | None = None

    @property
    def pre_authorized(self) -> bool:
        return self.pre_authorized_code is not None


@dataclass(frozen=True, slots=True)
class OfferLink:
    """``openid-credential-offer://`` with the offer by value or by reference."""

    uri: str


@dataclass(frozen=True, slots=True)
class InteractionLink:
    """A VC-API / VCALM interaction URL (``?iuv=1`` or ``interaction:https://…``)."""

    url: str


@dataclass(frozen=True, slots=True)
class RequestLink:
    """The DCC one-step link (``https://lcw.app/request.html?issuer=…&vc_request_url=…``).

    ``challenge`` is optional in the Learner Credential Wallet (it then signs over a random
    one); ``auth_type`` must be ``bearer``, the only kind that wallet implements.
    """

    issuer: str | None
    vc_request_url: str
    challenge: str | None
    auth_type: str | None


@dataclass(frozen=True, slots=True)
class InvitationLink:
    """A wallet link carrying a VC-API wallet message in ``request=``: an exchange invitation
    ``{"credentialRequestOrigin": …, "protocols": {"vcapi": URL, "OID4VCI": offer}}``, or a
    ``verifiablePresentationRequest`` that asks only for DID authentication (an issuer's
    exchange, already at its first question; ``protocols`` is then empty)."""

    origin: str | None
    protocols: dict[str, str]
    request: dict[str, Any] | None = None


def classify(text: str) -> OfferLink | InteractionLink | RequestLink | InvitationLink:
    """What kind of link ``text`` is; :class:`BadInput` when it is none of them."""
    value = text.strip()
    if not value:
        raise BadInput("the offer is empty")
    if len(value) > 64 * 1024:
        raise BadInput("the offer is too long to be a link")
    lowered = value.lower()
    if lowered.startswith(_OFFER_SCHEMES):
        return OfferLink(value)
    if lowered.startswith("interaction:"):
        return InteractionLink(value[len("interaction:") :])
    if lowered.startswith(_LCW_PREFIXES):
        return _wallet_link(value)
    if "vc_request_url=" in value:
        return _request_link(value)
    parts = urlsplit(value)
    if parts.scheme in ("https", "http") and parts.netloc:
        query = parse_qs(parts.query)
        if "credential_offer" in query or "credential_offer_uri" in query:
            return OfferLink(value)  # an issuer's https universal link carrying the offer
        return InteractionLink(value)
    raise BadInput(
        "not an offer: expected an openid-credential-offer:// link, an https interaction URL "
        "or a Learner Credential Wallet request link"
    )


def _link_query(value: str) -> dict[str, list[str]]:
    # As the Learner Credential Wallet reads them: everything after the first '?'.
    return parse_qs(value.split("?", 1)[1] if "?" in value else "", keep_blank_values=True)


def _wallet_link(value: str) -> RequestLink | InvitationLink:
    """A Learner Credential Wallet deep link: ``request=`` (a wallet message) or the legacy
    credential request (``issuer`` and ``vc_request_url``)."""
    query = _link_query(value)
    message = query.get("request")
    if message:
        return _invitation(message[0])
    if "vc_request_url" in query and "issuer" in query:
        return _request_link(value)
    raise BadInput(
        "this Learner Credential Wallet link carries neither a request= message nor "
        "issuer and vc_request_url"
    )


def _invitation(text: str) -> InvitationLink:
    from urllib.parse import unquote

    data: Any = None
    # The wallet decodes the parameter once more before parsing (decodeURI): do the same when
    # the once-decoded text is not JSON yet.
    for candidate in (text, unquote(text)):
        try:
            data = json.loads(candidate)
            break
        except ValueError:
            continue
    if not isinstance(data, dict):
        raise BadInput("the link's request= is not a JSON object")
    origin = data.get("credentialRequestOrigin")
    origin = origin if isinstance(origin, str) else None
    protocols = data.get("protocols")
    if not isinstance(protocols, dict):
        request = data.get("verifiablePresentationRequest")
        if isinstance(request, dict) and _asks_did_auth_only(request):
            return InvitationLink(origin, {}, request=request)
        if request is not None:
            raise BadInput(
                "this link asks you to present credentials, not to receive them "
                "(a verifiablePresentationRequest): use credwallet present"
            )
        raise BadInput("the link's request= message has no protocols to receive by")
    kept = {str(k): v for k, v in protocols.items() if isinstance(v, str) and v}
    if not kept:
        raise BadInput("the link's request= message names no protocol URL")
    return InvitationLink(origin, kept)


def _asks_did_auth_only(request: dict[str, Any]) -> bool:
    queries = request.get("query")
    entries = queries if isinstance(queries, list) else [queries]
    kinds = {q.get("type") if isinstance(q, dict) else None for q in entries}
    return bool(kinds) and kinds <= {"DIDAuthentication", "DIDAuth"}


def _request_link(value: str) -> RequestLink:
    query = _link_query(value)

    def one(name: str) -> str | None:
        values = query.get(name)
        return values[0] if values and values[0] else None

    url = one("vc_request_url")
    if not url:
        raise BadInput("the request link lacks vc_request_url")
    auth_type = one("auth_type")
    if auth_type not in (None, "bearer"):
        raise BadInput(
            f"the request link asks for auth_type {auth_type[:40]!r}; only bearer links "
            "(a DID Auth presentation over the link's challenge) can be answered"
        )
    return RequestLink(one("issuer"), url, one("challenge"), auth_type)


def _query(uri: str) -> dict[str, list[str]]:
    parts = urlsplit(uri)
    query = parts.query
    if not query and "?" in uri:
        query = uri.split("?", 1)[1]
    return parse_qs(query, keep_blank_values=True)


def resolve_credential_offer(link: OfferLink, client: Client) -> CredentialOffer:
    """The offer a link carries, fetching it when given by reference (https only)."""
    query = _query(link.uri)
    by_value = query.get("credential_offer")
    by_reference = query.get("credential_offer_uri")
    if bool(by_value) == bool(by_reference):
        raise BadInput(
            "the offer link must carry exactly one of credential_offer and credential_offer_uri"
        )
    if by_value:
        try:
            data = json.loads(by_value[0])
        except ValueError:
            raise BadInput("the credential_offer in the link is not JSON") from None
        return parse_credential_offer(data)
    url = by_reference[0] if by_reference else ""
    if not url.lower().startswith("https://") and not url.lower().startswith("http://"):
        raise BadInput("credential_offer_uri must be an https URL")
    data = get_json(client, url, what="credential offer")
    offer = parse_credential_offer(data)
    return CredentialOffer(
        offer.credential_issuer,
        offer.configuration_ids,
        offer.pre_authorized_code,
        offer.tx_code,
        offer.issuer_state,
        offer.authorization_server,
        by_reference=url,
    )


def _text(value: Any, what: str, *, limit: int = 4096) -> str:
    if not isinstance(value, str) or not value or len(value) > limit:
        raise BadInput(f"the credential offer's {what} must be a non-empty string")
    return value


def parse_credential_offer(data: Any) -> CredentialOffer:
    """Validate a Credential Offer object strictly (1.0 final field names)."""
    if not isinstance(data, dict):
        raise BadInput("the credential offer is not a JSON object")
    issuer = _text(data.get("credential_issuer"), "credential_issuer")
    if not issuer.startswith(("https://", "http://")):
        raise BadInput("the credential offer's credential_issuer is not an https URL")
    ids = data.get("credential_configuration_ids")
    if "credentials" in data and ids is None:
        raise BadInput(
            "this offer uses a draft of OpenID4VCI (`credentials`), not 1.0 "
            "(`credential_configuration_ids`)"
        )
    if not isinstance(ids, list) or not ids or len(ids) > _MAX_IDS:
        raise BadInput("the credential offer names no credential_configuration_ids")
    config_ids = tuple(_text(i, "credential_configuration_ids", limit=256) for i in ids)
    grants = data.get("grants") or {}
    if not isinstance(grants, dict):
        raise BadInput("the credential offer's grants is not an object")
    pre_code = None
    tx_code = None
    server = None
    pre = grants.get(PRE_AUTHORIZED_GRANT)
    if pre is not None:
        if not isinstance(pre, dict):
            raise BadInput("the pre-authorized grant is not an object")
        pre_code = _text(pre.get("pre-authorized_code"), "pre-authorized_code")
        tx_code = _tx_code(pre.get("tx_code"))
        if isinstance(pre.get("authorization_server"), str):
            server = pre["authorization_server"]
    issuer_state = None
    auth = grants.get("authorization_code")
    if isinstance(auth, dict):
        if isinstance(auth.get("issuer_state"), str):
            issuer_state = auth["issuer_state"]
        if server is None and isinstance(auth.get("authorization_server"), str):
            server = auth["authorization_server"]
    return CredentialOffer(issuer, config_ids, pre_code, tx_code, issuer_state, server)


def _tx_code(value: Any) -> TxCode | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadInput("the offer's tx_code is not an object")
    mode = value.get("input_mode", "numeric")
    if mode not in ("numeric", "text"):
        raise BadInput("the offer's tx_code input_mode must be numeric or text")
    length = value.get("length")
    if length is not None and (
        isinstance(length, bool) or not isinstance(length, int) or not 0 < length <= 64
    ):
        raise BadInput("the offer's tx_code length must be a small positive integer")
    description = value.get("description")
    if not isinstance(description, str):
        description = None
    return TxCode(mode, length, description[:300] if description else None)
