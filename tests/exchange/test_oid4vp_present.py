"""OpenID4VP through the protocol-neutral present core: open_request, candidates, missing, send."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from oid4vp_support import VCT, held, holder_keys, jwt_credential, ldp_credential, sd_jwt_credential
from oid4vp_verifier import running_verifier

from credwallet.errors import BadInput
from credwallet.exchange.oid4vp import RequestRefused
from credwallet.exchange.present import (
    UNAUTHENTICATED,
    Holder,
    NoMatch,
    default_selection,
    open_request,
)
from credwallet.net import Fetcher
from credwallet.verify.trust import TrustConfig

QUERY: dict[str, Any] = {
    "credentials": [
        {
            "id": "learning",
            "format": "dc+sd-jwt",
            "meta": {"vct_values": [VCT]},
            "claims": [{"path": ["given_name"]}],
        },
        {"id": "badge", "format": "ldp_vc", "meta": {"type_values": [["OpenBadgeCredential"]]}},
        {"id": "degree", "format": "jwt_vc_json", "meta": {}},
    ],
    "credential_sets": [
        {"options": [["learning"]]},
        {"options": [["badge"], ["degree"]], "required": False},
    ],
}


def _client() -> Fetcher:
    return Fetcher(cache=None, offline=False, allow_loopback=True)


class TestOpenId4VpExchange:
    def test_who_asks_what_matches_what_leaves_and_sending(self) -> None:
        holder = holder_keys()
        token, _ = sd_jwt_credential(holder)
        items = [
            held(token, "sd1"),
            held(ldp_credential(holder), "ob1"),
            held(jwt_credential(holder), "jw1"),
        ]
        with running_verifier(QUERY) as verifier:
            exchange = open_request(verifier.link(), _client())
            assert exchange.protocol == "openid4vp"
            assert exchange.target == verifier.base + "/response"
            assert exchange.verifier.proven
            assert exchange.verifier.label == verifier.key.did_key
            assert exchange.verifier.name == "Test Employer"
            assert "in no registry you follow" in exchange.verifier.how
            found = {i.id: i for i in exchange.candidates(items)}
            assert found["learning"].required
            assert not found["badge"].required and not found["degree"].required
            (sd,) = found["learning"].candidates
            assert sd.claims[0] == "given_name"
            assert "family_name" not in " ".join(sd.claims)
            assert "iss (always visible)" in sd.claims
            assert found["badge"].candidates[0].claims[0] == "the whole credential"
            assert exchange.missing({}) is not None
            assert exchange.missing({"learning": ["ob1"]}) == "ob1 does not answer learning"
            assert exchange.missing({"nope": ["sd1"]}) is not None
            selection = {"learning": ["sd1"], "badge": ["ob1"]}
            assert exchange.missing(selection) is None
            outcome = exchange.send(selection, Holder(holder, "Ada Lovelace"))
            assert verifier.errors == []
            assert outcome.status == "redirect"
            assert outcome.redirect_url == f"{verifier.base}/done?session={verifier.state}"
            assert outcome.sent == ["sd1", "ob1"]
            assert set(verifier.verified) == {"learning", "badge"}
            assert verifier.verified["learning"][0]["disclosed"] == ["given_name"]
            vp = verifier.presentations["badge"][0]
            assert vp["holder"] == {"id": holder.ed25519.did_key, "name": "Ada Lovelace"}

    def test_default_selection_answers_a_plain_query(self) -> None:
        holder = holder_keys()
        token, _ = sd_jwt_credential(holder)
        query = {"credentials": QUERY["credentials"][:1]}
        with running_verifier(query, mode="redirect") as verifier:
            exchange = open_request(verifier.link(), _client())
            assert exchange.verifier.label == "127.0.0.1"
            assert not exchange.verifier.proven
            assert exchange.verifier.how == UNAUTHENTICATED
            items = exchange.candidates([held(token, "sd1")])
            outcome = exchange.send(default_selection(items), Holder(holder))
            assert outcome.sent == ["sd1"]
            assert verifier.errors == []

    def test_a_required_query_nobody_can_answer_sends_nothing(self) -> None:
        holder = holder_keys()
        with running_verifier(QUERY) as verifier:
            exchange = open_request(verifier.link(), _client())
            items = exchange.candidates([held(ldp_credential(holder), "ob1")])
            selection = default_selection(items)
            assert selection == {"badge": ["ob1"]}
            assert "learning" in (exchange.missing(selection) or "")
            with pytest.raises(NoMatch, match="nothing was sent"):
                exchange.send(selection, Holder(holder))
            assert verifier.requests == ["GET /request"]

    def test_an_sd_jwt_vc_bound_to_another_key_is_not_sent(self) -> None:
        holder = holder_keys()
        token, _ = sd_jwt_credential(holder_keys())
        query = {"credentials": QUERY["credentials"][:1]}
        with running_verifier(query) as verifier:
            exchange = open_request(verifier.link(), _client())
            exchange.candidates([held(token, "sd1")])
            with pytest.raises(BadInput, match="not bound to a key of yours"):
                exchange.send({"learning": ["sd1"]}, Holder(holder))
            assert verifier.requests == ["GET /request"]
            # told the holder's keys (as the wallet does), it does not offer it at all
            exchange.recognise(None, datetime.now(UTC), holder)  # type: ignore[attr-defined]
            (item,) = exchange.candidates([held(token, "sd1")])
            assert item.candidates == ()

    def test_trust_registries_name_the_verifier_and_blocks_refuse_it(self) -> None:
        with running_verifier(QUERY) as verifier:
            exchange: Any = open_request(verifier.link(), _client())
            did = verifier.key.did_key
            exchange.recognise(TrustConfig(pins={did: "ACME Hiring"}), datetime.now(UTC))
            assert "pinned by you as 'ACME Hiring'" in exchange.verifier.how
            with pytest.raises(RequestRefused, match="blocked"):
                exchange.recognise(TrustConfig(blocks={did: "spam"}), datetime.now(UTC))
