"""One credential held twice (its JSON and its VC-JWT, two wallet records) is shared once."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from share_helpers import NOW, offline_cli

from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.jsonld import DocumentLoader
from credwallet.verify.keys import SigningKey, b64url_encode
from support import CONTEXTS

NAME = "Accessible Web Design"


def both_forms(key: SigningKey) -> tuple[bytes, bytes]:
    """The same OB 3.0 credential, issued by ``key`` as Data Integrity JSON and as a VC-JWT."""
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:6f1d2a44-3b7e-4c89-9a0e-2f5b8c7d1e90",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": key.did_key, "type": ["Profile"], "name": "Northwind Academy"},
        "validFrom": "2025-03-14T00:00:00Z",
        "name": NAME,
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://northwind.example/achievements/a11y",
                "type": ["Achievement"],
                "name": NAME,
                "criteria": {"narrative": "Audited and fixed three real sites."},
            },
        },
    }
    loader = DocumentLoader(context_dirs=[CONTEXTS], offline=True)
    signed = sign_document(document, suite="eddsa-jcs-2022", key=key, created=NOW, loader=loader)
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": key.verification_method}
    head_body = ".".join(
        b64url_encode(json.dumps(part, separators=(",", ":")).encode())
        for part in (header, document)
    )
    token = f"{head_body}.{b64url_encode(key.sign(head_body.encode('ascii')))}"
    return json.dumps(signed).encode(), token.encode()


@pytest.fixture
def twice(tmp_path: Path):  # type: ignore[no-untyped-def]
    home = tmp_path / "wallet"

    invoke = offline_cli(home)

    as_json, as_jwt = both_forms(SigningKey.generate("Ed25519"))
    (tmp_path / "a11y.json").write_bytes(as_json)
    (tmp_path / "a11y.jwt").write_bytes(as_jwt)
    assert invoke("init").exit_code == 0
    imported = invoke("import", str(tmp_path / "a11y.json"), str(tmp_path / "a11y.jwt"))
    assert imported.exit_code == 0, imported.output
    rows = json.loads(invoke("show", "--json").stdout)["credentials"]
    # The premise: the wallet holds it as two records (one per container).
    assert [r["name"] for r in rows] == [NAME, NAME]
    return invoke, [r["id"] for r in rows]


class TestHeldTwiceSharedOnce:
    def test_bundle(self, twice, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        """Both records chosen: the bundle holds one file, one manifest entry, one card."""
        invoke, ids = twice
        target = tmp_path / "b.zip"
        result = invoke("share", "bundle", *ids, "-o", str(target))
        assert result.exit_code == 0, result.output
        with zipfile.ZipFile(target) as archive:
            names = archive.namelist()
            manifest = json.loads(archive.read("manifest.json"))
            page = archive.read("index.html").decode()
        assert len([n for n in names if n.startswith("credentials/")]) == 1
        assert [c["name"] for c in manifest["credentials"]] == [NAME]
        assert page.count("<article") == 1
        assert invoke("verify", str(target)).exit_code == 0

    def test_pdf(self, twice, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        """The PDF has the cover and one credential page."""
        pypdf = pytest.importorskip("pypdf")
        invoke, _ = twice
        target = tmp_path / "p.pdf"
        assert invoke("share", "pdf", "-o", str(target)).exit_code == 0
        assert len(pypdf.PdfReader(io.BytesIO(target.read_bytes())).pages) == 2

    @pytest.mark.parametrize("fmt", ["markdown", "html", "jsonresume", "linkedin", "ler-rs"])
    def test_resumes(self, twice, fmt: str) -> None:  # type: ignore[no-untyped-def]
        """Every résumé format lists it once."""
        invoke, _ = twice
        result = invoke("--json", "share", "resume", "--format", fmt)
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        if fmt == "jsonresume":
            assert [c["name"] for c in data["certificates"]] == [NAME]
        elif fmt == "linkedin":
            assert [e["name"] for e in data["entries"]] == [NAME]
        elif fmt == "ler-rs":
            subject = data["verifiableCredential"][0]["credentialSubject"]
            assert [c["name"] for c in subject["certifications"]] == [NAME]
        else:
            assert data["text"].count(NAME) == 1
