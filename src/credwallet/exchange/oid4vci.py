"""OpenID for Verifiable Credential Issuance 1.0, the wallet's side.

Pre-authorized code flow (with or without a transaction code), the nonce endpoint, the
credential endpoint with ``proofs: {"jwt": [...]}``, several credentials per response, credential
identifiers from the token response, deferred issuance and the notification endpoint.
What strict issuers enforce is done here: a fresh nonce per request (one retry on
``invalid_nonce``), no ``iss`` in a key proof for anonymous pre-authorized access, ``iat`` now.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from credwallet.errors import BadInput, UsageError
from credwallet.exchange._http import Client, JsonReply, get_json, post_form, post_json
from credwallet.exchange.holder import HolderKeys, di_vp_proof, key_proof
from credwallet.exchange.model import (
    CertifiedWalletRequired,
    IssuanceFailed,
    Issued,
    OfferedCredential,
    PendingIssuance,
    ReceivedCredential,
)
from credwallet.exchange.offer import PRE_AUTHORIZED_GRANT, CredentialOffer

__all__ = [
    "FORMATS",
    "IssuerMetadata",
    "discover",
    "issuer_display",
    "notify",
    "poll_deferred",
    "redeem_authorization_code",
    "redeem_pre_authorized",
    "well_known_url",
]

FORMATS = ("jwt_vc_json", "jwt_vc_json-ld", "ldp_vc", "dc+sd-jwt", "vc+sd-jwt")
_CERTIFIED_ERRORS = {"use_dpop_nonce", "invalid_dpop_proof", "invalid_client_attestation"}
_MAX_CREDENTIALS = 100


def well_known_url(identifier: str, suffix: str) -> str:
    """RFC 8414 placement: the well-known segment goes between the host and the path."""
    parts = urlsplit(identifier)
    path = parts.path.rstrip("/")
    return f"{parts.scheme}://{parts.netloc}/.well-known/{suffix}{path}"


def _display(entries: Any, locale: str | None = None) -> dict[str, Any]:
    """The display entry for the user's language, else English, else the first."""
    if not isinstance(entries, list):
        return {}
    usable = [e for e in entries if isinstance(e, dict)]
    for wanted in (locale.lower() if locale else None, "en"):
        for entry in usable:
            tag = entry.get("locale")
            if wanted and isinstance(tag, str) and tag.lower().startswith(wanted):
                return entry
    return usable[0] if usable else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def issuer_display(metadata: Any) -> tuple[str | None, str | None]:
    """(display name, logo URI) of Credential Issuer Metadata's ``display``, English first."""
    display = _display(metadata.get("display")) if isinstance(metadata, dict) else {}
    logo = display.get("logo")
    return _str(display.get("name")), _str(logo.get("uri")) if isinstance(logo, dict) else None


@dataclass
class IssuerMetadata:
    """What the issuer and its authorization server published."""

    credential_issuer: str
    credential_endpoint: str
    token_endpoint: str
    nonce_endpoint: str | None = None
    deferred_endpoint: str | None = None
    notification_endpoint: str | None = None
    display_name: str | None = None
    logo: str | None = None
    configurations: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_auth_methods: tuple[str, ...] = ()
    authorization_endpoint: str | None = None
    par_endpoint: str | None = None
    par_required: bool = False

    def offered(self, ids: Sequence[str]) -> list[OfferedCredential]:
        items = []
        for config_id in ids:
            config = self.configurations.get(config_id)
            if config is None:
                raise BadInput(f"the issuer's metadata does not describe {config_id!r}")
            meta = config.get("credential_metadata")
            entries = meta.get("display") if isinstance(meta, dict) else config.get("display")
            name = _str(_display(entries).get("name"))
            items.append(OfferedCredential(config_id, str(config.get("format")), name))
        return items


