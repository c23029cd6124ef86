"""`receive`: take an issuer's offer, run its protocol, keep what arrives like an import.

Two phases, so the user sees who offers what before anything is sent: :func:`prepare_offer`
reads the offer and the issuer's metadata (GET requests only); :func:`receive_offer` redeems
it, then verifies and stores every credential through the import path in one go, so a network
error midway stores nothing. Deferred issuances are kept (sealed: they hold an access token)
for :func:`resume_pending`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from credwallet.errors import BadInput, UsageError
from credwallet.exchange import Issued, OfferedCredential, PendingIssuance
from credwallet.exchange.holder import HolderKeys
from credwallet.exchange.offer import (
    InteractionLink,
    InvitationLink,
    OfferLink,
    RequestLink,
    TxCode,
    classify,
    resolve_credential_offer,
)
from credwallet.models import Credential, CredentialFormat
from credwallet.wallet.link_input import read_link_input
from credwallet.wallet.sources import Source

if TYPE_CHECKING:
    from credwallet.exchange._http import Client
    from credwallet.wallet.core import ImportOutcome, ImportSummary, Wallet
    from credwallet.wallet.records import CredentialRecord

__all__ = [
    "KIND_PENDING",
    "OfferPlan",
    "ReceiveResult",
    "prepare_offer",
    "read_offer_input",
    "receive_offer",
    "resume_pending",
]

KIND_PENDING = "pending-issuance"
PROTOCOLS = ("vc-api", "openid4vci")


def read_offer_input(source: str, *, stdin: Callable[[], bytes] | None = None) -> str:
    """The offer text: literal, ``-`` (stdin), a file holding it, or a QR image of it."""
    return read_link_input(source, what="an offer", link_prefixes=("interaction:",), stdin=stdin)


@dataclass
class OfferPlan:
    """What is on offer, read before anything is sent to the issuer."""

    protocol: str
    issuer: str
    issuer_name: str | None = None
    logo: str | None = None
    offered: list[OfferedCredential] = field(default_factory=list)
    tx_code: TxCode | None = None
    client: Client | None = field(default=None, repr=False)
    browser: bool = False  # the authorization code flow: the user signs in at the issuer
    run: Callable[[HolderKeys, str | None, Sequence[str]], Issued] | None = field(
        default=None, repr=False
    )

    def to_json(self) -> dict[str, Any]:
        return {
            "protocol": self.protocol,
            "issuer": self.issuer,
            "issuer_name": self.issuer_name,
            "logo": self.logo,
            "offered": [
                {"id": o.config_id, "format": o.format, "name": o.name} for o in self.offered
            ],
            "tx_code": None
            if self.tx_code is None
            else {
                "input_mode": self.tx_code.input_mode,
                "length": self.tx_code.length,
                "description": self.tx_code.description,
            },
        }


def prepare_offer(
    text: str,
    client: Client,
    *,
    protocol: str | None = None,
    open_browser: Callable[[str], object] | None = None,
) -> OfferPlan:
    """Read the offer and the issuer's metadata; nothing is redeemed yet."""
    if protocol is not None and protocol not in PROTOCOLS:
        raise UsageError(f"--protocol must be one of {', '.join(PROTOCOLS)}")
    link = classify(text)
    if isinstance(link, InteractionLink | InvitationLink):
        from credwallet.exchange.vcapi import interaction_protocols

        if isinstance(link, InteractionLink):
            protocols = interaction_protocols(client, link.url)
        elif link.request is not None:
            return _vcapi_plan_at_request(link.request, client, link.origin)
        else:
            protocols = link.protocols
        offer_uri = protocols.get("OID4VCI") or protocols.get("openid4vci")
        if protocols.get("vcapi") and (protocol != "openid4vci" or not offer_uri):
            return _vcapi_plan(protocols["vcapi"], client)
        if offer_uri:
            return _oid4vci_plan(OfferLink(offer_uri), client, open_browser)
        raise BadInput("the interaction offers no protocol credwallet speaks (vcapi, OID4VCI)")
    if isinstance(link, RequestLink):
        return _request_plan(link, client)
    if protocol == "vc-api":
        raise UsageError("this is an OpenID4VCI offer; it has no VC-API exchange")
    return _oid4vci_plan(link, client, open_browser)


