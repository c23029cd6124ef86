"""Every shared-fixture credential the engine verifies, against the outcome the manifest states.

Cases: kinds di-vc, ob3-vc, vc, vc-jwt, ob3-vc-jwt (credentials), vp and vp-jwt (presentations)
whose ``expect`` is valid or invalid. Bundled ``resources`` are served by an in-memory fetcher;
contexts come from CREDWALLET_CONTEXTS (conftest); "now" is pinned per SOURCES.md.

Where credwallet deliberately reports something other than the manifest's overall outcome,
the expectation is *computed from the document* and the reason stated, never hard-coded:

- key binding: the manifest's suite vectors are "valid" as signatures, but several are signed
  by a key nothing ties to the issuer (a did:key under an https issuer; a key read from the
  verification method's own fragment; a JWT's self-embedded ``jwk``). DESIGN.md makes a proof by
  a key not the issuer's a fail, and an unconfirmable key unknown, so those reports are invalid /
  indeterminate while the proof check itself passes;
- ``needs_network`` cases without the needed resources: offline, a genuine credential is never
  reported invalid and a broken one never valid (the network-only verdict stays unknown);
- status lists issued by someone other than the credential's issuer (DCC's shared test list):
  such a list can neither revoke nor clear, so ``revocation`` is unknown and the credential is
  never ``valid`` (see verify_support.stranger_status_lists).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

import pytest
from verify_support import FakeFetcher, options, stranger_status_lists

import support
from credwallet.formats import parse
from credwallet.models import CheckStatus, ReportStatus, VerificationReport
from credwallet.verify.engine import (
    verify_credential,
    verify_presentation,
    verify_presentation_jwt,
)
from credwallet.verify.jwt import credential_of
from support import EXTERNAL

CREDENTIAL_KINDS = ("di-vc", "ob3-vc", "vc", "vc-jwt", "ob3-vc-jwt")
CREDENTIAL_CASES = [
    c
    for kind in CREDENTIAL_KINDS
    for c in support.cases(kind)
    if c["expect"] in ("valid", "invalid")
]
PRESENTATION_CASES = [
    c for c in support.cases("vp", "vp-jwt") if c["expect"] in ("valid", "invalid")
]


def _issuer_and_methods(path: Path) -> tuple[str | None, list[str], bool]:
    """(issuer id, verification method ids, signed with a header jwk only) of a fixture."""
    text = path.read_text("utf-8")
    if path.suffix == ".jwt":
        from credwallet.formats.jose import decode_compact_jws

        jws = decode_compact_jws(text.strip())
        document = credential_of(jws.payload)
        issuer = jws.payload.get("iss") or document.get("issuer")
        issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
        kid = jws.header.get("kid")
        return issuer, [kid] if isinstance(kid, str) else [], "jwk" in jws.header and not kid
    document = json.loads(text)
    issuer = document.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    proofs = document.get("proof") or []
    proofs = proofs if isinstance(proofs, list) else [proofs]
    methods = [p.get("verificationMethod") for p in proofs if isinstance(p, dict)]
    return issuer, [m for m in methods if isinstance(m, str)], False


def _binding_expectation(case: dict[str, Any]) -> CheckStatus | None:
    """The issuer-key status the binding rules give this fixture, if they overrule the manifest."""
    issuer, methods, jwk_only = _issuer_and_methods(EXTERNAL / case["file"])
    if jwk_only and not str(issuer).startswith(("did:key:", "did:jwk:")):
        return CheckStatus.UNKNOWN
    for vm in methods:
        controller = urldefrag(vm)[0]
        if controller != issuer:
            # A foreign key is a forgery for a DID issuer; for a web-address issuer nothing
            # standard says which keys are theirs, so the binding cannot be checked.
            return CheckStatus.FAIL if str(issuer).startswith("did:") else CheckStatus.UNKNOWN
    for vm in methods:
        controller, fragment = urldefrag(vm)
        if controller.startswith("https://") and fragment.startswith("z"):
            return CheckStatus.UNKNOWN  # key read from the id itself: not confirmed offline
    return None


def _verify_case(case: dict[str, Any]) -> VerificationReport:
    fetcher = FakeFetcher.for_resources(case.get("resources"))
    credential = parse((EXTERNAL / case["file"]).read_bytes(), name=case["file"])
    return verify_credential(credential, source=case["file"], options=options(fetcher=fetcher))


def _assert_named_checks(case: dict[str, Any], report: VerificationReport) -> None:
    """The manifest's per-check expectations, mapped onto credwallet's check names."""
    by_name = {c.name: c for c in report.checks}
    for key, expected in (case.get("checks") or {}).items():
        if key == "signature":
            proof = by_name["proof"].status
            if expected == "valid":
                assert proof is CheckStatus.PASS, by_name["proof"].detail
            elif expected in ("invalid", "missing"):
                assert proof is CheckStatus.FAIL, by_name["proof"].detail
            else:  # "key unresolvable": not verified, whatever the network says
                assert proof is not CheckStatus.PASS
        elif key == "expiry":
            validity = by_name["validity"]
            if expected == "expired":
                assert validity.status is CheckStatus.FAIL
                assert "expired on" in validity.detail
            else:
                assert "expired" not in validity.detail
        elif key == "validFrom":
            assert by_name["validity"].status is CheckStatus.FAIL
            assert "not valid yet" in by_name["validity"].detail
        elif key == "status" and stranger_status_lists(case):
            revocation = by_name["revocation"]
            assert revocation.status is CheckStatus.UNKNOWN, revocation.detail
            assert "not by the credential's issuer" in revocation.detail
        elif key == "status":
            revocation = by_name["revocation"].status
            wanted = {
                "revoked": CheckStatus.FAIL,
                "not revoked": CheckStatus.PASS,
                "status list unusable": CheckStatus.FAIL,
                "unavailable (404)": CheckStatus.UNKNOWN,
            }[expected]
            assert revocation is wanted, by_name["revocation"].detail
        elif key in ("jsonld", "structure"):
            failing = [c for c in report.checks if c.required and c.status is CheckStatus.FAIL]
            assert failing, f"{key}: {expected} should fail a required check"
        # "schema" (credentialSchema validation) is not part of credwallet's checks.


@pytest.mark.parametrize("case", CREDENTIAL_CASES, ids=support.case_id)
def test_credential_case(case: dict[str, Any]) -> None:
    """Each fixture credential gets the manifest's outcome, or the documented binding verdict."""
    report = _verify_case(case)
    binding = _binding_expectation(case)
    if stranger_status_lists(case):
        revocation = report.check("revocation")
        assert revocation is not None and revocation.status is CheckStatus.UNKNOWN
        assert report.status is not ReportStatus.VALID
        if case["expect"] == "valid" or (case.get("checks") or {}).get("status") == "revoked":
            # The list was the only reason for the manifest's verdict, or made it "valid".
            assert report.status is not ReportStatus.VALID
    elif case.get("needs_network") and case["expect"] == "valid":
        assert report.status is not ReportStatus.INVALID or binding is CheckStatus.FAIL
    elif case.get("needs_network"):
        assert report.status is not ReportStatus.VALID
    elif case["expect"] == "valid" and binding is not None:
        assert report.check("proof") is not None
        assert report.check("proof").status is CheckStatus.PASS  # type: ignore[union-attr]
        assert report.check("issuer-key").status is binding  # type: ignore[union-attr]
        wanted = ReportStatus.INVALID if binding is CheckStatus.FAIL else ReportStatus.INDETERMINATE
        if report.status is not wanted:
            # Only another unknown (e.g. an unsupported status type) may make it indeterminate.
            assert report.status is ReportStatus.INDETERMINATE
    else:
        assert str(report.status) == case["expect"], report.to_json()
    if not case.get("needs_network"):
        _assert_named_checks(case, report)