def _endpoint(data: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise BadInput(f"the issuer's metadata has no usable {name}")
    return value


def discover(client: Client, offer: CredentialOffer) -> IssuerMetadata:
    """Fetch issuer and authorization-server metadata; the issuer must be the offer's."""
    issuer = offer.credential_issuer
    data = get_json(
        client, well_known_url(issuer, "openid-credential-issuer"), what="issuer metadata"
    )
    if data.get("credential_issuer") != issuer:
        raise BadInput(
            "the issuer's metadata names another credential_issuer than the offer "
            f"({data.get('credential_issuer')!r}, not {issuer!r}): refusing the offer"
        )
    configs = data.get("credential_configurations_supported")
    if not isinstance(configs, dict):
        raise BadInput("the issuer's metadata has no credential_configurations_supported")
    servers = data.get("authorization_servers")
    server = offer.authorization_server
    if server is None and isinstance(servers, list) and servers and isinstance(servers[0], str):
        server = servers[0]
    if server is not None and isinstance(servers, list) and server not in servers:
        raise BadInput("the offer names an authorization server the issuer does not list")
    as_meta = _authorization_server(client, server or issuer)
    display_name, logo = issuer_display(data)
    methods = as_meta.get("token_endpoint_auth_methods_supported")
    return IssuerMetadata(
        credential_issuer=issuer,
        credential_endpoint=str(_endpoint(data, "credential_endpoint", required=True)),
        token_endpoint=str(_endpoint(as_meta, "token_endpoint", required=True)),
        nonce_endpoint=_endpoint(data, "nonce_endpoint"),
        deferred_endpoint=_endpoint(data, "deferred_credential_endpoint"),
        notification_endpoint=_endpoint(data, "notification_endpoint"),
        display_name=display_name,
        logo=logo,
        configurations={k: v for k, v in configs.items() if isinstance(v, dict)},
        authorization_endpoint=_endpoint(as_meta, "authorization_endpoint"),
        par_endpoint=_endpoint(as_meta, "pushed_authorization_request_endpoint"),
        par_required=as_meta.get("require_pushed_authorization_requests") is True,
        token_auth_methods=tuple(m for m in methods if isinstance(m, str))
        if isinstance(methods, list)
        else (),
    )


def _authorization_server(client: Client, server: str) -> dict[str, Any]:
    from credwallet.net import HttpStatusError

    try:
        data = get_json(
            client, well_known_url(server, "oauth-authorization-server"), what="server metadata"
        )
    except HttpStatusError as exc:
        if exc.status != 404:
            raise
        data = get_json(
            client,
            server.rstrip("/") + "/.well-known/openid-configuration",
            what="authorization server metadata",
        )
    if data.get("issuer") not in (None, server):
        raise BadInput("the authorization server's metadata names another issuer")
    return data


PROOF_TYPES = ("jwt", "di_vp")
# Data Integrity suites credwallet signs a di_vp key proof with (the holder's Ed25519 key).
DI_VP_SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")


def _proof_type(config_id: str, config: dict[str, Any]) -> str:
    """The key proof type to send: ``jwt`` when accepted, else ``di_vp``; else a clear refusal.

    No ``proof_types_supported`` means the issuer takes none (or does not say): ``jwt``.
    """
    proofs = config.get("proof_types_supported")
    if not isinstance(proofs, dict) or not proofs:
        return "jwt"
    usable = [t for t in PROOF_TYPES if isinstance(proofs.get(t), dict)]
    if not usable:
        if "attestation" in proofs:
            raise CertifiedWalletRequired(f"{config_id} takes only attested key proofs")
        kinds = ", ".join(sorted(str(k) for k in proofs)[:5])
        raise BadInput(
            f"{config_id} takes key proofs only as {kinds}; credwallet sends jwt or di_vp proofs"
        )
    for kind in usable:
        if proofs[kind].get("key_attestations_required") is not None:
            raise CertifiedWalletRequired(f"{config_id} requires key attestations")
    if "jwt" in usable and (_signable(proofs["jwt"]) or "di_vp" not in usable):
        return "jwt"  # (when credwallet cannot sign any listed alg, for_algorithms says so)
    suites = proofs["di_vp"].get("proof_signing_alg_values_supported")
    if isinstance(suites, list) and suites and not set(suites) & set(DI_VP_SUITES):
        shown = ", ".join(str(a) for a in suites[:5])
        raise BadInput(
            f"{config_id} takes di_vp key proofs only with {shown}; credwallet signs them with "
            + " or ".join(DI_VP_SUITES)
        )
    return "di_vp"


def _signable(jwt_proofs: dict[str, Any]) -> bool:
    """Whether credwallet can sign a jwt key proof with an algorithm the issuer lists."""
    algs = jwt_proofs.get("proof_signing_alg_values_supported")
    return not isinstance(algs, list) or bool({"EdDSA", "Ed25519", "ES256"} & set(algs))


def _di_vp_suite(config: dict[str, Any]) -> str:
    suites = config["proof_types_supported"]["di_vp"].get("proof_signing_alg_values_supported")
    if isinstance(suites, list):
        for suite in DI_VP_SUITES:
            if suite in suites:
                return suite
    return DI_VP_SUITES[0]


def _check_not_certified_only(meta: IssuerMetadata, config_ids: Sequence[str]) -> None:
    methods = set(meta.token_auth_methods)
    if methods and methods <= {"attest_jwt_client_auth"}:
        raise CertifiedWalletRequired("the token endpoint requires wallet attestation")
    for config_id in config_ids:
        _proof_type(config_id, meta.configurations[config_id])


def _issuer_error(reply: JsonReply, step: str) -> IssuanceFailed:
    code = reply.error_code()
    if code in _CERTIFIED_ERRORS or (code == "invalid_client" and "attest" in str(reply.body)):
        return CertifiedWalletRequired(f"{step}: {code}")
    described = reply.body.get("error_description")
    detail = f": {described[:200]}" if isinstance(described, str) and described else ""
    return IssuanceFailed(
        f"the issuer refused the {step} (HTTP {reply.status}{', ' + code if code else ''}){detail}"
    )


def _token(
    client: Client, meta: IssuerMetadata, offer: CredentialOffer, tx_code: str | None
) -> JsonReply:
    fields = {
        "grant_type": PRE_AUTHORIZED_GRANT,
        "pre-authorized_code": str(offer.pre_authorized_code),
    }
    if tx_code is not None:
        fields["tx_code"] = tx_code
    reply = post_form(client, meta.token_endpoint, fields, what="token request")
    if not reply.ok:
        if reply.error_code() == "invalid_grant":
            raise IssuanceFailed(
                "the issuer refused the code: it is wrong, expired or already used"
                + (" (check the transaction code)" if tx_code is not None else "")
            )
        raise _issuer_error(reply, "token request")
    _check_bearer(reply)
    return reply


def _check_bearer(reply: JsonReply) -> None:
    scheme = str(reply.body.get("token_type", "")).lower()
    if scheme == "dpop":
        raise CertifiedWalletRequired("the token is DPoP-bound")
    if not isinstance(reply.body.get("access_token"), str) or scheme != "bearer":
        raise BadInput("the issuer's token response has no bearer access_token")


def _fresh_nonce(client: Client, meta: IssuerMetadata, fallback: str | None) -> str | None:
    if meta.nonce_endpoint is None:
        return fallback
    reply = post_form(client, meta.nonce_endpoint, {}, what="nonce request")
    nonce = reply.body.get("c_nonce")
    if not reply.ok or not isinstance(nonce, str) or not nonce:
        raise _issuer_error(reply, "nonce request")
    return nonce


def _proof_algorithms(config: dict[str, Any]) -> list[str] | None:
    proofs = config.get("proof_types_supported")
    if not isinstance(proofs, dict) or not isinstance(proofs.get("jwt"), dict):
        return None
    algs = proofs["jwt"].get("proof_signing_alg_values_supported")
    return [a for a in algs if isinstance(a, str)] if isinstance(algs, list) else None


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False).encode("utf-8")
    raise BadInput("the issuer sent a credential that is neither a string nor a JSON object")


