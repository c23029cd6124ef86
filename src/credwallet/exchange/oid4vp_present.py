"""OpenID4VP 1.0 behind the protocol-neutral :class:`credwallet.exchange.present.Exchange`.

:func:`credwallet.exchange.oid4vp.open_oid4vp` reads and authenticates the request; the
exchange then lists one :class:`RequestItem` per DCQL credential query, each with the held
credentials that answer it and exactly the claims that would leave (for an SD-JWT VC the
requested claims plus those its issuer made always visible; for W3C formats the whole
credential), checks a selection against ``credential_sets``, and sends the ``vp_token``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from credwallet.errors import BadInput, CredwalletError
from credwallet.exchange import dcql
from credwallet.exchange._http import Client
from credwallet.exchange.holder import HolderKeys
from credwallet.exchange.oid4vp import AuthorizationRequest, RequestRefused
from credwallet.exchange.present import (
    UNAUTHENTICATED,
    Candidate,
    Exchange,
    Holder,
    Holding,
    NoMatch,
    Outcome,
    RequestItem,
    Selection,
    Verifier,
    whole_credential_claims,
)
from credwallet.models import Credential

if TYPE_CHECKING:
    from credwallet.verify.trust import TrustConfig

__all__ = ["OpenId4VpExchange"]

_FORMAT_NAMES = {
    dcql.SD_JWT: "an SD-JWT VC",
    dcql.LDP_VC: "a Data Integrity (JSON-LD) credential",
    dcql.JWT_VC_JSON: "a VC-JWT credential",
}


def _describe(query: dcql.CredentialQuery) -> str:
    kind = _FORMAT_NAMES.get(query.format, f"a {query.format} credential")
    types: list[str] = []
    if query.format == dcql.SD_JWT and isinstance(query.meta.get("vct_values"), list):
        types = [str(v) for v in query.meta["vct_values"]]
    elif isinstance(query.meta.get("type_values"), list):
        for option in query.meta["type_values"]:
            if isinstance(option, list):
                types.append(" + ".join(str(t).rsplit("#", 1)[-1] for t in option))
    text = kind + (f" of type {' or '.join(types[:3])}" if types else "")
    if query.claims:
        shown = [dcql.path_text(c.path) for c in query.claims[:8]]
        text += f" with {', '.join(shown)}"
    return text


def _always_visible(credential: Credential) -> list[str]:
    """The SD-JWT VC's claims its issuer did not make selectively disclosable."""
    from credwallet.formats.sdjwt import decode_sd_jwt

    try:
        payload = decode_sd_jwt(credential.jws or "").issuer_jws.payload
    except CredwalletError:
        return []
    return [k for k in payload if k not in ("_sd", "_sd_alg")]


def _claims(candidate: dcql.Candidate) -> tuple[str, ...]:
    credential = candidate.held.credential
    if candidate.whole:
        return whole_credential_claims(credential)
    requested = candidate.disclosed
    always = _always_visible(credential)
    return (*requested, *(f"{name} (always visible)" for name in always))


