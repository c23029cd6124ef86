"""Presenting to a VC-API / VCALM verifier (VerifierPlus, the Learner Credential Wallet's way).

The interaction URL answers ``GET`` (``Accept: application/json``) with a ``protocols`` map; the
wallet ``POST {}`` to the ``vcapi`` exchange, which answers with a
``verifiablePresentationRequest``:
``query`` entries of type ``QueryByExample`` (``credentialQuery``: one object or an array, each
with an ``example`` naming ``type`` and optionally ``issuer``, plus ``acceptedIssuers`` /
``trustedIssuer``) or ``DIDAuthentication``, a ``challenge``, a ``domain`` and optionally
``interact.service`` (where the answer goes). The answer is ``{"verifiablePresentation": VP}``,
the VP signed by the holder with proof purpose ``authentication`` over the request's own
``challenge`` and ``domain``; the exchange then finishes, redirects (``redirectUrl``) or asks again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from credwallet.errors import BadInput, CredwalletError, UsageError
from credwallet.exchange._http import Client, JsonReply, post_json
from credwallet.exchange.holder import HolderKeys
from credwallet.exchange.present import (
    UNAUTHENTICATED,
    Candidate,
    Exchange,
    Holder,
    Holding,
    NoMatch,
    Outcome,
    PresentationRefused,
    RequestItem,
    Selection,
    Verifier,
    whole_credential_claims,
)
from credwallet.exchange.vcapi import interact_service
from credwallet.models import Credential, CredentialFormat, JSONObject

if TYPE_CHECKING:
    from credwallet.verify.trust import TrustConfig

__all__ = ["VcApiExchange", "open_vcapi", "parse_request"]

_DID_AUTH = ("DIDAuthentication", "DIDAuth")
_MAX_QUERIES = 20
_PRESENTABLE = (CredentialFormat.OB3, CredentialFormat.VC, CredentialFormat.VC_JWT)
_BASE_TYPES = {"VerifiableCredential"}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _ids(value: Any) -> list[str]:
    """Issuer identifiers from a string, an ``{"id": ...}`` object, or a list of either."""
    found = []
    for entry in _as_list(value):
        if isinstance(entry, str) and entry:
            found.append(entry)
        elif isinstance(entry, dict):
            ident = entry.get("id") or entry.get("issuer")
            if isinstance(ident, str) and ident:
                found.append(ident)
            elif isinstance(ident, dict) and isinstance(ident.get("id"), str):
                found.append(ident["id"])
    return found


class _Query:
    """One ``credentialQuery``: the types every match must have, and the issuers it accepts."""

    def __init__(self, query: dict[str, Any]) -> None:
        example = query.get("example")
        example = example if isinstance(example, dict) else {}
        self.types = tuple(t for t in _as_list(example.get("type")) if isinstance(t, str) and t)
        self.issuers = tuple(
            _ids(example.get("issuer"))
            + _ids(query.get("acceptedIssuers"))
            + _ids(query.get("trustedIssuer"))
        )
        reason = query.get("reason")
        self.reason = reason if isinstance(reason, str) and reason else None
        self.required = query.get("required") is not False

    def describe(self) -> str:
        wanted = [t for t in self.types if t not in _BASE_TYPES] or ["any credential"]
        text = " and ".join(wanted)
        if self.issuers:
            text += " issued by " + " or ".join(self.issuers[:3])
            if len(self.issuers) > 3:
                text += f" (or {len(self.issuers) - 3} more)"
        return text

    def matches(self, credential: Credential) -> bool:
        if credential.format not in _PRESENTABLE:
            return False
        held_types = set(credential.types)
        if not set(self.types) - _BASE_TYPES <= held_types:
            return False
        return not self.issuers or (credential.issuer.id or "") in self.issuers


def parse_request(request: Any) -> tuple[list[tuple[str, _Query | None]], str, str | None]:
    """The request's items (``None`` for DID authentication), its challenge and its domain."""
    if not isinstance(request, dict):
        raise BadInput("the verifier's presentation request is not a JSON object")
    challenge = request.get("challenge")
    if not isinstance(challenge, str) or not challenge:
        raise BadInput("the verifier's request has no challenge: credwallet will not answer it")
    domain = request.get("domain")
    if domain is not None and (not isinstance(domain, str) or not domain):
        raise BadInput("the verifier's request has a domain that is not text")
    items: list[tuple[str, _Query | None]] = []
    for query in _as_list(request.get("query")):
        kind = query.get("type") if isinstance(query, dict) else None
        if kind in _DID_AUTH:
            items.append((f"query-{len(items) + 1}", None))
        elif kind == "QueryByExample":
            for entry in _as_list(query.get("credentialQuery")):
                if not isinstance(entry, dict):
                    raise BadInput("the verifier's credentialQuery is not an object")
                items.append((f"query-{len(items) + 1}", _Query(entry)))
        else:
            raise BadInput(
                f"the verifier asks by {str(kind)[:40]!r}; credwallet answers QueryByExample "
                "and DIDAuthentication"
            )
        if len(items) > _MAX_QUERIES:
            raise BadInput("the verifier's request holds too many queries")
    if not items:
        raise BadInput("the verifier's request asks for nothing")
    return items, challenge, domain