def _vcapi_plan(url: str, client: Client) -> OfferPlan:
    from credwallet.exchange.vcapi import exchange_issuer, run_exchange
    from credwallet.net import check_url, loopback_allowed_from_env

    check_url(url, allow_loopback=loopback_allowed_from_env())

    def run(holder: HolderKeys, _tx: str | None, _only: Sequence[str]) -> Issued:
        return run_exchange(client, url, holder.ed25519)

    return OfferPlan("vc-api", exchange_issuer(url), client=client, run=run)


def _vcapi_plan_at_request(
    request: dict[str, Any], client: Client, origin: str | None
) -> OfferPlan:
    """A link holding an exchange's DID Auth request: answered at its interact service."""
    from credwallet.exchange.vcapi import exchange_issuer, request_service, run_exchange
    from credwallet.net import check_url, loopback_allowed_from_env

    url = request_service(request)
    check_url(url, allow_loopback=loopback_allowed_from_env())

    def run(holder: HolderKeys, _tx: str | None, _only: Sequence[str]) -> Issued:
        return run_exchange(client, url, holder.ed25519, first_request=request)

    return OfferPlan("vc-api", exchange_issuer(url), client=client, run=run)


def _request_plan(link: RequestLink, client: Client) -> OfferPlan:
    from credwallet.exchange.vcapi import exchange_issuer, run_request_link

    def run(holder: HolderKeys, _tx: str | None, _only: Sequence[str]) -> Issued:
        return run_request_link(client, link.vc_request_url, link.challenge, holder.ed25519)

    return OfferPlan(
        "vc-api",
        exchange_issuer(link.vc_request_url),
        issuer_name=link.issuer,
        client=client,
        run=run,
    )


def _oid4vci_plan(
    link: OfferLink, client: Client, open_browser: Callable[[str], object] | None
) -> OfferPlan:
    from credwallet.exchange.oid4vci import (
        discover,
        redeem_authorization_code,
        redeem_pre_authorized,
    )

    offer = resolve_credential_offer(link, client)
    meta = discover(client, offer)

    def run(holder: HolderKeys, tx_code: str | None, only: Sequence[str]) -> Issued:
        if offer.pre_authorized:
            return redeem_pre_authorized(client, offer, meta, holder, tx_code=tx_code, only=only)
        if open_browser is None:
            raise UsageError("this offer needs you to sign in at the issuer in a browser")
        return redeem_authorization_code(
            client, offer, meta, holder, open_browser=open_browser, only=only
        )

    return OfferPlan(
        "openid4vci",
        offer.credential_issuer,
        issuer_name=meta.display_name,
        logo=meta.logo,
        offered=meta.offered(offer.configuration_ids),
        tx_code=offer.tx_code,
        browser=not offer.pre_authorized,
        client=client,
        run=run,
    )


def exchange_client() -> Client:
    """A fetcher for protocol traffic: no cache (an offer is never answered from a copy)."""
    from credwallet.net import Fetcher, loopback_allowed_from_env

    return Fetcher(cache=None, offline=False, allow_loopback=loopback_allowed_from_env())


@dataclass
class ReceiveResult:
    """The import report of what arrived, with the receive-specific notes."""

    protocol: str
    issuer: str
    summary: ImportSummary
    flags: dict[str, list[str]] = field(default_factory=dict)
    pending: list[PendingIssuance] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = self.summary.to_json()
        for item in data["items"]:
            item["flags"] = self.flags.get(item["source"], [])
        return {
            "protocol": self.protocol,
            "issuer": self.issuer,
            **data,
            "pending": [
                {"issuer": p.issuer, "transaction_id": p.transaction_id, "config_id": p.config_id}
                for p in self.pending
            ],
        }


