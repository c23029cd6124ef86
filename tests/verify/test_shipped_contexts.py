"""The JSON-LD contexts that ship inside credwallet: complete, pinned, and used by default.

Most of the suite runs with ``CREDWALLET_CONTEXTS`` pointing at the shared fixture contexts
(conftest). These tests remove it, as on a newcomer's machine.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from verify_support import FIXTURE_NOW

from credwallet.models import ReportStatus
from credwallet.verify.contexts import (
    PINNED_CONTEXTS,
    json_digest,
    matches_pin,
    pin_for,
    shipped_context,
    shipped_index,
)
from credwallet.verify.jsonld import ContextPinMismatch, DocumentLoader
from support import CONTEXTS, EXTERNAL, REPO

DATA = REPO / "src" / "credwallet" / "verify" / "contexts_data"
V2 = "https://www.w3.org/ns/credentials/v2"
OB303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

#: Every standard credwallet verifies, by one URL each (issue 11).
REQUIRED = [
    "https://www.w3.org/2018/credentials/v1",
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/suites/ed25519-2020/v1",
    "https://w3id.org/security/multikey/v1",
    "https://www.w3.org/ns/credentials/status/v1",
    "https://w3id.org/vc/status-list/2021/v1",
    "https://w3id.org/openbadges/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    OB303,
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    "https://w3id.org/blockcerts/v2",
    "https://w3id.org/blockcerts/v3",
    "https://www.w3.org/ns/odrl.jsonld",
]


@pytest.fixture
def fresh_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """No CREDWALLET_CONTEXTS, as after a plain `pip install credwallet`."""
    monkeypatch.delenv("CREDWALLET_CONTEXTS", raising=False)


def _forbidden_fetcher(url: str) -> bytes:
    raise AssertionError(f"the network was used for {url}")


class TestShippedIndex:
    def test_index_pins_and_files_agree(self) -> None:
        """Each entry's file has the recorded SHA-256s, equal to the pin in contexts.py."""
        for url, entry in shipped_index().items():
            data = (DATA / entry.file).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry.sha256 == pin_for(url), url
            assert json_digest(data) == entry.json_sha256, url
            assert entry.source.startswith("https://github.com/"), url
            assert entry.licence, url

    def test_every_pinned_context_ships(self) -> None:
        assert set(PINNED_CONTEXTS) == set(shipped_index())

    def test_no_unlisted_files(self) -> None:
        """The folder holds the listed documents, the index and the notice: nothing else."""
        listed = {entry.file for entry in shipped_index().values()}
        assert {p.name for p in DATA.iterdir()} == listed | {"index.json", "NOTICE.md"}

    @pytest.mark.parametrize("url", REQUIRED)
    def test_standard_contexts_ship(self, url: str) -> None:
        data = shipped_context(url)
        assert data is not None
        assert isinstance(json.loads(data)["@context"], (dict, list))


