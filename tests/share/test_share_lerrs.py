"""`share resume --format ler-rs`: an LER-RS résumé that verifies itself."""

from __future__ import annotations

import copy
import json

from share_helpers import NOW, OB3_EXPIRED, OB3_SMALL, item

from credwallet.formats import parse
from credwallet.models import ReportStatus
from credwallet.share.lerrs import LER_RS_TYPE, ler_rs_presentation
from credwallet.share.profile import HolderProfile
from credwallet.verify.engine import VerifyOptions, verify_credential, verify_presentation
from credwallet.verify.jsonld import DocumentLoader
from credwallet.verify.keys import SigningKey
from support import CONTEXTS


def options() -> VerifyOptions:
    return VerifyOptions(
        now=NOW, offline=True, loader=DocumentLoader(context_dirs=[CONTEXTS], offline=True)
    )


class TestLerRs:
    def test_signed_resume_verifies_and_embeds_each_credential(self) -> None:
        """The presentation and the résumé credential verify; each embedded credential too."""
        key = SigningKey.generate("Ed25519")
        profile = HolderProfile.create("Ana Ćirić", email="ana@example.org")
        items = [item(OB3_SMALL, "w1"), item(OB3_EXPIRED, "w2")]
        vp = ler_rs_presentation(items, key=key, profile=profile, now=NOW)
        report, inner = verify_presentation(vp, source="vp", options=options())
        assert report.status is ReportStatus.VALID, report
        assert [r.status for r in inner] == [ReportStatus.VALID]
        (resume_vc,) = vp["verifiableCredential"]
        subject = resume_vc["credentialSubject"]
        assert resume_vc["issuer"] == key.did_key == subject["id"]
        assert subject["type"] == LER_RS_TYPE
        assert subject["person"]["name"]["formattedName"] == "Ana Ćirić"
        assert subject["communication"]["email"] == [{"address": "ana@example.org"}]
        names = [c["name"] for c in subject["certifications"]]
        assert names == ["Text analysis", "Teamwork"]
        assert subject["certifications"][1]["status"] == "Expired"
        for container in subject["certifications"]:
            (embedded,) = container["verifications"]
            own = verify_credential(
                parse(json.dumps(embedded).encode()), source="x", options=options()
            )
            assert own.check("proof").status.value == "pass"

    def test_editing_the_resume_breaks_the_proof(self) -> None:
        """Changing a status or a name in the résumé makes its proof fail."""
        key = SigningKey.generate("Ed25519")
        vp = ler_rs_presentation([item(OB3_EXPIRED)], key=key, profile=None, now=NOW)
        edited = copy.deepcopy(vp)
        edited["verifiableCredential"][0]["credentialSubject"]["certifications"][0]["status"] = (
            "Verified"
        )
        report, inner = verify_presentation(edited, source="vp", options=options())
        assert report.status is ReportStatus.INVALID
        assert inner[0].check("proof").status.value == "fail"


class TestLerRsCommand:
    def test_cli_prints_a_verifiable_presentation(self, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
        """share resume --format ler-rs prints JSON that `credwallet verify` accepts."""
        assert run("profile", "set", "--name", "Ana Ćirić").exit_code == 0
        result = run("share", "resume", "--format", "ler-rs")
        assert result.exit_code == 0, result.output
        document = json.loads(result.stdout)
        assert document["holder"]["name"] == "Ana Ćirić"
        target = tmp_path / "resume.json"
        target.write_text(result.stdout)
        assert run("verify", str(target)).exit_code == 0