def _host_of(identifier: str) -> str | None:
    """The web host an issuer identifier names (a URL or a did:web), if it names one."""
    if identifier.startswith("did:web:"):
        return identifier[len("did:web:") :].split(":", 1)[0].replace("%3A", ":").lower()
    parts = urlsplit(identifier)
    if parts.scheme in ("https", "http") and parts.netloc:
        return parts.netloc.lower()
    return None


def _issuer_matches(credential: Credential, offering: str) -> bool:
    """False when the credential names an issuer on another host than the offering issuer.

    Key-only identifiers (did:key, did:jwk) name no host: nothing can tie them to a web address,
    and OpenID4VCI issuers commonly sign with them, so they are not flagged.
    """
    host = _host_of(credential.issuer.id or "")
    return host is None or host == _host_of(offering)


def _bound_to(credential: Credential, holder: HolderKeys) -> bool:
    """The credential names one of the holder's keys: as its subject, or (SD-JWT) in ``cnf``."""
    from credwallet.verify.keys import jwk_to_public_key, same_key

    cnf = credential.document.get("cnf")
    if credential.format is CredentialFormat.SD_JWT_VC:
        jwk = cnf.get("jwk") if isinstance(cnf, dict) else None
        kid = cnf.get("kid") if isinstance(cnf, dict) else None
        keys = (holder.ed25519, holder.p256)
        if isinstance(kid, str) and any(kid == k.verification_method for k in keys):
            return True
        try:
            public = jwk_to_public_key(jwk)
        except BadInput:
            return False
        return any(same_key(public, k.public_key) for k in keys)
    dids = holder.dids()
    subject = credential.subject.id or ""
    if any(subject == d or subject.startswith(d + "#") for d in dids):
        return True
    return any(r.identity in dids for r in credential.recipients)


def _flags(credential: Credential, issued: Issued, holder: HolderKeys) -> list[str]:
    flags = []
    if issued.protocol == "openid4vci" and not _issuer_matches(credential, issued.issuer):
        flags.append(
            f"issued by {credential.issuer.id or 'an unnamed issuer'}, not by the offering "
            f"issuer {issued.issuer}"
        )
    if not _bound_to(credential, holder):
        flags.append("not bound to your holder key")
    return flags


def receive_offer(
    wallet: Wallet,
    plan: OfferPlan,
    *,
    tx_code: str | None = None,
    only: Sequence[str] = (),
    now: datetime | None = None,
) -> ReceiveResult:
    """Redeem the offer, then verify and store everything that arrived, all or nothing."""
    if plan.run is None or plan.client is None:
        raise UsageError("this offer cannot be redeemed")
    if only and plan.protocol != "openid4vci":
        raise UsageError("--only picks among OpenID4VCI offers; an exchange names nothing ahead")
    if plan.tx_code is not None:
        if tx_code is None:
            raise UsageError("this offer needs the transaction code the issuer sent you")
        tx_code = plan.tx_code.check(tx_code)
    holder = HolderKeys(wallet.holder_key())
    issued = plan.run(holder, tx_code, only)  # every network step of the protocol
    _poll_soon(plan.client, issued)
    result = _keep(wallet, plan.client, issued, holder, now=now or wallet._now())
    _save_pending(wallet, issued.pending)
    result.pending = list(issued.pending)
    return result


SHORT_INTERVAL = 5  # seconds: an issuer that asks for no longer is polled once at once


def _poll_soon(client: Client, issued: Issued, wait: Callable[[float], None] | None = None) -> None:
    """Poll once the deferred issuances the issuer said would be ready within seconds."""
    from credwallet.exchange.oid4vci import poll_deferred

    still = []
    for pending in issued.pending:
        if 0 <= pending.interval <= SHORT_INTERVAL:
            (wait or time.sleep)(pending.interval)
            answer = poll_deferred(client, pending)
            if not isinstance(answer, PendingIssuance):
                issued.credentials.extend(answer)
                continue
            pending = answer
        still.append(pending)
    issued.pending = still


