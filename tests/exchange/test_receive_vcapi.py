"""`credwallet receive` against a VC-API exchanger on 127.0.0.1."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from exchange_support import Run
from oid4vci_issuer import running_issuer
from vcapi_exchanger import running_exchanger

from credwallet.errors import BadInput
from credwallet.exchange.offer import InvitationLink, RequestLink, classify


def test_interaction_url_did_auth_and_credential(run: Run) -> None:
    with running_exchanger() as exchanger:
        result = run("receive", exchanger.interaction_url, "--yes", "--json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        holder = run("whoami").stdout.strip()
        assert data["protocol"] == "vc-api"
        assert data["imported"] == 1
        assert data["items"][0]["status"] == "valid"
        assert data["items"][0]["flags"] == []
        assert exchanger.holders == [holder]
        assert exchanger.requests[0] == "GET /interactions/abc?iuv=1"


def test_interaction_prefix_and_challenge_is_single_use(run: Run) -> None:
    with running_exchanger() as exchanger:
        result = run("receive", "interaction:" + exchanger.interaction_url, "--yes")
        assert result.exit_code == 0, result.output
        assert not exchanger.challenges  # the one challenge was used up


def test_an_exchange_asking_for_credentials_is_declined(run: Run) -> None:
    with running_exchanger(ask_for="QueryByExample") as exchanger:
        result = run("receive", exchanger.interaction_url, "--yes")
        assert result.exit_code == 1
        assert "QueryByExample" in result.stderr
        assert exchanger.holders == []


def test_protocol_choice_when_both_are_offered(run: Run) -> None:
    with running_issuer() as issuer, running_exchanger() as exchanger:
        exchanger.offer_oid4vci = issuer.new_offer(["UniversityDegree"])
        default = json.loads(run("receive", exchanger.interaction_url, "--yes", "--json").stdout)
        assert default["protocol"] == "vc-api"
        chosen = run(
            "receive", exchanger.interaction_url, "--yes", "--json", "--protocol", "openid4vci"
        )
        assert chosen.exit_code == 0, chosen.output
        assert json.loads(chosen.stdout)["protocol"] == "openid4vci"
        bad = run("receive", exchanger.interaction_url, "--yes", "--protocol", "ftp")
        assert bad.exit_code == 2


def test_dcc_one_step_request_link(run: Run) -> None:
    with running_exchanger() as exchanger:
        link = exchanger.request_link()
        result = run("receive", link, "--yes", "--json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["offer"]["issuer_name"] == "Test College"
        assert data["imported"] == 1
        assert exchanger.holders == [run("whoami").stdout.strip()]
        assert exchanger.requests == ["POST /request"]


def test_only_is_refused_for_an_exchange(run: Run) -> None:
    with running_exchanger() as exchanger:
        result = run("receive", exchanger.interaction_url, "--yes", "--only", "x")
        assert result.exit_code == 2
        assert not any(r.startswith("POST") for r in exchanger.requests)


@pytest.mark.parametrize(
    "prefix",
    [
        "https://lcw.app/request.html?",  # what DCC's workflow coordinator prints
        "dccrequest://request?",  # the wallet's custom scheme (its developer screen's link)
        "org.dcconsortium://request?",
        "https://lcw.app/mobile/request?",  # the universal app link
    ],
)
def test_dcc_legacy_request_link_in_every_form_the_wallet_reads(run: Run, prefix: str) -> None:
    with running_exchanger() as exchanger:
        challenge = exchanger.request_link().split("challenge=")[1].split("&")[0]
        # vc_request_url unescaped, as the Learner Credential Wallet's own sample link has it
        link = (
            f"{prefix}issuer=https%3A%2F%2Fissuer.example.com"
            f"&vc_request_url={exchanger.base}/request&challenge={challenge}&auth_type=bearer"
        )
        result = run("receive", link, "--yes", "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["imported"] == 1
        assert exchanger.requests == ["POST /request"]


@pytest.mark.parametrize("prefix", ["https://lcw.app/request?", "dccrequest://request?"])
def test_wallet_link_with_an_exchange_invitation_in_request(run: Run, prefix: str) -> None:
    """`request=` holds a wallet message {credentialRequestOrigin, protocols}: no GET needed."""
    with running_exchanger() as exchanger:
        message = {
            "credentialRequestOrigin": exchanger.base,
            "protocols": {"vcapi": exchanger.base + "/exchanges/abc"},
        }
        link = prefix + urlencode({"request": json.dumps(message)})
        result = run("receive", link, "--yes", "--json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["protocol"] == "vc-api" and data["imported"] == 1
        assert exchanger.holders == [run("whoami").stdout.strip()]
        assert exchanger.requests == ["POST /exchanges/abc", "POST /exchanges/abc"]


def test_request_link_that_is_not_bearer_is_refused_before_any_request(run: Run) -> None:
    with running_exchanger() as exchanger:
        link = exchanger.request_link().replace("auth_type=bearer", "auth_type=code")
        result = run("receive", link, "--yes")
        assert result.exit_code == 7
        assert "only bearer" in result.stderr
        assert exchanger.requests == []


class TestWalletLinks:
    def test_challenge_is_optional_in_a_legacy_link(self) -> None:
        """The wallet signs over a random challenge when the link has none."""
        link = classify("dccrequest://request?issuer=x&vc_request_url=https://i.example/r")
        assert isinstance(link, RequestLink)
        assert link.challenge is None and link.vc_request_url == "https://i.example/r"

    def test_request_message_decoded_twice_like_the_wallet(self) -> None:
        """A request= value escaped twice is still read (the wallet applies decodeURI again)."""
        inner = urlencode({"request": '{"protocols":{"vcapi":"https://i.example/x"}}'})
        link = classify("https://lcw.app/request?" + urlencode({"request": inner[8:]}))
        assert isinstance(link, InvitationLink)
        assert link.protocols == {"vcapi": "https://i.example/x"}

    @pytest.mark.parametrize(
        ("message", "phrase"),
        [
            ('{"verifiablePresentationRequest":{"query":[{"type":"QueryByExample"}]}}', "present"),
            ('{"verifiablePresentationRequest":{"query":[]}}', "present"),
            ('{"protocols":{}}', "no protocol"),
            ("[1]", "not a JSON object"),
        ],
    )
    def test_request_messages_that_offer_nothing_to_receive(
        self, message: str, phrase: str
    ) -> None:
        with pytest.raises(BadInput, match=phrase):
            classify("https://lcw.app/request?" + urlencode({"request": message}))

    def test_a_wallet_link_with_neither_form_is_refused(self) -> None:
        with pytest.raises(BadInput, match="neither"):
            classify("https://lcw.app/request.html?foo=1")


def test_wallet_link_whose_invitation_offers_openid4vci(run: Run) -> None:
    with running_issuer() as issuer:
        message = {"credentialRequestOrigin": issuer.base,
                   "protocols": {"OID4VCI": issuer.new_offer(["UniversityDegree"])}}  # fmt: skip
        link = "https://lcw.app/request?" + urlencode({"request": json.dumps(message)})
        result = run("receive", link, "--yes", "--json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["protocol"] == "openid4vci" and data["imported"] == 1


def test_wallet_link_holding_the_exchanges_did_auth_request(run: Run) -> None:
    """request= may hold the exchange's first question: answered at its interact service."""
    with running_exchanger() as exchanger:
        message = {"verifiablePresentationRequest": exchanger.did_auth_request()}
        link = "dccrequest://request?" + urlencode({"request": json.dumps(message)})
        result = run("receive", link, "--yes", "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["imported"] == 1
        assert exchanger.requests == ["POST /exchanges/abc"]  # the answer, nothing before it
        assert not exchanger.challenges
