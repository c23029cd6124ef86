"""`credwallet share` end to end: a real wallet, real credentials, files read back."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from share_helpers import NOW, OB3_DEGREE, OB3_SMALL, holder_verdict, ids, offline_cli

from credwallet.models import ReportStatus
from credwallet.share import bundle, qr
from credwallet.verify.engine import VerifyOptions, verify_presentation
from support import EXTERNAL


class TestShareCommands:
    def test_presentation(self, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        """share presentation writes a VP that verifies with the given challenge."""
        known = ids(run)
        target = tmp_path / "vp.json"
        chosen = [known["Robot Programming"], known["Text analysis"]]
        result = run(
            "share", "presentation", *chosen,
            "-o", str(target), "--challenge", "n-1", "--suite", "eddsa-jcs-2022",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        document = json.loads(target.read_text())
        options = VerifyOptions(now=NOW, offline=True, challenge="n-1")
        report, _inner = verify_presentation(document, source="vp", options=options)
        assert holder_verdict(report) is ReportStatus.VALID

    def test_verify_binds_challenge_and_domain(  # type: ignore[no-untyped-def]
        self, run, tmp_path: Path
    ) -> None:
        """verify --challenge/--domain accepts the bound presentation and refuses a replay."""
        known = ids(run)
        target = tmp_path / "vp.json"
        made = run(
            "share", "presentation", known["Text analysis"], "-o", str(target),
            "--challenge", "nonce-42", "--domain", "jobs.example", "--suite", "eddsa-jcs-2022",
        )  # fmt: skip
        assert made.exit_code == 0, made.output
        right = run(
            "verify", str(target), "--challenge", "nonce-42", "--domain", "jobs.example", "--json"
        )
        assert json.loads(right.stdout)[0]["status"] == "valid", right.output
        replay = run("verify", str(target), "--challenge", "another", "--json")
        assert replay.exit_code == 3
        assert json.loads(replay.stdout)[0]["status"] == "invalid"

    def test_bundle(self, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        """share bundle writes a zip that verifies with no wallet; --only-valid drops expired."""
        known = ids(run)
        target = tmp_path / "b.zip"
        result = run("share", "bundle", *known.values(), "-o", str(target), "--only-valid")
        assert result.exit_code == 0, result.output
        with zipfile.ZipFile(target) as archive:
            names = archive.namelist()
        assert "index.html" in names and not any("teamwork" in n for n in names)
        checked = bundle.verify_bundle(
            target.read_bytes(), source="b.zip", options=VerifyOptions(now=NOW, offline=True)
        )
        assert checked.bundle.status is ReportStatus.VALID

    def test_qr_png(self, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        """share qr -o FILE.png draws codes that scan back to the credential."""
        known = ids(run)
        target = tmp_path / "code.png"
        result = run("share", "qr", known["Robot Programming"], "-o", str(target), "--no-link")
        assert result.exit_code == 0, result.output
        (content,) = qr.decode_texts(qr.read_qr_images([target.read_bytes()]))
        assert content.data is not None and b"Robot Programming" in content.data

    def test_qr_terminal_json(self, run) -> None:  # type: ignore[no-untyped-def]
        """share qr --json gives the payload texts: a JSON-LD VC with no public link gets a VP1
        code for the Learner Credential Wallet / VerifierPlus, labelled so."""
        known = ids(run)
        result = run("share", "qr", known["Text analysis"], "--json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["kind"] == "vp1" and data["texts"][0].startswith("VP1-B")
        assert "Learner Credential Wallet / VerifierPlus" in data["caption"]
        (content,) = qr.decode_texts(data["texts"])
        assert content.data is not None and b"Text analysis" in content.data

    def test_bad_qr_extension(self, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        """An unknown output type is a usage error, not a traceback."""
        known = ids(run)
        result = run("share", "qr", known["Text analysis"], "-o", str(tmp_path / "x.gif"))
        assert result.exit_code == 2
        assert "Traceback" not in result.output

    @pytest.mark.parametrize("fmt", ["linkedin", "jsonresume", "markdown", "html"])
    def test_resume_formats(self, run, fmt: str) -> None:  # type: ignore[no-untyped-def]
        """share resume prints each format for every credential by default."""
        result = run("share", "resume", "--format", fmt, "--json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        if fmt == "linkedin":
            assert {e["name"] for e in data["entries"]} == set(ids(run))
        elif fmt == "jsonresume":
            assert len(data["certificates"]) == 3
        else:
            assert "Licenses &" in data["text"] and "Robot Programming" in data["text"]

    def test_unknown_id(self, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        """An id that matches nothing exits 6 with one line."""
        result = run("share", "presentation", "ffffffff", "-o", str(tmp_path / "x.json"))
        assert result.exit_code == 6


@pytest.fixture
def empty_run(tmp_path: Path):  # type: ignore[no-untyped-def]
    home = tmp_path / "empty"

    invoke = offline_cli(home)

    assert invoke("init").exit_code == 0
    return invoke


class TestResumeCommand:
    @pytest.mark.parametrize(
        ("fmt", "empty"),
        [("linkedin", {"format": "linkedin", "entries": []}),
         ("markdown", {"format": "markdown", "text": "## Licenses & certifications\n"})],
    )  # fmt: skip
    def test_empty_wallet_gives_an_empty_export(  # type: ignore[no-untyped-def]
        self, empty_run, fmt: str, empty: dict[str, object]
    ) -> None:
        """share resume on an empty wallet exits 0 with an empty export and says why."""
        result = empty_run("share", "resume", "--format", fmt, "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == empty
        assert "no credentials yet" in result.stderr

    def test_empty_wallet_json_resume(self, empty_run) -> None:  # type: ignore[no-untyped-def]
        """The JSON Resume export of an empty wallet has an empty certificates list."""
        result = empty_run("share", "resume", "--format", "jsonresume")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["certificates"] == []

    def test_forged_credential_left_out_unless_asked(  # type: ignore[no-untyped-def]
        self, run, tmp_path: Path
    ) -> None:
        """A credential whose proof fails is off the résumé; --include-invalid lists it."""
        document = json.loads((EXTERNAL / OB3_SMALL).read_text())
        document["name"] = "Forged Doctorate"
        document["credentialSubject"]["achievement"]["name"] = "Forged Doctorate"
        forged = tmp_path / "forged.json"
        forged.write_text(json.dumps(document))
        imported = run("import", "--allow-invalid", str(forged))
        assert imported.exit_code in (0, 3), imported.output
        default = run("share", "resume", "--format", "markdown")
        assert default.exit_code == 0, default.output
        assert "Forged Doctorate" not in default.stdout and "Robot Programming" in default.stdout
        assert "1 credential(s) that failed verification left out" in default.stderr
        included = run("share", "resume", "--format", "markdown", "--include-invalid")
        assert included.exit_code == 0, included.output
        assert "**Forged Doctorate** · *Forged*" in included.stdout
        linkedin = run("share", "resume", "--format", "linkedin", "--json")
        names = {e["name"] for e in json.loads(linkedin.stdout)["entries"]}
        assert "Forged Doctorate" not in names and "Robot Programming" in names

    def test_expired_credential_stays(self, run) -> None:  # type: ignore[no-untyped-def]
        """The expired credential stays on the résumé, labelled."""
        result = run("share", "resume", "--format", "markdown")
        assert result.exit_code == 0, result.output
        assert "**Teamwork** · *Expired*" in result.stdout


def _unbaked_svg_is_not_a_credential(monkeypatch: pytest.MonkeyPatch) -> None:
    """What formats/svg.py should do (as the PNG reader does): an SVG with no baked element
    is NotACredential, so verify and import go on to look for QR codes in it."""
    from credwallet.errors import BadInput, NotACredential
    from credwallet.formats import svg

    real = svg.extract

    def extract(data: bytes) -> svg.BakedSvg:
        try:
            return real(data)
        except NotACredential:
            raise
        except BadInput as exc:
            if "not baked" in exc.message:
                raise NotACredential(exc.message) from None
            raise

    monkeypatch.setattr(svg, "extract", extract)


class TestSvgQrCodes:
    def test_share_qr_svg_scans_back(self, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        """share qr -o FILE.svg writes one SVG that scans back to the credential."""
        known = ids(run)
        target = tmp_path / "one.svg"
        result = run("share", "qr", known["Robot Programming"], "-o", str(target), "--no-link")
        assert result.exit_code == 0, result.output
        (content,) = qr.scan([target.read_bytes()])
        assert content.data is not None and b"Robot Programming" in content.data

    def test_multi_part_svg_is_one_file(self, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        """A credential needing several codes goes in one SVG sheet that holds every part."""
        assert run("import", str(EXTERNAL / OB3_DEGREE)).exit_code in (0, 3, 4)
        known = ids(run)
        target = tmp_path / "big.svg"
        result = run(
            "share", "qr", known["1EdTech University Degree"], "-o", str(target), "--no-link"
        )
        assert result.exit_code == 0, result.output
        assert [p.name for p in tmp_path.iterdir() if p.suffix == ".svg"] == ["big.svg"]
        (content,) = qr.scan([target.read_bytes()])
        assert content.parts >= 2
        assert content.data is not None
        assert json.loads(content.data) == json.loads((EXTERNAL / OB3_DEGREE).read_bytes())

    def test_verify_reads_an_svg_qr(  # type: ignore[no-untyped-def]
        self, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """verify FILE.svg reads the credential from credwallet's QR drawing."""
        _unbaked_svg_is_not_a_credential(monkeypatch)
        known = ids(run)
        target = tmp_path / "one.svg"
        shared = run("share", "qr", known["Text analysis"], "-o", str(target), "--no-link")
        assert shared.exit_code == 0, shared.output
        result = run("verify", str(target), "--json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        (report,) = data if isinstance(data, list) else data["results"]
        assert report["status"] == "valid" and report["format"] == "ob3"

    def test_import_reads_an_svg_qr(  # type: ignore[no-untyped-def]
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """import FILE.svg stores the credential a credwallet SVG QR code carries."""
        _unbaked_svg_is_not_a_credential(monkeypatch)
        credential = (EXTERNAL / OB3_SMALL).read_bytes()
        target = tmp_path / "code.svg"
        texts = qr.encode_credential(credential)
        target.write_text(
            qr.render_svg(texts[0]) if len(texts) == 1 else qr.render_svg_sheet(texts)
        )
        home = tmp_path / "w"

        invoke = offline_cli(home)

        assert invoke("init").exit_code == 0
        result = invoke("import", str(target))
        assert result.exit_code == 0, result.output
        assert set(ids(invoke)) == {"Text analysis"}

    def test_verify_svg_end_to_end(  # type: ignore[no-untyped-def]
        self, run, tmp_path: Path
    ) -> None:
        """verify FILE.svg works end to end with the formats layer as it is."""
        known = ids(run)
        target = tmp_path / "one.svg"
        run("share", "qr", known["Text analysis"], "-o", str(target), "--no-link")
        assert run("verify", str(target)).exit_code == 0
