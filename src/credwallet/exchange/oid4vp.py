"""OpenID for Verifiable Presentations 1.0, the wallet's side (same-device or pasted request).

1. :func:`load_request` reads ``openid4vp://?client_id=…&request_uri=…`` (or ``request=`` by
   value, or plain parameters), fetches the Request Object (GET, or POST when
   ``request_uri_method=post``) through the wallet's fetcher (https only, size caps), and
   authenticates the verifier by its client identifier prefix (section 5.9):

   - ``redirect_uri:`` the request is unsigned and proves nothing; the verifier is shown as
     "unauthenticated verifier: <host>" and the response goes only to that very URI;
   - ``decentralized_identifier:`` the Request Object must be a JWT typed
     ``oauth-authz-req+jwt`` signed by a key of that DID (the ``kid``, resolved through the
     project's did:key / did:jwk / did:web resolvers); a signature that does not verify is a
     refusal before anything is sent. The DID's registered name comes from the trust
     registries the user follows, when one lists it.

   Other prefixes (x509, verifier attestation, federation, pre-registered) are refused with a
   message that names them.
2. :mod:`credwallet.exchange.dcql` matches the DCQL query against held credentials.
3. :func:`build_vp_token` makes one presentation per chosen credential, keyed by query id:
   an SD-JWT VC with only the needed disclosures and a KB-JWT (``aud`` the client id, the
   request's ``nonce``); an ``ldp_vc`` inside a Data Integrity VP with ``challenge`` = nonce and
   ``domain`` = client id; a ``jwt_vc_json`` inside a VP-JWT with ``nonce`` and ``aud``.
4. :func:`send_response` posts ``vp_token`` (and ``state``) form-encoded to ``response_uri``
   (``direct_post``), or both encrypted to the verifier's ``client_metadata.jwks`` key as one
   JWE in ``response`` (``direct_post.jwt``, :mod:`credwallet.exchange.jwe`); the verifier may
   answer with a ``redirect_uri`` for the user to open.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

from credwallet.errors import BadInput, CredwalletError, FetchError
from credwallet.exchange._http import Client
from credwallet.exchange.dcql import (
    JWT_VC_JSON,
    LDP_VC,
    SD_JWT,
    Candidate,
    DcqlQuery,
    QueryMatch,
    match,
    parse_dcql,
    plan,
)
from credwallet.exchange.holder import HolderKeys, compact_jws
from credwallet.exchange.present import PresentationRefused
from credwallet.formats.jose import CompactJws, decode_compact_jws
from credwallet.models import Credential

if TYPE_CHECKING:
    from credwallet.exchange.present import Exchange
    from credwallet.verify.jsonld import DocumentLoader
    from credwallet.verify.trust import TrustConfig

__all__ = [
    "REQUEST_SCHEMES",
    "AuthorizationRequest",
    "RequestRefused",
    "RequestVerifier",
    "ResponseOutcome",
    "build_vp_token",
    "is_openid4vp",
    "load_request",
    "open_oid4vp",
    "send_response",
]

REQUEST_SCHEMES = ("openid4vp://", "eudi-openid4vp://", "haip://", "mdoc-openid4vp://")
REQUEST_TYP = "oauth-authz-req+jwt"
REDIRECT_URI = "redirect_uri"
DECENTRALIZED_IDENTIFIER = "decentralized_identifier"
_UNSUPPORTED_PREFIXES = {
    "x509_san_dns": "X.509 certificates (x509_san_dns)",
    "x509_hash": "X.509 certificates (x509_hash)",
    "verifier_attestation": "verifier attestations",
    "openid_federation": "OpenID Federation",
    "origin": "the Digital Credentials API (origin)",
    "pre-registered": "pre-registration",
}
_SIGNED_ALGS = frozenset({"EdDSA", "ES256", "ES384", "RS256", "PS256"})
_MAX_REQUEST_CHARS = 256 * 1024
_REQUEST_ACCEPT = "application/oauth-authz-req+jwt, application/jwt;q=0.9"
_VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"


class RequestRefused(BadInput):
    """Raised when: a verifier's request is malformed, unsupported or fails authentication.

    Nothing has been sent to the verifier when this is raised.
    """


@dataclass(frozen=True, slots=True)
class RequestVerifier:
    """Who asks, as far as the request proves it."""

    client_id: str
    prefix: str
    authenticated: bool
    identifier: str  # the DID, or the redirect URI's host
    registered_name: str | None = None
    claimed_name: str | None = None  # client_metadata.client_name: the verifier's own word
    trust: str | None = None  # registered | self-chosen | unknown | blocked (verify.trust)

    @property
    def label(self) -> str:
        if not self.authenticated:
            return f"unauthenticated verifier: {self.identifier}"
        if self.trust == "registered" and self.registered_name:
            return f"{self.identifier} (registered as {self.registered_name})"
        if self.trust == "self-chosen":
            named = f" as {self.registered_name}" if self.registered_name else ""
            return f"{self.identifier} (pinned by you{named})"
        if self.trust == "blocked":
            return f"{self.identifier} (BLOCKED by you)"
        return f"{self.identifier} (signed request; in no registry you follow)"

    def to_json(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "prefix": self.prefix,
            "authenticated": self.authenticated,
            "identifier": self.identifier,
            "registered_name": self.registered_name,
            "claimed_name": self.claimed_name,
            "trust": self.trust,
            "label": self.label,
        }


@dataclass
class AuthorizationRequest:
    """An authenticated, validated OpenID4VP authorization request."""

    verifier: RequestVerifier
    client_id: str
    nonce: str
    response_uri: str
    dcql: DcqlQuery
    state: str | None = None
    response_mode: str = "direct_post"
    client_metadata: dict[str, Any] = field(default_factory=dict)

    def match(self, held: Sequence[Any], holder: HolderKeys | None = None) -> dict[str, QueryMatch]:
        """Candidates per DCQL query id (SD-JWT VCs only when bound to ``holder``'s keys)."""
        bound = None
        if holder is not None:
            from credwallet.exchange.sdjwt_present import binding_key

            def bound(credential: Credential) -> bool:
                return binding_key(credential.document, holder) is not None

        return match(self.dcql, held, bound=bound)

    def plan(self, matches: dict[str, QueryMatch]) -> tuple[list[str], list[str]]:
        return plan(self.dcql, matches)


def is_openid4vp(text: str) -> bool:
    """Whether ``text`` is an OpenID4VP request link (a custom scheme, or https with one)."""
    value = text.strip().lower()
    if value.startswith(REQUEST_SCHEMES):
        return True
    if value.startswith("https://"):
        query = parse_qs(urlsplit(text.strip()).query)
        return "client_id" in query and bool({"request_uri", "request", "dcql_query"} & set(query))
    return False


# --- reading the request ----------------------------------------------------------------------


def _link_parameters(text: str) -> dict[str, str]:
    value = text.strip()
    if len(value) > _MAX_REQUEST_CHARS:
        raise RequestRefused("the request link is too long")
    query = urlsplit(value).query
    if not query and "?" in value:
        query = value.split("?", 1)[1]
    parsed = parse_qs(query, keep_blank_values=True)
    out: dict[str, str] = {}
    for name, values in parsed.items():
        if len(values) != 1:
            raise RequestRefused(f"the request repeats the parameter {name!r}")
        out[name] = values[0]
    return out


def _fetch_request_object(client: Client, url: str, method: str) -> str:
    if not url.lower().startswith(("https://", "http://")):
        raise RequestRefused("request_uri must be an https URL")
    try:
        if method == "post":
            reply = client.post(
                url,
                urlencode({}).encode("ascii"),
                content_type="application/x-www-form-urlencoded",
                accept=_REQUEST_ACCEPT,
            )
            if not 200 <= reply.status < 300:
                raise RequestRefused(f"the verifier's request_uri answered HTTP {reply.status}")
            body = reply.body
        else:
            body = client.fetch(url, accept=_REQUEST_ACCEPT).body
    except FetchError as exc:
        raise FetchError(f"could not fetch the verifier's request: {exc.message}") from None
    if len(body) > _MAX_REQUEST_CHARS:
        raise RequestRefused("the verifier's request object is too large")
    try:
        return body.decode("ascii").strip()
    except UnicodeDecodeError:
        raise RequestRefused("the verifier's request object is not a JWT") from None


def _decode_request_object(token: str) -> CompactJws:
    try:
        return decode_compact_jws(token, max_bytes=_MAX_REQUEST_CHARS)
    except CredwalletError as exc:
        raise RequestRefused(
            f"the verifier's request object is not a JWT ({exc.message})"
        ) from None


def _split_client_id(client_id: str) -> tuple[str, str]:
    prefix, sep, rest = client_id.partition(":")
    if sep and prefix in (REDIRECT_URI, DECENTRALIZED_IDENTIFIER, *_UNSUPPORTED_PREFIXES):
        return prefix, rest
    return "pre-registered", client_id


def _json_parameter(value: Any, name: str) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise RequestRefused(f"the request's {name} is not JSON") from None
    return value


def _text(params: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    value = params.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or len(value) > 4096:
        raise RequestRefused(f"the verifier's request has no usable {name}")
    return value


def _verify_did_signature(jws: CompactJws, did: str, client: Client | None) -> None:
    from credwallet.verify.jwt import verify_jws_signature
    from credwallet.verify.keys import resolve_verification_method

    if jws.header.get("typ") != REQUEST_TYP:
        raise RequestRefused(
            f"the verifier's request object is not typed {REQUEST_TYP} "
            f"({jws.header.get('typ')!r}): refusing it"
        )
    alg = jws.alg
    if alg not in _SIGNED_ALGS:
        raise RequestRefused(
            f"a verifier identified by a DID must sign its request (alg {alg!r}): refusing it"
        )
    kid = jws.header.get("kid")
    if not isinstance(kid, str) or not kid:
        if not did.startswith(("did:key:", "did:jwk:")):
            raise RequestRefused("the verifier's signed request names no kid")
        kid = did
    method = did + kid if kid.startswith("#") else kid
    if method.split("#", 1)[0] != did:
        raise RequestRefused(f"the request is signed with {method}, which is not a key of {did}")
    try:
        resolved = resolve_verification_method(method, fetcher=client)
    except FetchError as exc:
        raise FetchError(f"could not resolve the verifier's DID: {exc.message}") from None
    except CredwalletError as exc:
        raise RequestRefused(f"the verifier's key {method} is unusable: {exc.message}") from None
    if not verify_jws_signature(jws.signing_input, jws.signature, str(alg), resolved.key):
        raise RequestRefused(
            f"the request's signature does not verify with {did}'s key: it was forged or "
            "changed on the way; nothing was sent"
        )


def _check_unexpired(payload: dict[str, Any], now: float) -> None:
    exp = payload.get("exp")
    if isinstance(exp, int | float) and not isinstance(exp, bool) and exp < now - 60:
        raise RequestRefused("the verifier's request has expired")


def _trust_of(did: str, trust: TrustConfig | None, now: float) -> tuple[str | None, str | None]:
    """(label, registered name) of a verifier DID in the user's registries, pins and blocks."""
    if trust is None:
        return None, None
    from credwallet.verify.trust import evaluate

    outcome = evaluate(did, trust, now=datetime.fromtimestamp(now, tz=UTC))
    return outcome.label, outcome.registered_name


def load_request(
    text: str,
    client: Client | None,
    *,
    trust: TrustConfig | None = None,
    now: Callable[[], float] | None = None,
) -> AuthorizationRequest:
    """Read, fetch and authenticate an OpenID4VP request; nothing is sent to the verifier
    but the GET (or POST) of its own ``request_uri``. :class:`RequestRefused` says why not."""
    clock = now() if now else time.time()
    link = _link_parameters(text)
    outer_client_id = _text(link, "client_id")
    assert outer_client_id is not None
    prefix, identifier = _split_client_id(outer_client_id)
    if prefix in _UNSUPPORTED_PREFIXES:
        raise RequestRefused(
            f"this verifier identifies itself by {_UNSUPPORTED_PREFIXES[prefix]} "
            f"(client_id prefix {prefix!r}); credwallet answers only redirect_uri and "
            "decentralized_identifier verifiers"
        )
    if "request" in link and "request_uri" in link:
        raise RequestRefused("the request carries both request and request_uri")
    params: dict[str, Any]
    jws: CompactJws | None = None
    if "request" in link or "request_uri" in link:
        if "request_uri" in link:
            method = link.get("request_uri_method", "get")
            if method not in ("get", "post"):
                raise RequestRefused("request_uri_method must be get or post")
            token = _fetch_request_object(client_required(client), link["request_uri"], method)
        else:
            token = link["request"]
        jws = _decode_request_object(token)
        params = dict(jws.payload)
        if params.get("client_id") != outer_client_id:
            raise RequestRefused(
                "the request object names another client_id than the link: refusing it"
            )
    else:
        params = dict(link)
    signed = jws is not None and jws.alg not in (None, "none")
    client_metadata = _json_parameter(params.get("client_metadata"), "client_metadata") or {}
    if not isinstance(client_metadata, dict):
        raise RequestRefused("the request's client_metadata is not an object")
    claimed = client_metadata.get("client_name")
    claimed_name = claimed if isinstance(claimed, str) and claimed else None
    if prefix == DECENTRALIZED_IDENTIFIER:
        if jws is None or not signed:
            raise RequestRefused(
                "a verifier identified by a DID must send a signed request object: refusing it"
            )
        if not identifier.startswith("did:"):
            raise RequestRefused("the decentralized_identifier client_id is not a DID")
        _verify_did_signature(jws, identifier, client)
        label, registered = _trust_of(identifier, trust, clock)
        if label == "blocked":
            raise RequestRefused(f"you blocked the verifier {identifier}: nothing was sent")
        verifier = RequestVerifier(
            outer_client_id, prefix, True, identifier, registered, claimed_name, label
        )
    elif prefix == REDIRECT_URI:
        if signed:
            raise RequestRefused(
                "a redirect_uri verifier may not sign its request (it has no key to check): "
                "refusing it"
            )
        host = urlsplit(identifier).hostname
        if not identifier.lower().startswith(("https://", "http://")) or not host:
            raise RequestRefused("the redirect_uri client_id is not an https URL")
        verifier = RequestVerifier(outer_client_id, prefix, False, host, None, claimed_name)
    else:
        raise RequestRefused(
            "this verifier has no client_id prefix (a pre-registered verifier): credwallet "
            "answers only redirect_uri and decentralized_identifier verifiers"
        )
    return _validated(params, verifier, identifier, client_metadata, clock)


def open_oid4vp(text: str, client: Client) -> Exchange:
    """The entry point :func:`credwallet.exchange.present.open_request` routes requests to."""
    from credwallet.exchange.oid4vp_present import OpenId4VpExchange

    return OpenId4VpExchange(client, load_request(text, client))


def client_required(client: Client | None) -> Client:
    if client is None:
        raise FetchError("the verifier's request is given by reference and the network is off")
    return client


def _validated(
    params: dict[str, Any],
    verifier: RequestVerifier,
    identifier: str,
    client_metadata: dict[str, Any],
    clock: float,
) -> AuthorizationRequest:
    _check_unexpired(params, clock)
    response_type = params.get("response_type")
    if response_type != "vp_token":
        raise RequestRefused(
            f"the request asks for response_type {response_type!r}; credwallet answers vp_token"
        )
    mode = params.get("response_mode")
    if mode not in ("direct_post", "direct_post.jwt"):
        raise RequestRefused(
            f"the verifier wants the response_mode {mode!r}; credwallet answers only by "
            "direct_post or direct_post.jwt"
        )
    if mode == "direct_post.jwt":
        from credwallet.exchange.jwe import choose_encryption, choose_key

        try:
            choose_key(client_metadata.get("jwks"))
            choose_encryption(client_metadata.get("encrypted_response_enc_values_supported"))
        except BadInput as exc:
            raise RequestRefused(f"cannot encrypt the response: {exc.message}") from None
    response_uri = _text(params, "response_uri")
    assert response_uri is not None
    if not response_uri.lower().startswith(("https://", "http://")):
        raise RequestRefused("the request's response_uri is not an https URL")
    if "redirect_uri" in params:
        raise RequestRefused("a direct_post request may not carry a redirect_uri")
    if verifier.prefix == REDIRECT_URI and response_uri != identifier:
        raise RequestRefused(
            f"the response would go to {response_uri}, not to the verifier's own URI "
            f"{identifier}: refusing it"
        )
    nonce = _text(params, "nonce")
    assert nonce is not None
    state = _text(params, "state", required=False)
    if "transaction_data" in params:
        raise RequestRefused("the request carries transaction_data, which credwallet cannot sign")
    if "dcql_query" not in params:
        kind = "a presentation_definition" if "presentation_definition" in params else "no query"
        raise RequestRefused(
            f"the request has {kind}; credwallet answers DCQL queries (dcql_query) only"
        )
    try:
        dcql = parse_dcql(_json_parameter(params["dcql_query"], "dcql_query"))
    except RequestRefused:
        raise
    except BadInput as exc:
        raise RequestRefused(exc.message) from None
    return AuthorizationRequest(
        verifier=verifier,
        client_id=verifier.client_id,
        nonce=nonce,
        response_uri=response_uri,
        dcql=dcql,
        state=state,
        response_mode=str(mode),
        client_metadata=client_metadata,
    )


# --- building the response -----------------------------------------------------------------------


def _check_alg(request: AuthorizationRequest, fmt: str, field: str, alg: str) -> None:
    """Refuse before signing when the verifier lists the algorithms it takes and ours is not."""
    formats = request.client_metadata.get("vp_formats_supported")
    entry = formats.get(fmt) if isinstance(formats, dict) else None
    accepted = entry.get(field) if isinstance(entry, dict) else None
    if isinstance(accepted, list) and accepted and alg not in accepted:
        shown = ", ".join(str(a) for a in accepted[:5])
        raise BadInput(f"the verifier takes {fmt} signed with {shown} only; credwallet signs {alg}")


def _ldp_suite(request: AuthorizationRequest) -> str:
    formats = request.client_metadata.get("vp_formats_supported")
    ldp = formats.get(LDP_VC) if isinstance(formats, dict) else None
    suites = ldp.get("cryptosuite_values") if isinstance(ldp, dict) else None
    if isinstance(suites, list) and "eddsa-rdfc-2022" not in suites:
        if "eddsa-jcs-2022" in suites:
            return "eddsa-jcs-2022"
        raise BadInput(
            "the verifier accepts no Data Integrity suite credwallet signs with "
            f"({', '.join(str(s) for s in suites[:5])})"
        )
    return "eddsa-rdfc-2022"


def _vp_jwt(
    credential: Credential, request: AuthorizationRequest, holder: HolderKeys, now: float
) -> str:
    key = holder.ed25519
    if not credential.jws:
        raise BadInput(f"{credential.display_name!r} has lost its JWS; re-import it")
    header = {"alg": "EdDSA", "typ": "JWT", "kid": key.verification_method}
    payload = {
        "iss": key.did_key,
        "aud": request.client_id,
        "nonce": request.nonce,
        "iat": int(now),
        "exp": int(now) + 600,
        "jti": f"urn:uuid:{uuid.uuid4()}",
        "vp": {
            "@context": [_VC1_CONTEXT],
            "type": ["VerifiablePresentation"],
            "holder": key.did_key,
            "verifiableCredential": [credential.jws],
        },
    }
    return compact_jws(key, header, payload)


def _presentation(
    candidate: Candidate,
    request: AuthorizationRequest,
    holder: HolderKeys,
    now: float,
    loader: DocumentLoader | None,
    holder_name: str | None = None,
) -> str | dict[str, Any]:
    credential = candidate.held.credential
    query = request.dcql.query(candidate.query_id)
    if query.format == SD_JWT:
        from credwallet.exchange.sdjwt_present import binding_key, present_sd_jwt

        key = binding_key(credential.document, holder)
        if key is None and query.require_binding:
            raise BadInput(
                f"{credential.display_name!r} is not bound to a key of yours, and the verifier "
                "requires proof of possession"
            )
        if not credential.jws:
            raise BadInput(f"{credential.display_name!r} has lost its SD-JWT; re-import it")
        if key is not None:
            alg = "EdDSA" if key.algorithm == "Ed25519" else "ES256"
            _check_alg(request, SD_JWT, "kb-jwt_alg_values", alg)
        return present_sd_jwt(
            credential.jws,
            candidate.paths,
            key=key,
            audience=request.client_id,
            nonce=request.nonce,
            now=now,
        )
    if query.format == LDP_VC:
        from credwallet.share.presentation import create_presentation

        return create_presentation(
            [credential],
            key=holder.ed25519,
            suite=_ldp_suite(request),
            challenge=request.nonce,
            domain=request.client_id,
            created=datetime.fromtimestamp(now, tz=UTC).replace(microsecond=0),
            loader=loader,
            holder_name=holder_name,
        )
    if query.format == JWT_VC_JSON:
        _check_alg(request, JWT_VC_JSON, "alg_values", "EdDSA")
        return _vp_jwt(credential, request, holder, now)
    raise BadInput(f"credwallet cannot present the format {query.format!r}")  # pragma: no cover


def build_vp_token(
    request: AuthorizationRequest,
    chosen: Sequence[Candidate],
    holder: HolderKeys,
    *,
    now: float | None = None,
    loader: DocumentLoader | None = None,
    holder_name: str | None = None,
) -> dict[str, list[str | dict[str, Any]]]:
    """``{query id: [presentation, ...]}`` for the chosen candidates (one per query unless
    the query allows ``multiple``); ``holder_name`` goes into (signed) Data Integrity VPs."""
    clock = now if now is not None else time.time()
    token: dict[str, list[str | dict[str, Any]]] = {}
    for candidate in chosen:
        query = request.dcql.query(candidate.query_id)
        entries = token.setdefault(candidate.query_id, [])
        if entries and not query.multiple:
            raise BadInput(f"the verifier asked for one credential for {query.id!r}, not several")
        entries.append(_presentation(candidate, request, holder, clock, loader, holder_name))
    if not token:
        raise BadInput("nothing chosen to present")
    return token


# --- sending it ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResponseOutcome:
    """The verifier's answer: where to send the user next, if anywhere."""

    status: int
    redirect_uri: str | None = None


def send_response(
    client: Client, request: AuthorizationRequest, vp_token: dict[str, Any]
) -> ResponseOutcome:
    """POST the ``vp_token`` (and ``state``) to the verifier's ``response_uri``."""
    from credwallet.exchange._http import post_form

    fields = {"vp_token": json.dumps(vp_token, separators=(",", ":"), ensure_ascii=False)}
    if request.state is not None:
        fields["state"] = request.state
    if request.response_mode == "direct_post.jwt":
        # Encrypted to the verifier's key: the response parameters become the JWE's payload.
        from credwallet.exchange.jwe import choose_encryption, choose_key, encrypt

        metadata = request.client_metadata
        payload: dict[str, Any] = {"vp_token": vp_token}
        if request.state is not None:
            payload["state"] = request.state
        fields = {
            "response": encrypt(
                json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8"),
                choose_key(metadata.get("jwks")),
                enc=choose_encryption(metadata.get("encrypted_response_enc_values_supported")),
            )
        }
    reply = post_form(client, request.response_uri, fields, what="presentation response")
    if not reply.ok:
        code = reply.error_code()
        described = reply.body.get("error_description")
        detail = f": {described[:200]}" if isinstance(described, str) and described else ""
        raise PresentationRefused(
            f"the verifier refused the presentation (HTTP {reply.status}"
            f"{', ' + code if code else ''}){detail}"
        )
    redirect = reply.body.get("redirect_uri")
    if not isinstance(redirect, str) or not redirect.lower().startswith(("https://", "http://")):
        redirect = None
    return ResponseOutcome(reply.status, redirect)