def _credentials_of(
    body: dict[str, Any], config_id: str | None, fmt: str | None
) -> list[ReceivedCredential]:
    entries = body.get("credentials")
    if entries is None and "credential" in body:
        raise BadInput("the issuer answered in a draft format (`credential`), not OpenID4VCI 1.0")
    if not isinstance(entries, list) or not entries or len(entries) > _MAX_CREDENTIALS:
        raise BadInput("the issuer's credential response holds no credentials")
    notification = _str(body.get("notification_id"))
    found = []
    for entry in entries:
        if not isinstance(entry, dict) or "credential" not in entry:
            raise BadInput("a credential response entry has no credential")
        found.append(
            ReceivedCredential(_as_bytes(entry["credential"]), config_id, fmt, notification)
        )
    return found


@dataclass
class _Session:
    client: Client
    meta: IssuerMetadata
    token: str
    holder: HolderKeys
    c_nonce: str | None
    client_id: str | None = None
    now: Callable[[], float] | None = None

    def request(self, config_id: str, identifier: str | None) -> tuple[JsonReply, str | None]:
        config = self.meta.configurations[config_id]
        kind = _proof_type(config_id, config)
        payload: dict[str, Any]
        reply: JsonReply | None = None
        for _attempt in range(2):
            nonce = _fresh_nonce(self.client, self.meta, self.c_nonce)
            payload = (
                {"credential_identifier": identifier}
                if identifier
                else {"credential_configuration_id": config_id}
            )
            payload["proofs"] = {kind: [self._proof(kind, config, nonce)]}
            reply = post_json(
                self.client,
                self.meta.credential_endpoint,
                payload,
                what="credential request",
                token=self.token,
            )
            if reply.error_code() != "invalid_nonce":
                break
            # The nonce expired between fetching and using it: one more try with a fresh one.
            fresh = reply.body.get("c_nonce")
            self.c_nonce = fresh if isinstance(fresh, str) else self.c_nonce
        assert reply is not None
        return reply, str(config.get("format"))

    def _proof(self, kind: str, config: dict[str, Any], nonce: str | None) -> Any:
        if kind == "di_vp":
            return di_vp_proof(
                self.holder.ed25519,
                audience=self.meta.credential_issuer,
                nonce=nonce,
                suite=_di_vp_suite(config),
                now=self.now() if self.now else None,
            )
        key = self.holder.for_algorithms(_proof_algorithms(config))
        return key_proof(
            key,
            audience=self.meta.credential_issuer,
            nonce=nonce,
            client_id=self.client_id,
            now=self.now() if self.now else None,
        )


