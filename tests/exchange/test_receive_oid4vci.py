"""`credwallet receive` against a strict OpenID4VCI issuer on 127.0.0.1."""

from __future__ import annotations

import json
import types
from pathlib import Path

import pytest
from exchange_support import Run
from oid4vci_issuer import jwt_config, running_issuer, sd_jwt_config


def _receive(run: Run, offer: str, *extra: str) -> dict:
    result = run("receive", offer, "--yes", "--json", *extra)
    assert result.stdout.strip(), result.output
    data = json.loads(result.stdout)
    data["_exit"] = result.exit_code
    data["_stderr"] = result.stderr
    return data


def _listed(run: Run) -> list[dict]:
    result = run("show", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["credentials"]


def test_pre_authorized_offer_by_value_stores_both_credentials_bound_to_the_holder(
    run: Run,
) -> None:
    with running_issuer() as issuer:
        offer = issuer.new_offer(["UniversityDegree", "CourseCertificate"])
        data = _receive(run, offer)
        holder = run("whoami").stdout.strip()
        assert data["_exit"] == 0, data
        assert data["imported"] == 2
        assert data["offer"]["issuer_name"] == "Test University"
        assert [o["name"] for o in data["offer"]["offered"]] == [
            "Bachelor of Science",
            "Python Course",
        ]
        assert all(item["flags"] == [] for item in data["items"])
        # the proofs: EdDSA, the holder's did:key as kid, aud = issuer, no iss, fresh nonces
        proofs = issuer.proofs_seen
        assert len(proofs) == 2
        assert {p["header"]["alg"] for p in proofs} == {"EdDSA"}
        assert all(p["header"]["kid"].startswith(holder + "#") for p in proofs)
        assert all("iss" not in p["payload"] for p in proofs)
        assert len({p["payload"]["nonce"] for p in proofs}) == 2
        # the issuer heard that both were accepted
        assert sorted(n["event"] for n in issuer.notifications) == ["credential_accepted"] * 2
    stored = _listed(run)
    assert len(stored) == 2
    shown = [json.loads(run("show", s["id"], "--json").stdout) for s in stored]
    assert {s["source"] for s in shown} == {
        f"openid4vci from {issuer.base} #1",
        f"openid4vci from {issuer.base} #2",
    }


def test_offer_by_reference_and_only(run: Run) -> None:
    with running_issuer() as issuer:
        offer = issuer.new_offer(["UniversityDegree", "CourseCertificate"], by_reference=True)
        data = _receive(run, offer, "--only", "CourseCertificate")
        assert data["_exit"] == 0, data
        assert data["imported"] == 1
        assert [p["payload"]["aud"] for p in issuer.proofs_seen] == [issuer.base]


def test_es256_when_the_issuer_does_not_take_eddsa(run: Run) -> None:
    configs = {"Degree": jwt_config("Degree", ["ES256"])}
    with running_issuer(configs=configs) as issuer:
        data = _receive(run, issuer.new_offer(["Degree"]))
        assert data["_exit"] == 0, data
        assert issuer.proofs_seen[0]["header"]["alg"] == "ES256"
        assert issuer.proofs_seen[0]["header"]["kid"].startswith("did:key:zDn")
        # the P-256 key is derived, so it is the same on the next offer
        data = _receive(run, issuer.new_offer(["Degree"]))
        assert issuer.proofs_seen[1]["header"]["kid"] == issuer.proofs_seen[0]["header"]["kid"]
    assert all(item["flags"] == [] for item in data["items"])


def test_tx_code_from_a_file_and_a_wrong_one(run: Run, tmp_path: Path) -> None:
    code_file = tmp_path / "code"
    with running_issuer() as issuer:
        code_file.write_text("1234\n")
        offer = issuer.new_offer(["UniversityDegree"], tx_code="1234")
        assert _receive(run, offer, "--tx-code-file", str(code_file))["imported"] == 1
        wrong = issuer.new_offer(["UniversityDegree"], tx_code="9999")
        result = run("receive", wrong, "--yes", "--tx-code-file", str(code_file))
        assert result.exit_code == 1
        assert "wrong, expired or already used" in result.stderr
        # a code that cannot be what the offer describes is refused before any request
        code_file.write_text("12a4\n")
        before = len(issuer.requests)
        third = issuer.new_offer(["UniversityDegree"], tx_code="1234")
        result = run("receive", third, "--yes", "--tx-code-file", str(code_file))
        assert result.exit_code == 2
        assert "digits only" in result.stderr
        assert not any(r.startswith("POST") for r in issuer.requests[before:])
    assert len(_listed(run)) == 1


def test_tx_code_needed_without_a_terminal(run: Run) -> None:
    with running_issuer() as issuer:
        result = run("receive", issuer.new_offer(["UniversityDegree"], tx_code="1234"), "--yes")
        assert result.exit_code == 2
        assert "--tx-code-file" in result.stderr


def test_replayed_code_is_refused_and_nothing_is_stored_twice(run: Run) -> None:
    with running_issuer() as issuer:
        offer = issuer.new_offer(["UniversityDegree"])
        assert _receive(run, offer)["imported"] == 1
        result = run("receive", offer, "--yes")
        assert result.exit_code == 1
        assert "already used" in result.stderr
    assert len(_listed(run)) == 1


def test_expired_nonce_is_replaced_by_a_fresh_one(run: Run) -> None:
    with running_issuer(nonce_expired_once=True) as issuer:
        data = _receive(run, issuer.new_offer(["UniversityDegree"]))
        assert data["_exit"] == 0, data
        assert data["imported"] == 1
        assert issuer.requests.count("POST /nonce") == 2
        assert issuer.requests.count("POST /credential") == 2


def test_a_50_mb_reply_is_cut_off_and_nothing_is_stored(run: Run) -> None:
    with running_issuer(huge=True) as issuer:
        result = run("receive", issuer.new_offer(["UniversityDegree"]), "--yes")
        assert result.exit_code == 4
        assert "too large" in result.stderr
    assert _listed(run) == []


def test_network_error_midway_stores_nothing(run: Run) -> None:
    # The second credential request fails (unknown configuration on the issuer's side):
    # the first credential, already received, must not be stored either.
    with running_issuer() as issuer:
        offer = issuer.new_offer(["UniversityDegree", "CourseCertificate"])
        del issuer.configs["CourseCertificate"]["_title"]
        issuer.configs["CourseCertificate"]["proof_types_supported"]["jwt"][
            "proof_signing_alg_values_supported"
        ] = ["EdDSA"]
        original = issuer.issue

        def broken(config_id: str, holder: str) -> str:
            if config_id == "CourseCertificate":
                raise ConnectionResetError
            return original(config_id, holder)

        issuer.issue = broken  # type: ignore[method-assign]
        result = run("receive", offer, "--yes")
        assert result.exit_code != 0
    assert _listed(run) == []


def test_redirect_of_the_offer_to_a_private_address_is_refused(run: Run) -> None:
    with running_issuer(redirect_offer_to="http://10.0.0.1/offer") as issuer:
        offer = issuer.new_offer(["UniversityDegree"], by_reference=True)
        result = run("receive", offer, "--yes")
        assert result.exit_code == 4
        assert "10.0.0.1" in result.stderr
        assert not any(r.startswith("POST") for r in issuer.requests)


def test_redirect_of_the_offer_to_another_scheme_is_refused(run: Run) -> None:
    with running_issuer(redirect_offer_to="file:///etc/passwd") as issuer:
        offer = issuer.new_offer(["UniversityDegree"], by_reference=True)
        result = run("receive", offer, "--yes")
        assert result.exit_code == 4, result.output
        assert "file:///etc/passwd" in result.stderr
        assert not any(r.startswith("POST") for r in issuer.requests)


def test_offer_by_reference_must_be_https(run: Run) -> None:
    result = run(
        "receive",
        "openid-credential-offer://?credential_offer_uri=ftp%3A%2F%2Fexample.com%2Fo",
        "--yes",
    )
    assert result.exit_code == 7
    assert "https" in result.stderr


def test_credential_not_bound_to_the_holder_is_flagged(run: Run) -> None:
    with running_issuer(unbound=True) as issuer:
        data = _receive(run, issuer.new_offer(["UniversityDegree"]))
        assert data["imported"] == 1
        assert data["items"][0]["flags"] == ["not bound to your holder key"]
        text = run("receive", issuer.new_offer(["UniversityDegree"]), "--yes")
        assert "not bound to your holder key" in text.stderr


def test_credential_from_another_issuer_is_flagged(run: Run) -> None:
    with running_issuer(foreign_issuer=True) as issuer:
        data = _receive(run, issuer.new_offer(["UniversityDegree"]))
        flags = data["items"][0]["flags"]
        assert any("not by the offering issuer" in f for f in flags), data


def test_issuer_metadata_must_name_the_offering_issuer(run: Run) -> None:
    with running_issuer() as issuer:
        offer = issuer.new_offer(["UniversityDegree"])
        real = issuer.metadata

        issuer.metadata = lambda: {**real(), "credential_issuer": "https://evil.example"}  # type: ignore[method-assign]
        result = run("receive", offer, "--yes")
        assert result.exit_code == 7
        assert "another credential_issuer" in result.stderr
        assert not any(r.startswith("POST") for r in issuer.requests)


def test_certified_wallet_issuers_get_a_clear_message(run: Run) -> None:
    with running_issuer(attestation_only=True) as issuer:
        result = run("receive", issuer.new_offer(["UniversityDegree"]), "--yes")
        assert result.exit_code == 1
        assert "only accepts certified wallets" in result.stderr
        assert "Traceback" not in result.output


def _record_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the wallet makes before polling, recorded instead of slept."""
    waits: list[float] = []
    clock = types.SimpleNamespace(sleep=waits.append)
    monkeypatch.setattr("credwallet.wallet.receive.time", clock)
    return waits


def test_deferred_issuance_is_kept_and_resumed(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    waits = _record_waits(monkeypatch)
    with running_issuer(deferred=True) as issuer:
        data = _receive(run, issuer.new_offer(["UniversityDegree"]))
        assert data["imported"] == 0
        assert len(data["pending"]) == 1
        still = run("receive", "--resume", "--json")
        assert json.loads(still.stdout)[0]["pending"], still.output
        issuer.deferred_ready = True
        done = run("receive", "--resume", "--json")
        assert done.exit_code == 0, done.output
        assert json.loads(done.stdout)[0]["imported"] == 1
        assert issuer.notifications == [{"notification_id": "d-1", "event": "credential_accepted"}]
        again = run("receive", "--resume")
        assert "no deferred issuance is waiting" in again.stderr
    assert len(_listed(run)) == 1
    # Only the first receive waits (the issuer's one-second interval); `--resume` asks at once.
    assert waits == [1]


def test_deferred_issuance_ready_within_the_interval_arrives_at_once(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits = _record_waits(monkeypatch)
    with running_issuer(deferred=True, deferred_ready=True) as issuer:
        data = _receive(run, issuer.new_offer(["UniversityDegree"]))
        assert data["_exit"] == 0, data
        assert data["imported"] == 1
        assert data["pending"] == []
        assert issuer.requests.count("POST /deferred") == 1
    assert waits == [1], "the wallet waits the interval the issuer asked for, then polls once"


def test_refused_credential_is_reported_to_the_issuer_as_a_failure(run: Run) -> None:
    with running_issuer(forged=True) as issuer:
        result = run("receive", issuer.new_offer(["UniversityDegree"]), "--yes")
        assert result.exit_code == 3, result.output
        assert "refused" in result.stderr
        assert issuer.notifications == [
            {"notification_id": "n-UniversityDegree", "event": "credential_failure"}
        ]
    assert _listed(run) == []


def test_credential_identifiers_from_the_token_response(run: Run) -> None:
    with running_issuer(identifiers={"UniversityDegree": ["deg-1", "deg-2"]}) as issuer:
        data = _receive(run, issuer.new_offer(["UniversityDegree"]))
        assert data["_exit"] == 0, data
        assert data["imported"] == 2
        assert issuer.identifiers_used == ["deg-1", "deg-2"]


def test_ldp_vc_arrives_as_a_json_object(run: Run) -> None:
    config = {**jwt_config("Data Integrity badge"), "format": "ldp_vc"}
    with running_issuer(configs={"Badge": config}) as issuer:
        data = _receive(run, issuer.new_offer(["Badge"]))
        assert data["_exit"] == 0, data
        assert data["imported"] == 1
        assert data["items"][0]["status"] == "valid"
        assert data["items"][0]["flags"] == []


def test_unknown_formats_are_refused_before_anything_is_sent(run: Run) -> None:
    config = {**jwt_config("A driving licence"), "format": "mso_mdoc"}
    configs = {"mDL": config, "UniversityDegree": jwt_config("Bachelor")}
    with running_issuer(configs=configs) as issuer:
        result = run("receive", issuer.new_offer(["mDL", "UniversityDegree"]), "--yes")
        assert result.exit_code == 7
        assert "ISO mdoc (mso_mdoc), a format credwallet does not support" in result.stderr
        assert "--only UniversityDegree" in result.stderr
        assert not any(r.startswith("POST") for r in issuer.requests)
        rest = run("receive", issuer.new_offer(["mDL", "UniversityDegree"]), "--yes", "--only",
                   "UniversityDegree")  # fmt: skip
        assert rest.exit_code == 0, rest.output


def _di_vp_only(suites: list[str]) -> dict:
    config = jwt_config("Bachelor of Science")
    config["proof_types_supported"] = {"di_vp": {"proof_signing_alg_values_supported": suites}}
    return {"UniversityDegree": config}


def test_di_vp_key_proof_when_the_issuer_takes_only_those(run: Run) -> None:
    """The issuer checks the presentation itself (eddsa-jcs-2022, its own JCS and Ed25519)."""
    with running_issuer(configs=_di_vp_only(["ecdsa-rdfc-2019", "eddsa-jcs-2022"])) as issuer:
        data = _receive(run, issuer.new_offer(["UniversityDegree"]))
        assert data["_exit"] == 0, data
        assert data["imported"] == 1 and data["items"][0]["flags"] == []
        proof = issuer.proofs_seen[0]["di_vp"]["proof"]
        assert proof["domain"] == issuer.base and proof["proofPurpose"] == "authentication"
        assert issuer.proofs_seen[0]["di_vp"]["holder"] == run("whoami").stdout.strip()


def test_di_vp_when_no_jwt_algorithm_can_be_signed(run: Run) -> None:
    """jwt proofs only in RS256 (which credwallet does not sign), di_vp too: di_vp is sent."""
    configs = _di_vp_only(["eddsa-jcs-2022"])
    configs["UniversityDegree"]["proof_types_supported"]["jwt"] = {
        "proof_signing_alg_values_supported": ["RS256"]
    }
    with running_issuer(configs=configs) as issuer:
        data = _receive(run, issuer.new_offer(["UniversityDegree"]))
        assert data["_exit"] == 0, data
        assert data["imported"] == 1
        assert "di_vp" in issuer.proofs_seen[0]


@pytest.mark.parametrize(
    ("proof_types", "code", "phrase"),
    [
        ({"attestation": {"proof_signing_alg_values_supported": ["ES256"]}}, 1, "certified"),
        ({"cwt": {"proof_signing_alg_values_supported": ["ES256"]}}, 7, "only as cwt"),
        (
            {"di_vp": {"proof_signing_alg_values_supported": ["ecdsa-rdfc-2019"]}},
            7,
            "di_vp key proofs only with ecdsa-rdfc-2019",
        ),
    ],
)
def test_key_proofs_credwallet_cannot_make_are_said_plainly(
    run: Run, proof_types: dict, code: int, phrase: str
) -> None:
    config = {**jwt_config("Bachelor"), "proof_types_supported": proof_types}
    with running_issuer(configs={"UniversityDegree": config}) as issuer:
        result = run("receive", issuer.new_offer(["UniversityDegree"]), "--yes")
        assert result.exit_code == code, result.output
        assert phrase in result.stderr
        assert not any(r.startswith("POST") for r in issuer.requests)


def test_several_credentials_in_one_response(run: Run) -> None:
    with running_issuer(credentials_per_response=3) as issuer:
        data = _receive(run, issuer.new_offer(["UniversityDegree"]))
        assert data["imported"] == 3


def test_offer_from_a_file_and_from_stdin(run: Run, tmp_path: Path) -> None:
    with running_issuer() as issuer:
        path = tmp_path / "offer.txt"
        path.write_text(issuer.new_offer(["UniversityDegree"]) + "\n")
        assert _receive(run, str(path))["imported"] == 1
        result = run("receive", "-", "--json", stdin=issuer.new_offer(["CourseCertificate"]))
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["imported"] == 1


def test_offer_from_a_qr_image(run: Run, tmp_path: Path) -> None:
    from credwallet.share.qr import render_png

    with running_issuer() as issuer:
        offer = issuer.new_offer(["UniversityDegree"], by_reference=True)
        image = tmp_path / "offer.png"
        image.write_bytes(render_png(offer))
        assert _receive(run, str(image))["imported"] == 1


def test_issuer_text_is_never_printed_raw(run: Run) -> None:
    with running_issuer(display_name="Evil\x1b[2J\u202eU") as issuer:
        result = run("receive", issuer.new_offer(["UniversityDegree"]), "--yes")
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
        assert "Evil\\u001b[2J\\u202eU" in result.stderr


def _browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Stand in for the user's browser: follow the sign-in page's redirect, in the background."""
    import threading
    import urllib.request

    opened: list[str] = []

    def open_url(url: str) -> bool:
        opened.append(url)
        threading.Thread(target=lambda: urllib.request.urlopen(url, timeout=10).read()).start()
        return True

    monkeypatch.setattr("webbrowser.open", open_url)
    return opened


def test_authorization_code_flow_with_pkce_and_a_loopback_redirect(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = _browser(monkeypatch)
    with running_issuer() as issuer:
        data = _receive(run, issuer.new_offer(["UniversityDegree"], auth_code=True))
        assert data["_exit"] == 0, data
        assert data["imported"] == 1
        assert len(opened) == 1 and opened[0].startswith(issuer.base + "/authorize?")
        assert "code_challenge_method=S256" in opened[0]
        # not anonymous: the key proof names the client
        assert issuer.proofs_seen[0]["payload"]["iss"] == "credwallet"


def test_pushed_authorization_request_when_the_server_requires_it(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RFC 9126: the request is POSTed first; the browser carries client_id and request_uri."""
    from urllib.parse import parse_qs, urlsplit

    opened = _browser(monkeypatch)
    with running_issuer(par=True) as issuer:
        data = _receive(run, issuer.new_offer(["UniversityDegree"], auth_code=True))
        assert data["_exit"] == 0, data
        assert data["imported"] == 1
        query = parse_qs(urlsplit(opened[0]).query)
        assert set(query) == {"client_id", "request_uri"}
        assert query["request_uri"][0].startswith("urn:ietf:params:oauth:request_uri:")
        assert issuer.requests.index("POST /par") < issuer.requests.index("POST /token")
        assert issuer.pushed == {}  # the reference was used once


def test_par_required_without_an_endpoint_is_said_plainly(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = _browser(monkeypatch)
    with running_issuer() as issuer:
        real = issuer.base
        # the authorization server says "required" but names no endpoint
        monkeypatch.setattr(
            "credwallet.exchange.oid4vci._authorization_server",
            lambda _client, _server: {
                "issuer": real,
                "token_endpoint": real + "/token",
                "authorization_endpoint": real + "/authorize",
                "require_pushed_authorization_requests": True,
            },
        )
        result = run("receive", issuer.new_offer(["UniversityDegree"], auth_code=True), "--yes")
        assert result.exit_code == 7, result.output
        assert "requires pushed authorization requests" in result.stderr
        assert opened == []


def test_authorization_refused_in_the_browser(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    _browser(monkeypatch)
    with running_issuer(deny_authorization=True) as issuer:
        result = run("receive", issuer.new_offer(["UniversityDegree"], auth_code=True), "--yes")
        assert result.exit_code == 2
        assert "access_denied" in result.stderr
    assert _listed(run) == []


def _terminal(monkeypatch: pytest.MonkeyPatch, code: str = "1234") -> list[str]:
    asked: list[str] = []

    def prompt(label: str) -> str:
        asked.append(label)
        return code

    monkeypatch.setattr("credwallet.cli._cmd_receive._interactive", lambda: True)
    monkeypatch.setattr("credwallet.cli._cmd_receive._prompt", prompt)
    return asked


def test_on_a_terminal_it_asks_once_and_no_means_nothing_is_sent(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _terminal(monkeypatch)
    with running_issuer() as issuer:
        result = run("receive", issuer.new_offer(["UniversityDegree"]), stdin="n\n")
        assert result.exit_code == 0, result.output
        assert "Receive?" in result.stderr
        assert "nothing received" in result.stderr
        assert not any(r.startswith("POST") for r in issuer.requests)
        result = run("receive", issuer.new_offer(["UniversityDegree"]), stdin="y\n")
        assert result.exit_code == 0, result.output
        assert result.stderr.count("Receive?") == 1
    assert len(_listed(run)) == 1


def test_tx_code_is_asked_at_a_hidden_prompt_and_checked(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _terminal(monkeypatch, code="4321")
    with running_issuer() as issuer:
        result = run("receive", issuer.new_offer(["UniversityDegree"], tx_code="4321"), "--yes")
        assert result.exit_code == 0, result.output
        assert asked == ["Transaction code (4 characters)"]
        assert "4321" not in result.output
        _terminal(monkeypatch, code="43210")
        result = run("receive", issuer.new_offer(["UniversityDegree"], tx_code="4321"), "--yes")
        assert result.exit_code == 2
        assert "4 characters long" in result.stderr


@pytest.mark.parametrize(
    ("fmt", "stored"),
    [("jwt_vc_json-ld", "vc-jwt"), ("vc+sd-jwt", "sd-jwt-vc"), ("jwt_vc_json", "vc-jwt")],
)
def test_every_format_of_the_issue_is_received(run: Run, fmt: str, stored: str) -> None:
    base = sd_jwt_config("Learning") if "sd-jwt" in fmt else jwt_config("Bachelor")
    with running_issuer(configs={"C": {**base, "format": fmt}}) as issuer:
        data = _receive(run, issuer.new_offer(["C"]))
        assert data["_exit"] == 0, data
        assert data["imported"] == 1 and data["items"][0]["status"] == "valid"
        assert data["items"][0]["flags"] == []
        shown = json.loads(run("show", data["items"][0]["id"], "--json").stdout)
        assert shown["format"] == stored


def test_a_dpop_bound_token_gets_the_certified_wallet_message(run: Run) -> None:
    with running_issuer(dpop=True) as issuer:
        result = run("receive", issuer.new_offer(["UniversityDegree"]), "--yes")
        assert result.exit_code == 1
        assert "only accepts certified wallets" in result.stderr and "DPoP" in result.stderr
        assert not any(r == "POST /credential" for r in issuer.requests)
    assert _listed(run) == []