@pytest.mark.parametrize("case", CREDENTIAL_CASES, ids=support.case_id)
def test_every_check_has_a_detail(case: dict[str, Any]) -> None:
    """Every check of every fixture report says why, in words."""
    report = _verify_case(case)
    assert [c.name for c in report.checks][:3] == ["format", "proof", "issuer-key"]
    assert all(c.detail for c in report.checks)


class TestNetworkCasesWithTheirAnswers:
    def test_unresolvable_did_web_is_invalid_when_the_host_says_so(self) -> None:
        """A did:web whose host answers 404 for its document fails the key checks."""
        path = EXTERNAL / "dcc-verifier-core/v2/v2WithBadDidWeb.json"
        gone = "https://digitalcredentials.github.io/dcc-did-web-bad/did.json"
        report = verify_credential(
            parse(path.read_bytes()),
            source="bad",
            options=options(fetcher=FakeFetcher(gone=(gone,))),
        )
        assert report.status is ReportStatus.INVALID
        key = report.check("issuer-key")
        assert key is not None and key.status is CheckStatus.FAIL
        assert "HTTP 404" in key.detail

    def test_unresolvable_did_web_offline_is_unknown_with_the_url(self) -> None:
        """Offline, the same credential is indeterminate and the detail names the URL."""
        path = EXTERNAL / "dcc-verifier-core/v2/v2WithBadDidWeb.json"
        report = verify_credential(
            parse(path.read_bytes()), source="bad", options=options(fetcher=FakeFetcher())
        )
        assert report.status is ReportStatus.INDETERMINATE
        key = report.check("issuer-key")
        assert key is not None
        assert "https://digitalcredentials.github.io/dcc-did-web-bad/did.json" in key.detail

    def test_missing_context_is_unknown_naming_it(self) -> None:
        """A context that is not bundled makes the proof unknown, with the context's URL."""
        path = (
            EXTERNAL / "dcc-vc-test-fixtures/verifiableCredentials/v1/dataIntegrityProof/didKey/"
            "legacyRegistry-noStatus-noExpiry-oldDCCExample.json"
        )
        report = verify_credential(parse(path.read_bytes()), source="x", options=options())
        proof = report.check("proof")
        assert proof is not None and proof.status is CheckStatus.UNKNOWN
        assert "https://w3id.org/dcc/v1" in proof.detail
        assert ("missing context", "https://w3id.org/dcc/v1") in proof.inputs