def _identifiers(token_body: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    details = token_body.get("authorization_details")
    if not isinstance(details, list):
        return found
    for detail in details:
        if not isinstance(detail, dict) or detail.get("type") != "openid_credential":
            continue
        config_id = detail.get("credential_configuration_id")
        ids = detail.get("credential_identifiers")
        if isinstance(config_id, str) and isinstance(ids, list):
            found.setdefault(config_id, []).extend(i for i in ids if isinstance(i, str))
    return found


def _wanted(offer: CredentialOffer, meta: IssuerMetadata, only: Sequence[str]) -> list[str]:
    wanted = [c for c in offer.configuration_ids if not only or c in only]
    unknown = [c for c in only if c not in offer.configuration_ids]
    if unknown:
        raise UsageError(f"--only names what is not offered: {', '.join(unknown)}")
    for config_id in wanted:
        fmt = meta.configurations.get(config_id, {}).get("format")
        if fmt not in FORMATS:
            others = [
                c
                for c in offer.configuration_ids
                if meta.configurations.get(c, {}).get("format") in FORMATS
            ]
            hint = f" (take the others with --only {' --only '.join(others)})" if others else ""
            what = "ISO mdoc (mso_mdoc)" if fmt == "mso_mdoc" else repr(fmt)
            raise BadInput(
                f"{config_id} is offered as {what}, a format credwallet does not support{hint}"
            )
    _check_not_certified_only(meta, wanted)
    return wanted


def redeem_pre_authorized(
    client: Client,
    offer: CredentialOffer,
    meta: IssuerMetadata,
    holder: HolderKeys,
    *,
    tx_code: str | None,
    only: Sequence[str] = (),
    now: Callable[[], float] | None = None,
) -> Issued:
    """Token, then one credential request per offered configuration (or identifier)."""
    if not offer.pre_authorized:
        raise UsageError("this offer has no pre-authorized code")
    wanted = _wanted(offer, meta, only)
    if offer.tx_code is not None and tx_code is None:
        raise UsageError("this offer needs the transaction code the issuer sent you")
    token_reply = _token(client, meta, offer, tx_code)
    return _issue(client, meta, token_reply, holder, wanted, client_id=None, now=now)


def _issue(
    client: Client,
    meta: IssuerMetadata,
    token_reply: JsonReply,
    holder: HolderKeys,
    wanted: Sequence[str],
    *,
    client_id: str | None,
    now: Callable[[], float] | None,
) -> Issued:
    token = str(token_reply.body["access_token"])
    c_nonce = _str(token_reply.body.get("c_nonce"))
    session = _Session(client, meta, token, holder, c_nonce, client_id=client_id, now=now)
    issued = Issued(
        "openid4vci",
        meta.credential_issuer,
        notification_endpoint=meta.notification_endpoint,
        access_token=token,
    )
    identifiers = _identifiers(token_reply.body)
    for config_id in wanted:
        chosen: list[str | None] = [*identifiers.get(config_id, [])] or [None]
        for identifier in chosen:
            reply, fmt = session.request(config_id, identifier)
            if reply.status == 202 or (reply.ok and "transaction_id" in reply.body):
                issued.pending.append(_pending(meta, reply.body, token, config_id))
                continue
            if not reply.ok:
                raise _issuer_error(reply, "credential request")
            issued.credentials.extend(_credentials_of(reply.body, config_id, fmt))
    return issued


CLIENT_ID = "credwallet"


def redeem_authorization_code(
    client: Client,
    offer: CredentialOffer,
    meta: IssuerMetadata,
    holder: HolderKeys,
    *,
    open_browser: Callable[[str], object],
    only: Sequence[str] = (),
    client_id: str = CLIENT_ID,
    timeout: float = 300.0,
    now: Callable[[], float] | None = None,
) -> Issued:
    """Authorization code flow with PKCE (S256) and a loopback redirect (RFC 8252); the
    request is pushed first (RFC 9126 PAR) when the server has a PAR endpoint."""
    import base64
    import hashlib
    import secrets
    from urllib.parse import urlencode

    from credwallet.exchange.loopback import LoopbackListener

    wanted = _wanted(offer, meta, only)
    if meta.authorization_endpoint is None:
        raise BadInput("the authorization server publishes no authorization_endpoint")
    if meta.par_required and meta.par_endpoint is None:
        raise BadInput(
            "the authorization server requires pushed authorization requests but publishes no "
            "pushed_authorization_request_endpoint"
        )
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest())
        .rstrip(b"=")
        .decode("ascii")
    )
    details = [{"type": "openid_credential", "credential_configuration_id": c} for c in wanted]
    with LoopbackListener() as listener:
        query = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": listener.redirect_uri,
            "state": listener.state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "authorization_details": json.dumps(details, separators=(",", ":")),
        }
        if offer.issuer_state is not None:
            query["issuer_state"] = offer.issuer_state
        if meta.par_endpoint is not None:
            # RFC 9126: the request goes to the server directly; the browser carries only a
            # reference to it (and the client_id), so nothing of it can be altered on the way.
            query = {"client_id": client_id, "request_uri": _push(client, meta, query)}
        separator = "&" if "?" in meta.authorization_endpoint else "?"
        open_browser(meta.authorization_endpoint + separator + urlencode(query))
        callback = listener.wait(timeout)
        fields = {
            "grant_type": "authorization_code",
            "code": callback.code,
            "redirect_uri": listener.redirect_uri,
            "code_verifier": verifier,
            "client_id": client_id,
        }
    reply = post_form(client, meta.token_endpoint, fields, what="token request")
    if not reply.ok:
        if reply.error_code() == "invalid_grant":
            raise IssuanceFailed("the issuer refused the authorization code (expired or used)")
        raise _issuer_error(reply, "token request")
    _check_bearer(reply)
    return _issue(client, meta, reply, holder, wanted, client_id=client_id, now=now)


