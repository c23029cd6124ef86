"""VC-API / W3C VCALM exchanges, as the Learner Credential Wallet speaks them.

GET the interaction URL with ``Accept: application/json`` for its ``protocols`` map, POST ``{}``
to the ``vcapi`` exchange, answer a ``DIDAuthentication`` request with a presentation signed by
the holder over the request's own ``challenge`` and ``domain``, and take the credentials out of
the presentation the exchanger sends back.
"""

from __future__ import annotations

from typing import Any

from credwallet.errors import BadInput
from credwallet.exchange._http import Client, get_json, post_json
from credwallet.exchange.model import IssuanceFailed, Issued, ReceivedCredential
from credwallet.verify.keys import SigningKey

__all__ = [
    "exchange_issuer",
    "interact_service",
    "interaction_protocols",
    "request_service",
    "run_exchange",
    "run_request_link",
]

_MAX_ROUNDS = 4
_SERVICE_TYPES = ("VerifiableCredentialApiExchangeService", "UnmediatedPresentationService2021")
_MAX_CREDENTIALS = 100
_VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"


def interaction_protocols(client: Client, url: str) -> dict[str, str]:
    """The interaction URL's ``protocols`` map (only string URLs are kept)."""
    data = get_json(client, url, what="interaction URL")
    protocols = data.get("protocols")
    if not isinstance(protocols, dict):
        raise BadInput("the interaction URL answered without a protocols map")
    return {str(k): v for k, v in protocols.items() if isinstance(v, str) and v}


def exchange_issuer(url: str) -> str:
    """Who runs the exchange, as far as the wallet can tell: its origin."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def did_auth(key: SigningKey, *, challenge: str, domain: str | None) -> dict[str, Any]:
    """A presentation holding no credential: proof that the holder controls ``key``."""
    from credwallet.share.presentation import sign_presentation

    unsigned = {
        "@context": [_VC2_CONTEXT],
        "type": ["VerifiablePresentation"],
        "holder": key.did_key,
    }
    return sign_presentation(unsigned, key=key, challenge=challenge, domain=domain)


def _requested_did_auth(request: dict[str, Any]) -> bool:
    queries = request.get("query")
    entries = queries if isinstance(queries, list) else [queries]
    kinds = {q.get("type") for q in entries if isinstance(q, dict)}
    if kinds - {"DIDAuthentication", "DIDAuth"}:
        asked = ", ".join(sorted(str(k) for k in kinds))
        raise IssuanceFailed(
            f"the exchange asks for {asked}; credwallet answers only DIDAuthentication when "
            "receiving"
        )
    return bool(kinds)


def _credentials(presentation: Any) -> list[ReceivedCredential]:
    if not isinstance(presentation, dict):
        raise BadInput("the exchange sent a verifiablePresentation that is not an object")
    entries = presentation.get("verifiableCredential")
    if isinstance(entries, dict | str):
        entries = [entries]
    if not isinstance(entries, list) or not entries or len(entries) > _MAX_CREDENTIALS:
        raise BadInput("the exchange's presentation holds no credentials")
    import json

    found = []
    for entry in entries:
        if isinstance(entry, str):
            found.append(ReceivedCredential(entry.encode("utf-8"), format="vc-jwt"))
        elif isinstance(entry, dict):
            found.append(
                ReceivedCredential(json.dumps(entry, ensure_ascii=False).encode(), format="ldp_vc")
            )
        else:
            raise BadInput("the exchange's presentation holds an entry that is not a credential")
    return found


def request_service(request: dict[str, Any]) -> str:
    """Where a presentation request wants its answer (``interact.service``); BadInput if none."""
    service = interact_service(request)
    if service is None:
        raise BadInput("the presentation request names no service to answer at (interact)")
    return service


def run_exchange(
    client: Client,
    exchange_url: str,
    key: SigningKey,
    *,
    first_request: dict[str, Any] | None = None,
) -> Issued:
    """POST ``{}``, answer what is asked, return the credentials delivered.

    With ``first_request`` (a request the wallet already holds, from a link) the exchange is
    joined at that question: the answer goes to the request's ``interact`` service.
    """
    issued = Issued("vc-api", exchange_issuer(exchange_url))
    body: dict[str, Any] = {}
    request: Any
    for _round in range(_MAX_ROUNDS):
        if first_request is not None:
            request, first_request = first_request, None
        else:
            reply = post_json(client, exchange_url, body, what="exchange")
            if not reply.ok:
                raise IssuanceFailed(f"the exchange refused the request (HTTP {reply.status})")
            data = reply.body
            if "verifiablePresentation" in data:
                issued.credentials.extend(_credentials(data["verifiablePresentation"]))
                return issued
            request = data.get("verifiablePresentationRequest")
        if not isinstance(request, dict):
            raise IssuanceFailed("the exchange finished without sending a credential")
        if not _requested_did_auth(request):
            raise IssuanceFailed("the exchange asked for nothing credwallet can answer")
        challenge = request.get("challenge")
        domain = request.get("domain")
        if not isinstance(challenge, str) or not challenge:
            raise BadInput("the exchange's request has no challenge to sign")
        service = interact_service(request)
        if service is not None:
            exchange_url = service
        body = {
            "verifiablePresentation": did_auth(
                key, challenge=challenge, domain=domain if isinstance(domain, str) else None
            )
        }
    raise IssuanceFailed("the exchange kept asking questions; stopped")


def interact_service(request: dict[str, Any]) -> str | None:
    """The exchange endpoint a presentation request's ``interact.service`` names, if any."""
    interact = request.get("interact")
    services = interact.get("service") if isinstance(interact, dict) else None
    if isinstance(services, dict):
        services = [services]  # one service given as an object, not a list
    if not isinstance(services, list):
        return None
    for service in services:
        if (
            isinstance(service, dict)
            and service.get("type")
            in ("VerifiableCredentialApiExchangeService", "UnmediatedPresentationService2021")
            and isinstance(service.get("serviceEndpoint"), str)
        ):
            return str(service["serviceEndpoint"])
    return None


def run_request_link(
    client: Client, vc_request_url: str, challenge: str | None, key: SigningKey
) -> Issued:
    """The DCC one-step link: POST a DID Auth presentation over the link's challenge.

    A link without a challenge gets a random one, as the Learner Credential Wallet does.
    """
    import uuid

    presentation = did_auth(key, challenge=challenge or str(uuid.uuid4()), domain=None)
    reply = post_json(client, vc_request_url, presentation, what="credential request")
    if not reply.ok:
        raise IssuanceFailed(f"the issuer refused the credential request (HTTP {reply.status})")
    issued = Issued("vc-api", exchange_issuer(vc_request_url))
    data = reply.body
    if "verifiablePresentation" in data:
        issued.credentials.extend(_credentials(data["verifiablePresentation"]))
    elif "verifiableCredential" in data or data.get("type"):
        issued.credentials.extend(
            _credentials({"verifiableCredential": data.get("verifiableCredential", data)})
        )
    else:
        raise IssuanceFailed("the issuer answered without a credential")
    return issued
