"""`share resume --format ler-rs`: an LER-RS résumé that verifies itself."""

from __future__ import annotations

import copy
import dataclasses
import json

from share_helpers import JWT_VC2, NOW, OB3_EXPIRED, OB3_SMALL, item

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
        # The holder's proof holds; the presentation's verdict counts what it presents.
        assert report.check("proof").status.value == "pass", report
        assert report.check("credentials").status.value == "fail"
        # The résumé credential, then each credential it embeds (the second one has expired).
        assert [r.status for r in inner] == [
            ReportStatus.VALID, ReportStatus.VALID, ReportStatus.INVALID,
        ]  # fmt: skip
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


class TestLerRsEvidence:
    """The holder's signature covers the résumé's claims; verifying it also checks each
    credential the résumé carries, against its own issuer."""

    def test_each_embedded_credential_gets_its_own_report(self) -> None:
        """Besides the presentation and the résumé, one report per embedded credential, named
        after its container, in its real state (an expired one is expired)."""
        key = SigningKey.generate("Ed25519")
        items = [item(OB3_SMALL, "w1"), item(OB3_EXPIRED, "w2"), item(JWT_VC2, "w3")]
        vp = ler_rs_presentation(items, key=key, profile=None, now=NOW)
        _, inner = verify_presentation(vp, source="cv.json", options=options())
        sources = [r.source for r in inner]
        assert sources[0] == "cv.json [credential 1]"
        assert sources[1].startswith("cv.json [credential 1] certifications 1: Text analysis")
        assert sources[2] == "cv.json [credential 1] certifications 2: Teamwork"
        assert sources[3].startswith("cv.json [credential 1] certifications 3")
        statuses = [r.status for r in inner]
        assert statuses[:3] == [ReportStatus.VALID, ReportStatus.VALID, ReportStatus.INVALID]
        assert inner[2].check("validity").status.value == "fail"
        assert inner[2].check("proof").status.value == "pass"
        assert inner[3].format == "vc-jwt"
        assert inner[3].check("proof").status.value == "pass"

    def test_a_forged_credential_inside_a_signed_resume_is_caught(self) -> None:
        """A holder who edits a credential and signs the résumé over it: the résumé's own
        proof passes, the embedded credential's proof fails."""
        key = SigningKey.generate("Ed25519")
        genuine = item(OB3_SMALL, "w1")
        document = copy.deepcopy(dict(genuine.credential.document))
        document["name"] = "Doctorate in Everything"
        forged = dataclasses.replace(
            genuine, credential=dataclasses.replace(genuine.credential, document=document)
        )
        vp = ler_rs_presentation([forged], key=key, profile=None, now=NOW)
        report, inner = verify_presentation(vp, source="cv.json", options=options())
        assert report.check("proof").status.value == "pass"
        assert report.status is ReportStatus.INVALID  # it presents a forged credential
        resume, evidence = inner
        assert resume.status is ReportStatus.VALID
        assert evidence.status is ReportStatus.INVALID
        assert evidence.check("proof").status.value == "fail"

    def test_only_resume_credentials_are_searched(self) -> None:
        """An ordinary credential in a presentation adds no extra reports."""
        from credwallet.share.presentation import create_presentation

        key = SigningKey.generate("Ed25519")
        vp = create_presentation(
            [item(OB3_SMALL).credential], key=key, suite="eddsa-jcs-2022", created=NOW,
            loader=DocumentLoader(context_dirs=[CONTEXTS], offline=True),
        )  # fmt: skip
        _, inner = verify_presentation(vp, source="vp", options=options())
        assert len(inner) == 1


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
        checked = run("--json", "verify", str(target))
        # Every credential inside is checked against its issuer: the expired one says so (and,
        # as for a bundle, makes the exit code 3), the others verify.
        assert checked.exit_code == 3, checked.output
        reports = json.loads(checked.stdout)
        reports = reports if isinstance(reports, list) else reports["results"]
        states = {r["source"].removeprefix(str(target)): r["status"] for r in reports}
        assert states == {
            "": "invalid",  # the presentation: it presents an expired credential
            " [credential 1]": "valid",
            " [credential 1] certifications 1: Robot Programming": "indeterminate",
            " [credential 1] certifications 2: Text analysis": "valid",
            " [credential 1] certifications 3: Teamwork": "invalid",
        }, states
        # The résumé's own words for each (the holder's claims at signing) say the same.
        claimed = [
            c["status"] for c in document["verifiableCredential"][0]["credentialSubject"][
                "certifications"]
        ]  # fmt: skip
        assert claimed == ["Not fully verified", "Verified", "Expired"]
