"""Answering a verifier's request, whatever the protocol: the shared vocabulary.

A verifier's request is opened with :func:`open_request`, which routes it to the protocol that
speaks it and returns an :class:`Exchange`. Nothing of the holder's leaves before
:meth:`Exchange.send`; everything the user must see first (who asks, what matches, which claims
leave) is available before that:

1. ``exchange = open_request(text, client)``  -- reads the request (GETs, or the VC-API
   ``POST {}`` that makes an exchange state its request; no holder data is sent).
2. ``exchange.verifier``  -- who asks, and how far that is proven.
3. ``items = exchange.candidates(held)``  -- one :class:`RequestItem` per thing asked for,
   each with the held credentials that would answer it and the claims each would disclose.
   (before that, the wallet calls ``exchange.recognise(trust, now, holder_keys)``.)
4. ``selection = default_selection(items)`` or ``select(items, prefixes)``; then
   ``exchange.missing(selection)`` says (in one line) what a selection leaves unanswered.
5. ``outcome = exchange.send(selection, holder)``  -- signs and sends; returns an :class:`Outcome`.

Protocols: VC-API / VCALM exchanges (:mod:`credwallet.exchange.vcapi_present`) and OpenID4VP 1.0
(:mod:`credwallet.exchange.oid4vp`, whose entry point is
``open_oid4vp(text: str, client: Client) -> Exchange``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from credwallet.errors import BadInput, CredwalletError, ExitCode, NotFound, UsageError
from credwallet.exchange._http import Client
from credwallet.exchange.holder import HolderKeys
from credwallet.models import Credential

if TYPE_CHECKING:
    from credwallet.verify.trust import TrustConfig

__all__ = [
    "UNAUTHENTICATED",
    "Candidate",
    "Exchange",
    "Holder",
    "Holding",
    "NoMatch",
    "Outcome",
    "PresentationRefused",
    "RequestItem",
    "Selection",
    "Verifier",
    "default_selection",
    "is_oid4vp_request",
    "open_request",
    "select",
    "whole_credential_claims",
]

UNAUTHENTICATED = "unauthenticated verifier"
_OID4VP_SCHEMES = ("openid4vp:", "eudi-openid4vp:", "haip:", "mdoc-openid4vp:")


class PresentationRefused(CredwalletError):
    """Raised when: the verifier answered the presentation with an error (its message is kept)."""

    exit_code = ExitCode.ERROR


class NoMatch(NotFound):
    """Raised when: no held credential answers a required part of the request (nothing sent)."""


@dataclass(frozen=True, slots=True)
class Verifier:
    """Who asks, as far as the request proves it.

    ``label`` is what the user is shown (a client_id, a DID, a host). ``proven`` is True only
    when the wallet checked it cryptographically or by transport (a signed request object
    verified against the DID, the https origin the request was fetched from); ``how`` says in a
    few words how it was proven, or :data:`UNAUTHENTICATED` when it was not.
    """

    label: str
    proven: bool
    how: str = UNAUTHENTICATED
    name: str | None = None  # a display name the verifier claims about itself (never proven)

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "proven": self.proven, "how": self.how, "name": self.name}


class Holding(Protocol):
    """A credential the wallet holds: :class:`credwallet.wallet.held.Held` satisfies this."""

    @property
    def wallet_id(self) -> str: ...

    @property
    def credential(self) -> Credential: ...


@dataclass(frozen=True, slots=True)
class Candidate:
    """One held credential that would answer a request item, and what sending it discloses.

    ``claims`` lists the claims that would leave, as dotted paths (``credentialSubject.name``);
    a credential sent whole (no selective disclosure possible) is ``("the whole credential",)``
    followed by its notable claims, so the user is never told less than what leaves.
    """

    wallet_id: str
    name: str
    claims: tuple[str, ...]
    format: str = ""
    issuer: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.wallet_id,
            "name": self.name,
            "format": self.format,
            "issuer": self.issuer,
            "claims": list(self.claims),
        }


@dataclass(frozen=True, slots=True)
class RequestItem:
    """One thing the verifier asks for (a VC-API query, a DCQL credential query).

    ``id`` is unique within the request (the DCQL query id; ``query-1``... for VC-API).
    ``asks_credential`` is False for a bare proof of control of the holder's DID
    (``DIDAuthentication``): nothing is selected for it, the signed presentation answers it.
    ``required`` is False when the request lets the item be left out (DCQL ``credential_sets``
    with ``required: false``, or an alternative of an option another item fills); the
    protocol's :meth:`Exchange.missing` has the last word on what a selection must contain.
    ``multiple`` is True when several credentials may answer it at once.
    """

    id: str
    description: str
    candidates: tuple[Candidate, ...] = ()
    reason: str | None = None
    required: bool = True
    asks_credential: bool = True
    multiple: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "description": self.description,
            "reason": self.reason,
            "required": self.required,
            "asks_credential": self.asks_credential,
            "multiple": self.multiple,
            "candidates": [c.to_json() for c in self.candidates],
        }


# Request item id -> the wallet ids of the credentials chosen to answer it (in order).
Selection = Mapping[str, Sequence[str]]


@dataclass(frozen=True, slots=True)
class Holder:
    """Who signs: the holder's keys, and the name put in the presentation (None: no name)."""

    keys: HolderKeys
    name: str | None = None


@dataclass
class Outcome:
    """What the verifier answered after the presentation was sent.

    ``status`` is ``"done"`` (accepted, nothing more asked), ``"redirect"`` (accepted; the user
    should open ``redirect_url`` to continue) or ``"more"`` (the verifier asked again and the
    protocol could not answer; ``message`` says what). ``sent`` lists the wallet ids that left.
    """

    protocol: str
    verifier: Verifier
    status: str
    sent: list[str] = field(default_factory=list)
    redirect_url: str | None = None
    message: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "protocol": self.protocol,
            "verifier": self.verifier.to_json(),
            "status": self.status,
            "sent": list(self.sent),
            "redirect_url": self.redirect_url,
            "message": self.message,
        }


