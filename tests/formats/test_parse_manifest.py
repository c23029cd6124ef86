"""Every shared fixture of the credential kinds parses, or fails as its manifest entry documents.

The manifest's ``expect`` is about verification (signatures, expiry, revocation): an invalid
signature is not a parse error, so ``invalid`` credentials must still parse. The exceptions are the
baked images whose ``why`` says there is nothing (or nothing well-formed) to extract.
"""

from __future__ import annotations

from typing import Any

import pytest

import support
from credwallet.errors import BadInput
from credwallet.formats import parse, parse_all
from credwallet.models import Container, CredentialFormat

CREDENTIAL_KINDS = ("ob2-assertion", "ob3-vc", "vc", "di-vc", "vc-jwt", "ob3-vc-jwt", "blockcerts")
# Baked fixtures that must NOT yield a credential, with the message fragment that says why.
UNEXTRACTABLE = {
    "mozilla-openbadges-bakery/bad-json.svg": "invalid JSON",
    "mozilla-openbadges-bakery/no-json.svg": "no embedded assertion",
    "mozilla-openbadges-bakery/unbaked.svg": "not baked",
    "mozilla-openbadges-bakery/unbaked.png": "not baked",
    "concentricsky-openbadges-bakery/public_domain_heart.png": "not baked",
    "concentricsky-openbadges-bakery/unbaked_example.svg": "not baked",
}
EXPECTED_FORMAT = {
    "ob2-assertion": {CredentialFormat.OB2},
    "ob3-vc": {CredentialFormat.OB3, CredentialFormat.VC},
    "vc": {CredentialFormat.VC, CredentialFormat.VC_JWT},
    "di-vc": {CredentialFormat.VC},
    "vc-jwt": {CredentialFormat.VC_JWT},
    "ob3-vc-jwt": {CredentialFormat.VC_JWT},
    "blockcerts": {CredentialFormat.BLOCKCERTS},
}


def read(entry: dict[str, Any]) -> bytes:
    return (support.EXTERNAL / str(entry["file"])).read_bytes()


@pytest.mark.parametrize("entry", support.cases(*CREDENTIAL_KINDS), ids=support.case_id)
def test_credential_fixture_parses(entry: dict[str, Any], external: object) -> None:
    """Each credential fixture gives credentials of the expected format, keeping its bytes."""
    raw = read(entry)
    credentials = parse_all(raw)
    assert credentials
    assert {c.format for c in credentials} <= EXPECTED_FORMAT[entry["kind"]]
    if b"VerifiablePresentation" not in raw:
        (credential,) = credentials
        assert credential == parse(raw)
        assert credential.original == raw
        assert credential.document
        assert credential.container in (Container.JSON, Container.JWT)


@pytest.mark.parametrize("entry", support.cases("ob3-vc"), ids=support.case_id)
def test_ob3_fixture_names_its_issuer(entry: dict[str, Any], external: object) -> None:
    """Every OB 3.0 fixture names an issuer id and, for OpenBadgeCredentials, an achievement."""
    for credential in parse_all(read(entry)):
        assert credential.issuer.id
        if credential.format is CredentialFormat.OB3:
            assert credential.achievement is not None


@pytest.mark.parametrize("entry", support.cases("vp"), ids=support.case_id)
def test_presentation_fixture(entry: dict[str, Any], external: object) -> None:
    """A presentation gives one Credential per embedded credential (none for a holder-only VP)."""
    import json

    raw = read(entry)
    listed = json.loads(raw).get("verifiableCredential", [])
    listed = listed if isinstance(listed, list) else [listed]
    credentials = parse_all(raw)
    assert len(credentials) == len(listed)
    assert all(c.format in (CredentialFormat.VC, CredentialFormat.OB3) for c in credentials)
    if len(credentials) != 1:
        with pytest.raises(BadInput, match="expected exactly one"):
            parse(raw)


@pytest.mark.parametrize("entry", support.cases("baked-png", "baked-svg"), ids=support.case_id)
def test_baked_fixture(entry: dict[str, Any], external: object) -> None:
    """Baked images parse to the embedded assertion, or fail with the documented reason."""
    raw = read(entry)
    if entry["file"] in UNEXTRACTABLE:
        assert entry["expect"] == "invalid"
        with pytest.raises(BadInput, match=UNEXTRACTABLE[entry["file"]]):
            parse(raw)
        return
    credential = parse(raw)
    assert credential.original == raw
    assert credential.container is (
        Container.PNG if entry["kind"] == "baked-png" else Container.SVG
    )
    assert credential.format is CredentialFormat.OB2
    expected = entry.get("expected_payload")
    if isinstance(expected, dict):
        assert credential.document == expected
    elif isinstance(expected, str):  # a hosted URL: the verifier fetches it later
        assert credential.document == {"id": expected}
        assert credential.public_url == expected
    if "expected_verify_attr" in entry and entry["expected_verify_attr"].startswith("https://"):
        assert credential.public_url == entry["expected_verify_attr"]


@pytest.mark.parametrize("entry", support.cases("ob2-jws", "vp-jwt"), ids=support.case_id)
def test_jws_fixture(entry: dict[str, Any], external: object) -> None:
    """Signed OB 2.0 assertions and VP-JWTs decode; each credential keeps its JWS."""
    credentials = parse_all(read(entry))
    assert credentials
    for credential in credentials:
        assert credential.container is Container.JWT
        if credential.format in (CredentialFormat.OB2, CredentialFormat.VC_JWT):
            assert credential.jws