@pytest.mark.parametrize("case", PRESENTATION_CASES, ids=support.case_id)
def test_presentation_case(case: dict[str, Any]) -> None:
    """Presentations: the holder's proof (authentication, challenge) and the credentials inside."""
    fetcher = FakeFetcher.for_resources(case.get("resources"))
    wanted = case.get("verifier_options") or {}
    opts = options(fetcher=fetcher, challenge=wanted.get("challenge"))
    text = (EXTERNAL / case["file"]).read_text("utf-8")
    if case["kind"] == "vp":
        report, inner = verify_presentation(json.loads(text), source=case["file"], options=opts)
    else:
        report, inner = verify_presentation_jwt(text.strip(), source=case["file"], options=opts)
    if case.get("needs_network"):
        # lds-ed25519-2020-vp0: its holder is did:ex:12345 but the issuer's key signed it, which
        # the binding rule fails; the context it needs is not bundled anyway.
        assert report.status is not ReportStatus.VALID
        assert report.check("proof").status is not CheckStatus.FAIL  # type: ignore[union-attr]
        return
    # The holder's own checks pass; the presentation's verdict also sums up its credentials
    # (some hold a credential this wallet cannot check offline: then it is indeterminate).
    own = [c for c in report.checks if c.name != "credentials"]
    assert all(c.status in (CheckStatus.PASS, CheckStatus.SKIP) for c in own), report.to_json()
    for embedded in inner:
        assert embedded.status is not ReportStatus.INVALID
    expected = (
        ReportStatus.VALID
        if all(e.status is ReportStatus.VALID for e in inner)
        else ReportStatus.INDETERMINATE
    )
    assert report.status is expected, report.to_json()


def test_presentation_with_a_wrong_challenge_fails() -> None:
    """The Blockcerts VP checked against another challenge fails its proof."""
    path = EXTERNAL / "blockcerts-cert-verifier-js/fixtures/v3/vp-eddsa-rdfc-2022.json"
    report, _ = verify_presentation(
        json.loads(path.read_text("utf-8")), source="vp", options=options(challenge="other")
    )
    proof = report.check("proof")
    assert proof is not None and proof.status is CheckStatus.FAIL
    assert "challenge" in proof.detail