def _push(client: Client, meta: IssuerMetadata, fields: dict[str, str]) -> str:
    """POST the authorization request to the PAR endpoint; the ``request_uri`` it answers."""
    assert meta.par_endpoint is not None
    reply = post_form(client, meta.par_endpoint, fields, what="pushed authorization request")
    if not reply.ok:
        raise _issuer_error(reply, "pushed authorization request")
    request_uri = reply.body.get("request_uri")
    if not isinstance(request_uri, str) or not request_uri or len(request_uri) > 2048:
        raise BadInput("the pushed authorization request was answered without a request_uri")
    return request_uri


def _pending(
    meta: IssuerMetadata, body: dict[str, Any], token: str, config_id: str | None
) -> PendingIssuance:
    transaction = _str(body.get("transaction_id"))
    if transaction is None or meta.deferred_endpoint is None:
        raise BadInput("the issuer deferred issuance without a transaction_id or deferred endpoint")
    interval = body.get("interval")
    return PendingIssuance(
        issuer=meta.credential_issuer,
        deferred_endpoint=meta.deferred_endpoint,
        transaction_id=transaction,
        access_token=token,
        config_id=config_id,
        notification_endpoint=meta.notification_endpoint,
        interval=interval if isinstance(interval, int) and not isinstance(interval, bool) else 5,
    )


def poll_deferred(
    client: Client, pending: PendingIssuance
) -> list[ReceivedCredential] | PendingIssuance:
    """The credentials of a deferred issuance, or the (maybe updated) pending issuance."""
    reply = post_json(
        client,
        pending.deferred_endpoint,
        {"transaction_id": pending.transaction_id},
        what="deferred credential request",
        token=pending.access_token,
    )
    if reply.status == 202 or reply.error_code() == "issuance_pending":
        interval = reply.body.get("interval")
        if isinstance(interval, int) and not isinstance(interval, bool) and interval > 0:
            return PendingIssuance(**{**pending.to_json(), "interval": interval})
        return pending
    if not reply.ok:
        raise _issuer_error(reply, "deferred credential request")
    return _credentials_of(reply.body, pending.config_id, None)


def notify(client: Client, endpoint: str, token: str, notification_id: str, event: str) -> bool:
    """Tell the issuer what became of a credential; a failure here loses nothing."""
    from credwallet.errors import CredwalletError

    try:
        reply = post_json(
            client,
            endpoint,
            {"notification_id": notification_id, "event": event},
            what="notification",
            token=token,
        )
    except CredwalletError:
        return False
    return reply.ok