def _verifier(url: str, domain: str | None) -> Verifier:
    """The exchange's host; proven by TLS when https (the request came from that host)."""
    parts = urlsplit(url)
    host = parts.hostname or parts.netloc
    claimed = domain if domain and domain != host and domain != parts.netloc else None
    if parts.scheme == "https":
        return Verifier(host, True, f"request fetched over https from {host}", name=claimed)
    return Verifier(parts.netloc or url, False, UNAUTHENTICATED, name=claimed)


class VcApiExchange:
    """An open VC-API exchange whose presentation request has been read."""

    protocol = "vc-api"

    def __init__(self, client: Client, url: str, request: dict[str, Any]) -> None:
        self._client = client
        self._items, self.challenge, self.domain = parse_request(request)
        self.target = interact_service(request) or url
        _check(self.target)
        self.verifier = _verifier(url, self.domain)
        self._held: dict[str, Credential] = {}
        self._matches: dict[str, list[str]] = {}  # item id -> matching wallet ids

    def recognise(
        self, trust: TrustConfig | None, now: datetime, holder: HolderKeys | None = None
    ) -> None:
        """Nothing to learn: a VC-API verifier is named by its host, and any held VC may go."""

    def candidates(self, held: Sequence[Holding]) -> list[RequestItem]:
        items = []
        for item_id, query in self._items:
            if query is None:
                items.append(
                    RequestItem(
                        item_id,
                        "proof that you control your holder DID (no credential)",
                        asks_credential=False,
                    )
                )
                continue
            found = []
            for entry in held:
                if query.matches(entry.credential):
                    self._held[entry.wallet_id] = entry.credential
                    found.append(_candidate(entry))
            self._matches[item_id] = [c.wallet_id for c in found]
            items.append(
                RequestItem(
                    item_id,
                    query.describe(),
                    tuple(found),
                    reason=query.reason,
                    required=query.required,
                    multiple=True,
                )
            )
        return items

    def missing(self, selection: Selection) -> str | None:
        for item_id, query in self._items:
            if query is None or not query.required:
                continue
            matches = self._matches.get(item_id, [])
            if not matches:
                return f"no credential in your wallet matches {query.describe()} ({item_id})"
            if not [w for w in selection.get(item_id, ()) if w in matches]:
                return f"nothing selected for {query.describe()} ({item_id})"
        unknown = [
            w
            for item_id, chosen in selection.items()
            for w in chosen
            if w not in self._matches.get(item_id, [])
        ]
        if unknown:
            return f"{unknown[0]} does not answer this request"
        return None

    def send(self, selection: Selection, holder: Holder) -> Outcome:
        problem = self.missing(selection)
        if problem is not None:
            raise NoMatch(f"{problem}; nothing was sent")
        chosen: list[str] = []
        for ids in selection.values():
            chosen.extend(w for w in ids if w not in chosen)
        presentation = self.presentation([self._held[w] for w in chosen], holder)
        reply = post_json(
            self._client,
            self.target,
            {"verifiablePresentation": presentation},
            what="the verifier's exchange",
        )
        return self._outcome(reply, chosen)

    def presentation(self, credentials: Sequence[Credential], holder: Holder) -> JSONObject:
        """The VP signed by the holder over this request's challenge and domain."""
        from credwallet.share.presentation import (
            VC2_CONTEXT,
            build_presentation,
            sign_presentation,
        )

        key = holder.keys.ed25519
        unsigned: JSONObject
        if credentials:
            unsigned = build_presentation(credentials, holder=key.did_key, holder_name=holder.name)
        else:
            unsigned = {
                "@context": [VC2_CONTEXT],
                "type": ["VerifiablePresentation"],
                "holder": {"id": key.did_key, "name": holder.name} if holder.name else key.did_key,
            }
        # JSON-LD drops a bare VC-JWT string (VC 1.1): only JCS then covers every credential.
        suite = (
            "eddsa-jcs-2022"
            if any(isinstance(v, str) for v in unsigned.get("verifiableCredential", []))
            else "eddsa-rdfc-2022"
        )
        return sign_presentation(
            unsigned, key=key, suite=suite, challenge=self.challenge, domain=self.domain
        )

    def _outcome(self, reply: JsonReply, sent: list[str]) -> Outcome:
        if not reply.ok:
            raise PresentationRefused(
                f"the verifier refused the presentation (HTTP {reply.status})"
                + (f": {_said(reply.body)}" if _said(reply.body) else "")
            )
        body = reply.body
        redirect = body.get("redirectUrl")
        if isinstance(redirect, str) and redirect.startswith("https://"):
            return Outcome(self.protocol, self.verifier, "redirect", sent, redirect_url=redirect)
        if isinstance(body.get("verifiablePresentationRequest"), dict):
            return Outcome(
                self.protocol,
                self.verifier,
                "more",
                sent,
                message="the verifier asked for more after this presentation; run present "
                "again with its new request",
            )
        return Outcome(self.protocol, self.verifier, "done", sent)


