"""The 1EdTech JSON Schemas shipped in the package (issue 11): pinned, used offline, and never
a reason to fail a credential that was written against another revision."""

from __future__ import annotations

import copy
import hashlib
import json
from importlib import resources
from typing import Any

import pytest
from jsonschema import validators
from verify_support import FakeFetcher, options, statuses

from credwallet.formats import parse
from credwallet.models import CheckStatus, ReportStatus
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.engine import verify_credential
from credwallet.verify.keys import SigningKey
from credwallet.verify.schema import check_schemas, shipped_schema, shipped_schema_urls
from support import EXTERNAL

OB3_JSON = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
ENDORSEMENT_JSON = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json"
)
CLR_JSON = "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json"
OB3_JSON_LD = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json-ld/ob_v3p0_achievementcredential_schema.json"
V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
DATA = resources.files("credwallet.verify.schemas_data")
KEY = SigningKey.generate("Ed25519")


def _entry(url: str) -> dict[str, str]:
    return {"id": url, "type": "1EdTechJsonSchemaValidator2019"}


def badge(schema: str = OB3_JSON, **extra: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": [V2, OB3],
        "id": "urn:uuid:4b1c55b6-0f2b-4fd1-9d57-3f6c3e1d2a01",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": KEY.did_key, "type": ["Profile"], "name": "Test College"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Welding Level 1",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://college.example/achievements/welding-1",
                "type": ["Achievement"],
                "name": "Welding Level 1",
                "description": "Welds.",
                "criteria": {"narrative": "Passed the practical."},
            },
        },
        "credentialSchema": [_entry(schema)],
    }
    document.update(extra)
    return document