class Exchange(Protocol):
    """An opened verifier request, before anything is sent. One per protocol.

    ``protocol`` is ``"vc-api"`` or ``"openid4vp"``; ``target`` is where the answer goes
    (exchange URL, response_uri), for the sharing log.
    """

    @property
    def protocol(self) -> str: ...

    @property
    def verifier(self) -> Verifier: ...

    @property
    def target(self) -> str: ...

    def recognise(
        self, trust: TrustConfig | None, now: datetime, holder: HolderKeys | None = None
    ) -> None:
        """Called by the wallet before :meth:`candidates`: what the open wallet knows.

        ``trust`` (the user's registries, pins and blocks) may name or refuse the verifier;
        ``holder`` lets a protocol offer only credentials bound to the holder's keys. A
        protocol with nothing to learn from them does nothing.
        """
        ...

    def candidates(self, held: Sequence[Holding]) -> list[RequestItem]:
        """One item per thing asked for, each with the held credentials that answer it."""
        ...

    def missing(self, selection: Selection) -> str | None:
        """None if ``selection`` answers the request; else one line saying what is missing."""
        ...

    def send(self, selection: Selection, holder: Holder) -> Outcome:
        """Sign the presentation(s) for ``selection`` and send them; the verifier's answer.

        Raises :class:`NoMatch` if ``selection`` does not answer the request (nothing is sent)
        and :class:`PresentationRefused` when the verifier answers with an error.
        """
        ...


def whole_credential_claims(credential: Credential) -> tuple[str, ...]:
    """What leaves when a credential is sent whole: everything, its notable claims named."""
    claims = ["the whole credential"]
    document = credential.document
    inner = document.get("vc")
    if isinstance(inner, dict):  # a VC 1.1 JWT keeps the credential in its `vc` claim
        document = inner
    subject = document.get("credentialSubject")
    for entry in subject if isinstance(subject, list) else [subject]:
        if isinstance(entry, dict):
            claims.extend(f"credentialSubject.{k}" for k in entry if isinstance(k, str))
    if document.get("issuer") is not None:
        claims.append("issuer")
    return tuple(dict.fromkeys(claims))


def default_selection(items: Sequence[RequestItem]) -> dict[str, list[str]]:
    """The first (best) candidate of every item that has one: what ``--yes`` alone sends."""
    return {
        item.id: [item.candidates[0].wallet_id]
        for item in items
        if item.asks_credential and item.candidates
    }


def select(items: Sequence[RequestItem], prefixes: Sequence[str]) -> dict[str, list[str]]:
    """The candidates the user picked by wallet id prefix (``--select``).

    Each prefix must name at least one candidate of the request (else :class:`UsageError`,
    so a typo never silently sends something else); an item none of the prefixes picks gets
    nothing, and :meth:`Exchange.missing` decides whether that is acceptable.
    """
    wanted = [p.strip().lower() for p in prefixes if p.strip()]
    if not wanted:
        raise UsageError("--select needs at least one credential id")
    chosen: dict[str, list[str]] = {}
    used: set[str] = set()
    for item in items:
        for candidate in item.candidates:
            hits = [p for p in wanted if candidate.wallet_id.lower().startswith(p)]
            if hits:
                used.update(hits)
                picks = chosen.setdefault(item.id, [])
                if candidate.wallet_id not in picks and (item.multiple or not picks):
                    picks.append(candidate.wallet_id)
    unknown = [p for p in wanted if p not in used]
    if unknown:
        raise UsageError(f"--select {unknown[0]}: no credential matching the request has this id")
    return chosen


def is_oid4vp_request(text: str) -> bool:
    """True for an OpenID4VP authorization request (custom scheme, or https with client_id)."""
    lowered = text.strip().lower()
    if lowered.startswith(_OID4VP_SCHEMES):
        return True
    if lowered.startswith(("https://", "http://")):
        from urllib.parse import parse_qs, urlsplit

        query = parse_qs(urlsplit(text.strip()).query)
        return "client_id" in query and (
            "request_uri" in query or "request" in query or "dcql_query" in query
        )
    return False


def open_request(text: str, client: Client) -> Exchange:
    """Read a verifier's request and open the exchange that answers it; nothing is sent.

    ``openid4vp://`` (and the other OpenID4VP schemes, or an https link carrying ``client_id``
    and ``request_uri``) go to OpenID4VP; an https VC-API interaction URL (``?iuv=1`` or
    ``interaction:``), a VC-API exchange URL, or a JSON ``verifiablePresentationRequest`` go to
    VC-API. ``text`` is the request itself (see ``read_request_input`` in the wallet for files,
    QR images and stdin).
    """
    text = text.strip()
    if not text:
        raise BadInput("the request is empty")
    if is_oid4vp_request(text):
        return _open_oid4vp(text, client)
    from credwallet.exchange.vcapi_present import open_vcapi

    return open_vcapi(text, client, open_oid4vp=_open_oid4vp)


def _open_oid4vp(text: str, client: Client) -> Exchange:
    """Hand the request to :mod:`credwallet.exchange.oid4vp` (``open_oid4vp(text, client)``)."""
    import importlib

    try:
        module = importlib.import_module("credwallet.exchange.oid4vp")
    except ModuleNotFoundError:
        raise BadInput("OpenID4VP requests are not supported yet") from None
    opener: Callable[[str, Client], Exchange] | None = getattr(module, "open_oid4vp", None)
    if opener is None:
        raise BadInput("OpenID4VP requests are not supported yet")
    return opener(text, client)
