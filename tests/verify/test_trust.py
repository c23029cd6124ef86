"""Issuer trust evaluated offline: DCC legacy registries, OpenID Federation chains, pins, blocks."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from verify_support import FIXTURE_NOW, options, statuses

from credwallet.errors import BadInput
from credwallet.formats import parse
from credwallet.models import CheckStatus, ReportStatus
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.engine import verify_credential
from credwallet.verify.keys import SigningKey
from credwallet.verify.trust import (
    NOT_FOUND,
    Registry,
    TrustConfig,
    evaluate,
    parse_registry_document,
    registered_name,
    trust_check,
)
from trust_support import entity_configuration, legacy_registry, subordinate_statement

FETCHED = datetime(2026, 11, 20, tzinfo=UTC)
ANCHOR_ID = "https://federation.example"
FETCH_ENDPOINT = "https://federation.example/fetch"


def legacy(members: dict[str, str], name: str = "DCC Sandbox Registry") -> Registry:
    body = json.dumps(legacy_registry(name, members)).encode()
    return parse_registry_document(
        body, source="https://r.example/registry.json", name=None, fetched_at=FETCHED
    )[0]


class TestLegacyRegistry:
    def test_a_listed_issuer_is_registered_with_its_registered_name(self) -> None:
        config = TrustConfig(registries=(legacy({"did:key:zA": "Real College"}),))
        check = trust_check("did:key:zA", "Reel Colege", config, now=FIXTURE_NOW)
        assert check.status is CheckStatus.PASS and not check.required
        assert check.detail.startswith("registered: Real College in DCC Sandbox Registry")
        assert "as of 2026-11-20T00:00:00Z" in check.detail
        inputs = dict(check.inputs)
        assert inputs["label"] == "registered"
        assert inputs["registered name"] == "Real College"
        assert inputs["claimed name"] == "Reel Colege"

    def test_an_unlisted_issuer_is_unknown_not_failed(self) -> None:
        config = TrustConfig(registries=(legacy({"did:key:zA": "Real College"}),))
        check = trust_check("did:key:zB", None, config, now=FIXTURE_NOW)
        assert check.status is CheckStatus.UNKNOWN and not check.required
        assert "not listed by DCC Sandbox Registry" in check.detail
        assert dict(check.inputs)["label"] == "unknown"

    def test_a_registry_not_loaded_is_said_never_guessed(self) -> None:
        config = TrustConfig(
            registries=(
                Registry(
                    name="DCC Registry", kind="dcc-legacy", source="https://x", error="offline"
                ),
            )
        )
        check = trust_check("did:key:zA", None, config, now=FIXTURE_NOW)
        assert check.status is CheckStatus.UNKNOWN
        assert "registry not loaded: DCC Registry (offline)" in check.detail

    def test_a_known_registries_list_names_registries_to_load(self) -> None:
        body = json.dumps(
            [
                {
                    "name": "Fed",
                    "type": "oidf",
                    "trustAnchorEC": ANCHOR_ID + "/.well-known/openid-federation",
                },
                {"name": "Legacy", "type": "dcc-legacy", "url": "https://r.example/registry.json"},
            ]
        ).encode()
        found = parse_registry_document(body, source="known.json", name=None, fetched_at=FETCHED)
        assert [(r.name, r.kind, r.loaded) for r in found] == [
            ("Fed", "oidf", False),
            ("Legacy", "dcc-legacy", False),
        ]

    def test_an_unsupported_registry_type_is_kept_as_not_loaded(self) -> None:
        body = json.dumps(
            [{"name": "Recognition", "type": "vc-recognition", "url": "https://r.example/vc"}]
        ).encode()
        [registry] = parse_registry_document(body, source="k", name=None, fetched_at=FETCHED)
        check = trust_check(
            "did:key:zA", None, TrustConfig(registries=(registry,)), now=FIXTURE_NOW
        )
        assert check.status is CheckStatus.UNKNOWN
        assert "Recognition (registry type 'vc-recognition' is not supported" in check.detail

    def test_garbage_is_refused(self) -> None:
        with pytest.raises(BadInput):
            parse_registry_document(b'{"hello": 1}', source="x", name=None, fetched_at=FETCHED)


class TestPinsAndBlocks:
    def test_a_pin_is_self_chosen(self) -> None:
        config = TrustConfig(pins={"did:key:zA": "My employer"})
        check = trust_check("did:key:zA", None, config, now=FIXTURE_NOW)
        assert check.status is CheckStatus.PASS
        assert dict(check.inputs)["label"] == "self-chosen"
        assert dict(check.inputs)["registered name"] == "My employer"

    def test_a_block_is_the_only_required_failure(self) -> None:
        config = TrustConfig(
            registries=(legacy({"did:key:zA": "Real College"}),),
            blocks={"did:key:zA": "diploma mill"},
        )
        check = trust_check("did:key:zA", None, config, now=FIXTURE_NOW)
        assert check.status is CheckStatus.FAIL and check.required
        assert "diploma mill" in check.detail

    def test_nothing_chosen_is_a_skip(self) -> None:
        assert (
            trust_check("did:key:zA", None, TrustConfig(), now=FIXTURE_NOW).status
            is CheckStatus.SKIP
        )


def chain(
    issuer: str,
    *,
    signer: SigningKey | None = None,
    anchor: SigningKey | None = None,
    exp_days: int = 30,
) -> Registry:
    """A federation registry holding a real signed chain for ``issuer``."""
    anchor = anchor or SigningKey.generate("Ed25519")
    exp = FETCHED + timedelta(days=exp_days)
    configuration = entity_configuration(
        anchor, ANCHOR_ID, FETCH_ENDPOINT, exp=FETCHED + timedelta(days=365), iat=FETCHED
    )
    statement = subordinate_statement(
        signer or anchor, ANCHOR_ID, issuer, "Federated College", exp=exp, iat=FETCHED
    )
    return Registry(
        name="Test Federation",
        kind="oidf",
        source=ANCHOR_ID + "/.well-known/openid-federation",
        fetched_at=FETCHED,
        entity_configuration=configuration,
        statements={issuer: statement},
        statements_at={issuer: FETCHED.isoformat()},
    )


class TestOpenIdFederation:
    def test_a_verified_chain_registers_the_issuer(self) -> None:
        result = evaluate(
            "did:key:zF", TrustConfig(registries=(chain("did:key:zF"),)), now=FIXTURE_NOW
        )
        assert result.label == "registered"
        assert result.registered_name == "Federated College"
        assert result.registries == ("Test Federation",)

    def test_a_statement_signed_by_a_stranger_is_not_registration(self) -> None:
        forged = chain("did:key:zF", signer=SigningKey.generate("Ed25519"))
        check = trust_check("did:key:zF", None, TrustConfig(registries=(forged,)), now=FIXTURE_NOW)
        assert check.status is CheckStatus.UNKNOWN
        assert "does not verify" in check.detail
        assert dict(check.inputs)["label"] == "unknown"

    def test_a_tampered_entity_configuration_is_not_trusted(self) -> None:
        """Another anchor's claims under this anchor's signature: nothing verifies."""
        registry = chain("did:key:zF")
        head, _, signature = str(registry.entity_configuration).split(".")
        other = str(chain("did:key:zF").entity_configuration).split(".")[1]
        tampered = replace(registry, entity_configuration=f"{head}.{other}.{signature}")
        assert (
            evaluate("did:key:zF", TrustConfig(registries=(tampered,)), now=FIXTURE_NOW).label
            == "unknown"
        )

    def test_an_expired_statement_is_not_registration(self) -> None:
        stale = chain("did:key:zF", exp_days=1)
        result = evaluate("did:key:zF", TrustConfig(registries=(stale,)), now=FIXTURE_NOW)
        assert result.label == "unknown"
        assert "expired" in result.not_loaded[0]

    def test_a_statement_about_someone_else_does_not_count(self) -> None:
        registry = chain("did:key:zOther")
        moved = replace(registry, statements={"did:key:zF": registry.statements["did:key:zOther"]})
        assert (
            evaluate("did:key:zF", TrustConfig(registries=(moved,)), now=FIXTURE_NOW).label
            == "unknown"
        )

    def test_a_federation_that_does_not_know_the_issuer_says_so(self) -> None:
        registry = replace(chain("did:key:zF"), statements={"did:key:zF": NOT_FOUND})
        result = evaluate("did:key:zF", TrustConfig(registries=(registry,)), now=FIXTURE_NOW)
        assert result.label == "unknown" and result.checked == ("Test Federation",)

    def test_an_issuer_never_looked_up_is_registry_not_loaded(self) -> None:
        result = evaluate(
            "did:key:zNew", TrustConfig(registries=(chain("did:key:zF"),)), now=FIXTURE_NOW
        )
        assert result.label == "unknown"
        assert "trust update" in result.not_loaded[0]


class TestInTheReport:
    def test_only_blocked_makes_a_genuine_credential_invalid(self) -> None:
        key = SigningKey.generate("Ed25519")
        document = sign_document(
            {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiableCredential"],
                "issuer": {"id": key.did, "name": "Claimed Name U"},
                "validFrom": "2026-01-01T00:00:00Z",
                "credentialSubject": {"id": "did:example:holder"},
            },
            suite="eddsa-jcs-2022",
            key=key,
        )
        credential = parse(json.dumps(document).encode())
        registered = TrustConfig(registries=(legacy({key.did: "Registered U"}),))
        report = verify_credential(credential, source="t", options=options(trust=registered))
        assert report.status is ReportStatus.VALID
        assert registered_name(report) == "Registered U"
        assert dict(report.check("trust").inputs)["claimed name"] == "Claimed Name U"  # type: ignore[union-attr]
        unknown = TrustConfig(registries=(legacy({"did:key:zOther": "Other"}),))
        report = verify_credential(credential, source="t", options=options(trust=unknown))
        assert report.status is ReportStatus.VALID and statuses(report)["trust"] == "unknown"
        assert registered_name(report) is None
        blocked = TrustConfig(blocks={key.did: ""})
        report = verify_credential(credential, source="t", options=options(trust=blocked))
        assert report.status is ReportStatus.INVALID and statuses(report)["trust"] == "fail"