class TestLoaderUsesShippedCopies:
    @pytest.mark.parametrize("url", REQUIRED)
    def test_fresh_machine_offline(self, url: str, fresh_machine: None) -> None:
        """No directories, no cache, no network: every standard context loads."""
        loader = DocumentLoader(fetcher=_forbidden_fetcher, offline=True)
        assert loader.load_bytes(url) == shipped_context(url)

    def test_shipped_copy_wins_over_a_directory(self, tmp_path: Path) -> None:
        """A user directory cannot change what a shipped URL means (it is never consulted)."""
        directory = tmp_path / "ctx"
        directory.mkdir()
        (directory / "v2.jsonld").write_bytes(b'{"@context": {"name": "urn:evil:name"}}')
        (directory / "index.json").write_text(json.dumps({V2: {"file": "v2.jsonld"}}), "utf-8")
        assert DocumentLoader(context_dirs=[directory]).load_bytes(V2) == shipped_context(V2)

    def test_reformatted_copy_accepted(self) -> None:
        """Servers re-indent contexts: the same JSON laid out differently matches the pin."""
        original = json.loads(shipped_context(V2) or b"")
        reformatted = json.dumps(original, indent=4, sort_keys=True).encode()
        assert hashlib.sha256(reformatted).hexdigest() != pin_for(V2)
        assert matches_pin(V2, reformatted)
        loader = DocumentLoader(context_dirs=[], shipped=False, fetcher=lambda _url: reformatted)
        assert loader.load(V2) == original

    def test_changed_meaning_refused(self) -> None:
        """A copy whose JSON differs by one IRI matches no pin."""
        original = json.loads(shipped_context(V2) or b"")
        original["@context"]["name"] = "urn:evil:name"
        changed = json.dumps(original).encode()
        assert not matches_pin(V2, changed)
        loader = DocumentLoader(context_dirs=[], shipped=False, fetcher=lambda _url: changed)
        with pytest.raises(ContextPinMismatch):
            loader.load(V2)

    def test_both_published_revisions_of_ob_303(self) -> None:
        """1EdTech's first 3.0.3 (no endorsementJwt) and the later one are both accepted."""
        first = (CONTEXTS / "ob-v3p0-context-3.0.3.json").read_bytes()
        later = shipped_context(OB303) or b""
        assert json.loads(first) != json.loads(later)
        assert matches_pin(OB303, first)
        assert matches_pin(OB303, later)

    def test_shipped_contexts_added_terms_only(self) -> None:
        """The shipped 3.0.3 revision only adds terms, so nothing signed under the first
        revision changes meaning."""
        first: dict[str, Any] = json.loads((CONTEXTS / "ob-v3p0-context-3.0.3.json").read_bytes())
        later: dict[str, Any] = json.loads(shipped_context(OB303) or b"")
        added = set(later["@context"]) - set(first["@context"])
        assert added == {"endorsementJwt", "jti"}
        for term, definition in first["@context"].items():
            assert later["@context"][term] == definition, term


def ob3_ecdsa_rdfc_credential() -> dict[str, Any]:
    """An OB 3.0 credential signed here with ecdsa-rdfc-2019 (P-256 did:key)."""
    from credwallet.verify.dataintegrity import sign_document
    from credwallet.verify.keys import SigningKey

    key = SigningKey.generate("P-256")
    unsigned = {
        "@context": [V2, OB303],
        "id": "urn:uuid:6c3f2a9e-1b7d-4e0a-8f5c-2d9e4b1a7c30",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": key.did_key, "type": ["Profile"], "name": "Fresh Install College"},
        "validFrom": "2026-01-15T00:00:00Z",
        "name": "Offline Verification",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.org/achievements/offline",
                "type": ["Achievement"],
                "name": "Offline Verification",
                "criteria": {"narrative": "Verify a badge with no network."},
                "description": "Shipped contexts at work.",
            },
        },
    }
    return sign_document(unsigned, suite="ecdsa-rdfc-2019", key=key, created=FIXTURE_NOW)


#: OB 3.0 credentials with the three RDFC suites: (file under the shared fixtures, suite).
RDFC_OB3 = [
    (
        "dcc-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/"
        "legacyRegistry-noStatus-noExpiry-basicOBv3.json",
        "eddsa-rdfc-2022",
    ),
    ("dcc-verifier-core/v2/v2NoStatus.json", "Ed25519Signature2020"),
]


@pytest.mark.parametrize(("name", "suite"), RDFC_OB3)
def test_rdfc_credentials_verify_on_a_fresh_machine(
    name: str, suite: str, fresh_machine: None
) -> None:
    """The RDFC suites verify with no CREDWALLET_CONTEXTS and no network."""
    document = json.loads((EXTERNAL / name).read_text("utf-8"))
    _assert_valid_offline(document, suite)


def test_ecdsa_rdfc_ob3_verifies_on_a_fresh_machine(fresh_machine: None) -> None:
    _assert_valid_offline(ob3_ecdsa_rdfc_credential(), "ecdsa-rdfc-2019")


def _assert_valid_offline(document: dict[str, Any], suite: str) -> None:
    from credwallet.verify.engine import VerifyOptions, verify_document

    assert suite in json.dumps(document["proof"])
    report = verify_document(
        document, source="test", options=VerifyOptions(now=FIXTURE_NOW, offline=True)
    )
    assert report.status is ReportStatus.VALID, report.to_json()