def _keep(
    wallet: Wallet, client: Client, issued: Issued, holder: HolderKeys, *, now: datetime
) -> ReceiveResult:
    from credwallet.formats import parse_all
    from credwallet.wallet.core import ImportSummary

    summary = ImportSummary()
    pending: list[tuple[str, Credential, CredentialRecord]] = []
    flags: dict[str, list[str]] = {}
    provenance = f"{issued.protocol} from {issued.issuer}"
    names = [_name_of(provenance, i, issued) for i in range(len(issued.credentials))]
    for name, received in zip(names, issued.credentials, strict=True):
        wallet._prepare(Source(name, received.data), pending, summary, False, True, False, now)
        try:
            credentials = parse_all(received.data)
        except BadInput:
            continue  # _prepare has reported it
        for index, credential in enumerate(credentials):
            found = _flags(credential, issued, holder)
            if found:
                key = name if len(credentials) == 1 else f"{name}#{index + 1}"
                flags.setdefault(key, []).extend(found)
    wallet._store_pending(pending, summary)
    summary.outcomes = [_flagged(o, flags.get(o.source)) for o in summary.outcomes]
    _notify(client, issued, summary, names=names)
    return ReceiveResult(issued.protocol, issued.issuer, summary, flags)


def _flagged(outcome: ImportOutcome, flags: list[str] | None) -> ImportOutcome:
    if not flags:
        return outcome
    return replace(
        outcome, message="; ".join([*flags, outcome.message] if outcome.message else flags)
    )


def _name_of(provenance: str, index: int, issued: Issued) -> str:
    return provenance if len(issued.credentials) == 1 else f"{provenance} #{index + 1}"


def _notify(client: Client, issued: Issued, summary: ImportSummary, *, names: list[str]) -> None:
    """credential_accepted for what was stored (or already held), credential_failure else."""
    from credwallet.exchange.oid4vci import notify

    if issued.notification_endpoint is None or issued.access_token is None:
        return
    for name, received in zip(names, issued.credentials, strict=True):
        if received.notification_id is None:
            continue
        mine = [
            o.result
            for o in summary.outcomes
            if o.source == name or o.source.startswith(name + "#")
        ]
        kept = bool(mine) and all(r in ("imported", "duplicate") for r in mine)
        event = "credential_accepted" if kept else "credential_failure"
        notify(
            client,
            issued.notification_endpoint,
            issued.access_token,
            received.notification_id,
            event,
        )


def _save_pending(wallet: Wallet, pending: Sequence[PendingIssuance]) -> None:
    for item in pending:
        wallet.store.put(KIND_PENDING, json.dumps(item.to_json()).encode("utf-8"))


def resume_pending(
    wallet: Wallet, client: Client, *, now: datetime | None = None
) -> list[ReceiveResult]:
    """Poll every deferred issuance once; keep what arrived, forget what was delivered."""
    from credwallet.exchange.oid4vci import poll_deferred

    results = []
    holder = HolderKeys(wallet.holder_key())
    for record in wallet.store.records(KIND_PENDING):
        pending = PendingIssuance.from_json(json.loads(record.payload))
        answer = poll_deferred(client, pending)
        if isinstance(answer, PendingIssuance):
            wallet.store.update(record.id, json.dumps(answer.to_json()).encode("utf-8"))
            results.append(
                ReceiveResult("openid4vci", pending.issuer, _empty_summary(), pending=[answer])
            )
            continue
        issued = Issued(
            "openid4vci",
            pending.issuer,
            credentials=answer,
            notification_endpoint=pending.notification_endpoint,
            access_token=pending.access_token,
        )
        results.append(_keep(wallet, client, issued, holder, now=now or wallet._now()))
        wallet.store.delete(record.id)
    return results


def _empty_summary() -> ImportSummary:
    from credwallet.wallet.core import ImportSummary

    return ImportSummary()
