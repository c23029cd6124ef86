"""`credwallet receive` against a VC-API exchanger on 127.0.0.1."""

from __future__ import annotations

import json

from oid4vci_issuer import running_issuer
from vcapi_exchanger import running_exchanger

from conftest import Run


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