def endorsement() -> dict[str, Any]:
    return {
        "@context": [V2, OB3],
        "id": "urn:uuid:1a2b3c4d-0f2b-4fd1-9d57-3f6c3e1d2a02",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "issuer": {"id": KEY.did_key, "type": ["Profile"], "name": "Welders Guild"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "The guild endorses this badge",
        "credentialSubject": {
            "id": "https://college.example/achievements/welding-1",
            "type": ["EndorsementSubject"],
            "endorsementComment": "Rigorous.",
        },
        "credentialSchema": [_entry(ENDORSEMENT_JSON)],
    }


def clr(nested: list[object]) -> dict[str, Any]:
    return {
        "@context": [V2, CLR, OB3],
        "id": "urn:uuid:0e5e6c4a-6f52-4d24-9a5e-1c1d9b2a0c33",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": KEY.did_key, "type": ["Profile"], "name": "Registrar"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Transcript",
        "credentialSubject": {"type": ["ClrSubject"], "verifiableCredential": nested},
        "credentialSchema": [_entry(CLR_JSON)],
    }


NESTED = sign_document(
    {k: v for k, v in badge().items() if k != "credentialSchema"}, suite="eddsa-jcs-2022", key=KEY
)


class TestShippedFiles:
    @pytest.mark.parametrize("url", [OB3_JSON, ENDORSEMENT_JSON, CLR_JSON, OB3_JSON_LD])
    def test_each_schema_is_shipped_pinned_and_a_valid_schema(self, url: str) -> None:
        index = json.loads(DATA.joinpath("index.json").read_text("utf-8"))
        entry = index[url]
        data = DATA.joinpath(entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert entry["source"] and "1EdTech" in entry["licence"]
        schema = shipped_schema(url)
        assert schema is not None and schema["$id"] == url
        validators.validator_for(schema).check_schema(schema)
        assert entry["file"] in DATA.joinpath("README.md").read_text("utf-8")

    def test_the_index_lists_exactly_the_files_shipped(self) -> None:
        index = json.loads(DATA.joinpath("index.json").read_text("utf-8"))
        files = {p.name for p in DATA.iterdir() if p.name.endswith(".json")} - {"index.json"}
        assert {e["file"] for e in index.values()} == files
        assert set(shipped_schema_urls()) == set(index)


class TestOffline:
    @pytest.mark.parametrize(
        ("document", "url"),
        [(badge(), OB3_JSON), (endorsement(), ENDORSEMENT_JSON), (clr([NESTED]), CLR_JSON)],
        ids=["achievement", "endorsement", "clr"],
    )
    def test_a_conforming_credential_passes_with_no_network(
        self, document: dict[str, Any], url: str
    ) -> None:
        check = check_schemas(document, options(fetcher=None))
        assert check.status is CheckStatus.PASS, check.detail
        assert dict(check.inputs)["schema source"] == "shipped with credwallet"
        assert url in check.detail

    @pytest.mark.parametrize(
        "document",
        [badge(), endorsement(), clr([NESTED])],
        ids=["achievement", "endorsement", "clr"],
    )
    def test_a_credential_missing_a_required_field_fails(self, document: dict[str, Any]) -> None:
        broken = copy.deepcopy(document)
        del broken["validFrom"]
        check = check_schemas(broken, options(fetcher=None))
        assert check.status is CheckStatus.FAIL and check.required
        assert "validFrom" in check.detail

    def test_a_signed_credential_breaking_the_schema_is_invalid(self) -> None:
        signed = sign_document(badge(name=""), suite="eddsa-jcs-2022", key=KEY)
        signed["credentialSubject"]["achievement"].pop("criteria")
        resigned = sign_document(
            {k: v for k, v in signed.items() if k != "proof"}, suite="eddsa-jcs-2022", key=KEY
        )
        report = verify_credential(
            parse(json.dumps(resigned).encode()), source="t", options=options()
        )
        assert statuses(report)["proof"] == "pass"
        assert statuses(report)["schema"] == "fail"
        assert report.status is ReportStatus.INVALID

    def test_a_conforming_signed_credential_is_valid_offline(self) -> None:
        signed = sign_document(badge(), suite="eddsa-jcs-2022", key=KEY)
        report = verify_credential(
            parse(json.dumps(signed).encode()), source="t", options=options()
        )
        assert statuses(report)["schema"] == "pass"
        assert report.status is ReportStatus.VALID


class TestNotHeldAgainstTheCredential:
    def test_a_schema_neither_shipped_nor_cached_is_unknown_and_not_required(self) -> None:
        url = "https://college.example/schemas/welding.json"
        signed = sign_document(badge(url), suite="eddsa-jcs-2022", key=KEY)
        report = verify_credential(
            parse(json.dumps(signed).encode()), source="t", options=options(fetcher=FakeFetcher())
        )
        check = report.check("schema")
        assert check is not None and check.status is CheckStatus.UNKNOWN
        assert not check.required and url in check.detail
        assert report.status is ReportStatus.VALID

    def test_a_vc1_credential_failing_the_vc2_revision_is_unknown(self) -> None:
        """1EdTech republished the schema at the same URL for VC 2.0; an OB 3.0.1 badge
        (VC 1.1, issuanceDate) written against the earlier revision is not failed by it."""
        old = badge()
        old["@context"] = [V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"]
        old["issuanceDate"] = old.pop("validFrom")
        check = check_schemas(old, options(fetcher=None))
        assert check.status is CheckStatus.UNKNOWN and not check.required
        assert "VC 2.0 revision" in check.detail

    def test_the_spec_examples_naming_the_json_schema_conform(self) -> None:
        """The OB 3.0 specification's own examples validate against the shipped schema."""
        folder = EXTERNAL / "1edtech-ob3-spec-examples"
        checked = 0
        for path in sorted(folder.glob("*.json")):
            document = json.loads(path.read_bytes())
            entries = document.get("credentialSchema") if isinstance(document, dict) else None
            if not entries or OB3_JSON not in json.dumps(entries):
                continue
            check = check_schemas(document, options(fetcher=None))
            assert check.status is CheckStatus.PASS, (path.name, check.detail)
            checked += 1
        assert checked >= 3