class OpenId4VpExchange:
    """An authenticated OpenID4VP request, ready to be matched and answered."""

    protocol = "openid4vp"

    def __init__(self, client: Client, request: AuthorizationRequest) -> None:
        self._client = client
        self.request = request
        self.target = request.response_uri
        self._matches: dict[str, dcql.QueryMatch] = {}
        self._holder: HolderKeys | None = None

    @property
    def verifier(self) -> Verifier:
        who = self.request.verifier
        if not who.authenticated:
            return Verifier(who.identifier, False, UNAUTHENTICATED, name=who.claimed_name)
        how = "request signed by a key of this DID"
        if who.trust == "registered" and who.registered_name:
            how += f"; registered as {who.registered_name!r} in a registry you follow"
        elif who.trust == "self-chosen":
            named = f" as {who.registered_name!r}" if who.registered_name else ""
            how += f"; pinned by you{named}"
        else:
            how += "; in no registry you follow"
        return Verifier(who.identifier, True, how, name=who.claimed_name)

    def recognise(
        self, trust: TrustConfig | None, now: datetime, holder: HolderKeys | None = None
    ) -> None:
        """What the open wallet knows: name the verifier's DID from the user's registries and
        pins (a blocked DID is refused before anything is sent); with ``holder``, offer only
        SD-JWT VCs bound to the holder's keys (only those can carry a Key Binding JWT)."""
        if holder is not None:
            self._holder = holder
        who = self.request.verifier
        if trust is None or not who.authenticated:
            return
        from credwallet.verify.trust import evaluate

        outcome = evaluate(who.identifier, trust, now=now)
        if outcome.label == "blocked":
            raise RequestRefused(f"you blocked the verifier {who.identifier}: nothing was sent")
        self.request.verifier = dataclasses.replace(
            who, trust=outcome.label, registered_name=outcome.registered_name
        )

    def _required(self, query_id: str) -> bool:
        sets = self.request.dcql.credential_sets
        if sets is None:
            return True
        return any(s.required and all(query_id in o for o in s.options) for s in sets)

    def candidates(self, held: Sequence[Holding]) -> list[RequestItem]:
        self._matches = self.request.match(held, self._holder)
        items = []
        for query in self.request.dcql.credentials:
            found = self._matches[query.id]
            items.append(
                RequestItem(
                    query.id,
                    _describe(query),
                    tuple(
                        Candidate(
                            c.held.wallet_id,
                            c.held.credential.display_name,
                            _claims(c),
                            format=query.format,
                            issuer=c.held.credential.issuer.name or c.held.credential.issuer.id,
                        )
                        for c in found.candidates
                    ),
                    required=self._required(query.id),
                    multiple=query.multiple,
                )
            )
        return items

    def missing(self, selection: Selection) -> str | None:
        known = {q: [c.held.wallet_id for c in m.candidates] for q, m in self._matches.items()}
        for query_id, chosen in selection.items():
            if query_id not in known:
                return f"{query_id} is not something this verifier asked for"
            for wallet_id in chosen:
                if wallet_id not in known[query_id]:
                    return f"{wallet_id} does not answer {query_id}"
            if len(chosen) > 1 and not self.request.dcql.query(query_id).multiple:
                return f"the verifier wants one credential for {query_id}, not {len(chosen)}"
        answered = {q for q, chosen in selection.items() if chosen}
        sets = self.request.dcql.credential_sets
        if sets is None:
            for query in self.request.dcql.credentials:
                if query.id not in answered:
                    reason = self._matches[query.id].reason if self._matches else ""
                    why = f": {reason}" if reason else ""
                    return f"nothing selected for {_describe(query)} ({query.id}){why}"
            return None
        for credential_set in sets:
            if credential_set.required and not any(
                all(q in answered for q in option) for option in credential_set.options
            ):
                options = " or ".join("+".join(o) for o in credential_set.options)
                return f"nothing selected that answers {options}"
        return None

    def send(self, selection: Selection, holder: Holder) -> Outcome:
        from credwallet.exchange.oid4vp import build_vp_token, send_response

        problem = self.missing(selection)
        if problem is not None:
            raise NoMatch(f"{problem}; nothing was sent")
        chosen: list[dcql.Candidate] = []
        for query_id, wallet_ids in selection.items():
            by_id = {c.held.wallet_id: c for c in self._matches[query_id].candidates}
            chosen.extend(by_id[w] for w in wallet_ids)
        if not chosen:
            raise NoMatch("nothing selected; nothing was sent")
        try:
            vp_token = build_vp_token(self.request, chosen, holder.keys, holder_name=holder.name)
        except BadInput as exc:
            raise BadInput(f"{exc.message}; nothing was sent") from None
        outcome = send_response(self._client, self.request, vp_token)
        sent = list(dict.fromkeys(c.held.wallet_id for c in chosen))
        if outcome.redirect_uri:
            return Outcome(
                self.protocol, self.verifier, "redirect", sent, redirect_url=outcome.redirect_uri
            )
        return Outcome(self.protocol, self.verifier, "done", sent)


def _typecheck(exchange: OpenId4VpExchange) -> Exchange:
    return exchange  # mypy proves OpenId4VpExchange implements the Exchange protocol
