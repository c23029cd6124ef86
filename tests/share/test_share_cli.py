"""`credwallet share` end to end: a real wallet, real credentials, files read back."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from share_helpers import NOW, OB3_EXPIRED, OB3_SKILL, OB3_SMALL
from typer.testing import CliRunner, Result

from credwallet.cli import share as share_cli
from credwallet.cli._app import app
from credwallet.models import ReportStatus
from credwallet.share import bundle, qr
from credwallet.verify.engine import VerifyOptions, verify_presentation
from support import EXTERNAL

PASSPHRASE = "correct horse battery staple"

if not any(group.name == "share" for group in app.registered_groups):
    share_cli.register(app)  # until the lead adds the group to cli/_app.py


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    home = tmp_path / "wallet"

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(
            app,
            ["--home", str(home), "--offline", *args],
            env={"CREDWALLET_PASSPHRASE": PASSPHRASE},
        )

    assert invoke("init").exit_code == 0
    result = invoke("import", *(str(EXTERNAL / f) for f in (OB3_SKILL, OB3_SMALL, OB3_EXPIRED)))
    assert result.exit_code in (0, 3, 4), result.output
    return invoke


def ids(run) -> dict[str, str]:  # type: ignore[no-untyped-def]
    result = run("show", "--json")
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)
    rows = listing if isinstance(listing, list) else listing.get("credentials", [])
    return {row["name"]: row["id"] for row in rows}


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
        assert report.status is ReportStatus.VALID

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
        """share qr --json gives the payload texts."""
        known = ids(run)
        result = run("share", "qr", known["Text analysis"], "--json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["kind"] == "credential" and data["texts"][0].startswith("CW1:")

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