def _said(body: dict[str, Any]) -> str:
    """The verifier's own error text, cut short and on one line."""
    for key in ("message", "error_description", "error", "title"):
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())[:200]
    return ""


def _candidate(entry: Holding) -> Candidate:
    credential = entry.credential
    return Candidate(
        entry.wallet_id,
        credential.display_name,
        whole_credential_claims(credential),
        format=str(credential.format),
        issuer=credential.issuer.name or credential.issuer.id,
    )


def _check(url: str) -> None:
    from credwallet.net import check_url, loopback_allowed_from_env

    check_url(url, allow_loopback=loopback_allowed_from_env())


def _is_interaction(url: str) -> bool:
    return url.lower().startswith("interaction:") or "iuv" in parse_qs(urlsplit(url).query)


def open_vcapi(
    text: str, client: Client, *, open_oid4vp: Callable[[str, Client], Exchange]
) -> Exchange:
    """Open a VC-API exchange from an interaction URL, an exchange URL or a request in JSON."""
    from credwallet.exchange.vcapi import interaction_protocols

    if text.startswith("{"):
        return _from_json(text, client)
    url = text
    if _is_interaction(url):
        if url.lower().startswith("interaction:"):
            url = url[len("interaction:") :]
        _check(url)
        protocols = interaction_protocols(client, url)
        lowered = {k.lower(): v for k, v in protocols.items()}
        if "vcapi" in lowered:
            url = lowered["vcapi"]
        elif "oid4vp" in lowered or "openid4vp" in lowered:
            return open_oid4vp(lowered.get("oid4vp") or lowered["openid4vp"], client)
        else:
            raise BadInput(
                "the interaction URL offers no protocol credwallet presents with (vcapi, OID4VP)"
            )
    if not url.lower().startswith(("https://", "http://")):
        raise BadInput("not a verifier's request: expected an https URL or openid4vp:// link")
    _check(url)
    reply = post_json(client, url, {}, what="the verifier's exchange")
    if not reply.ok:
        said = _said(reply.body)
        raise PresentationRefused(
            f"the verifier's exchange refused to start (HTTP {reply.status})"
            + (f": {said}" if said else "")
        )
    request = reply.body.get("verifiablePresentationRequest")
    if not isinstance(request, dict):
        raise BadInput(
            "the exchange did not ask for a presentation (no verifiablePresentationRequest)"
        )
    return VcApiExchange(client, url, request)


def _from_json(text: str, client: Client) -> Exchange:
    from credwallet.formats.jsonutil import loads_strict

    try:
        data = loads_strict(text.encode("utf-8"))
    except CredwalletError as exc:
        raise BadInput(f"the request is not JSON ({exc.message})") from None
    request = data.get("verifiablePresentationRequest", data) if isinstance(data, dict) else None
    if not isinstance(request, dict) or "query" not in request:
        raise BadInput("this JSON is not a verifiablePresentationRequest")
    service = interact_service(request)
    if service is None:
        raise UsageError("this presentation request names no exchange to answer (interact.service)")
    return VcApiExchange(client, service, request)


def _typecheck(exchange: VcApiExchange) -> Exchange:
    return exchange  # mypy proves VcApiExchange implements the Exchange protocol
