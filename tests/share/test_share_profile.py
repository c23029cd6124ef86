"""The holder's profile: stored encrypted, shown on what is shared, signed into presentations."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from share_helpers import NOW, OB3_EXPIRED, OB3_SMALL, VC1_OB3, ids, load, offline_cli

from credwallet.errors import BadInput, UsageError
from credwallet.models import ReportStatus
from credwallet.share.presentation import create_presentation
from credwallet.share.profile import HolderProfile, agreed_subject_name
from credwallet.verify.engine import VerifyOptions, verify_presentation
from credwallet.verify.jsonld import DocumentLoader
from credwallet.verify.keys import SigningKey
from support import CONTEXTS, EXTERNAL

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


class TestHolderProfile:
    def test_round_trip(self) -> None:
        """A profile survives its stored form, photo included."""
        profile = HolderProfile.create(
            "Zoë Ωmega-Жукова", email="zoe@example.org", url="https://zoe.example", photo=PNG
        )
        assert HolderProfile.from_bytes(profile.to_bytes()) == profile

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"name": "  "}, "cannot be empty"),
            ({"name": "Eve\u202eevE"}, "control or invisible"),
            ({"name": "Ann", "email": "not-an-address"}, "not an e-mail"),
            ({"name": "Ann", "url": "javascript:alert(1)"}, "must start with https"),
            ({"name": "Ann", "photo": b"GIF89a...."}, "PNG or JPEG"),
        ],
    )
    def test_bad_values_are_refused(self, kwargs: dict[str, object], message: str) -> None:
        """Empty names, bidi tricks, non-addresses, script URLs and other images are refused."""
        name = str(kwargs.pop("name"))
        with pytest.raises(UsageError, match=message):
            HolderProfile.create(name, **kwargs)  # type: ignore[arg-type]

    def test_garbage_record_is_bad_input(self) -> None:
        """A damaged stored profile is one BadInput, not a crash."""
        with pytest.raises(BadInput):
            HolderProfile.from_bytes(b'{"setting": "profile", "name": 5, "photo": {"base64": 1}}')


class TestAgreedName:
    def test_names_that_agree_are_offered(self) -> None:
        """One subject name (spacing and case aside) is offered."""
        credential = load(VC1_OB3)  # credentialSubject.name "Jane Doe"
        assert agreed_subject_name([credential, credential]) == "Jane Doe"

    def test_no_name_or_disagreement_offers_nothing(self) -> None:
        """No subject name, or two different ones: nothing is offered, nothing invented."""
        assert agreed_subject_name([load(OB3_SMALL)]) is None
        assert (
            agreed_subject_name([load(VC1_OB3), load("dcc-verifier-core/v2/v2Revoked.json")])
            is None
        )


class TestSignedName:
    @pytest.mark.parametrize("fixture", [OB3_EXPIRED, VC1_OB3])
    @pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
    def test_name_is_covered_by_the_holder_proof(self, fixture: str, suite: str) -> None:
        """VC 2.0 and 1.1 presentations carry holder.name; editing it breaks the proof."""
        key = SigningKey.generate("Ed25519")
        loader = DocumentLoader(context_dirs=[CONTEXTS], offline=True)
        document = create_presentation(
            [load(fixture)], key=key, suite=suite, created=NOW, loader=loader,
            holder_name="Zoë Жукова",
        )  # fmt: skip
        assert document["holder"] == {"id": key.did_key, "name": "Zoë Жукова"}
        options = VerifyOptions(now=NOW, offline=True, loader=loader)
        report, _inner = verify_presentation(document, source="vp", options=options)
        assert report.check("proof").status.value == "pass", report
        edited = json.loads(json.dumps(document))
        edited["holder"]["name"] = "Mallory"
        report, _inner = verify_presentation(edited, source="vp", options=options)
        assert report.check("proof").status.value == "fail"
        assert report.status is ReportStatus.INVALID


@pytest.fixture
def jane(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A wallet whose one credential names its subject "Jane Doe", and no profile."""
    home = tmp_path / "wallet"

    invoke = offline_cli(home)

    assert invoke("init").exit_code == 0
    assert invoke("import", str(EXTERNAL / VC1_OB3)).exit_code in (0, 3, 4)
    return invoke


class TestNoProfile:
    """With no profile, every sharing command offers the name the credentials agree on and
    puts no name on what it makes: the holder decides, nothing is invented."""

    HINT = "your credentials name you 'Jane Doe': credwallet profile set --name 'Jane Doe'"

    def test_bundle_offers_the_name_and_shows_none(self, jane, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        """The bundle's page, manifest and presentation carry the holder DID only."""
        target = tmp_path / "b.zip"
        (only,) = ids(jane).values()
        result = jane("share", "bundle", only, "-o", str(target))
        assert result.exit_code == 0, result.output
        assert self.HINT in result.stderr
        with zipfile.ZipFile(target) as archive:
            page = archive.read("index.html").decode()
            manifest = json.loads(archive.read("manifest.json"))
            vp = json.loads(archive.read("presentation.json"))
        assert "Credentials of Jane Doe" not in page
        assert manifest.get("holder_name") is None
        assert isinstance(vp["holder"], str) and vp["holder"].startswith("did:key:")

    @pytest.mark.parametrize("fmt", ["markdown", "html", "jsonresume", "ler-rs"])
    def test_resume_offers_the_name_and_uses_none(self, jane, fmt: str) -> None:  # type: ignore[no-untyped-def]
        """Every résumé format offers the name on stderr; the export itself is unnamed."""
        result = jane("share", "resume", "--format", fmt, "--include-invalid")
        assert result.exit_code == 0, result.output
        assert self.HINT in result.stderr
        if fmt == "jsonresume":
            assert "basics" not in json.loads(result.stdout)
        elif fmt == "ler-rs":
            document = json.loads(result.stdout)
            assert isinstance(document["holder"], str)
            assert "person" not in document["verifiableCredential"][0]["credentialSubject"]
        else:
            assert "Jane Doe:" not in result.stdout

    def test_show_offers_the_agreed_name(self, jane) -> None:  # type: ignore[no-untyped-def]
        """`profile show --json` has no profile and suggests the agreed name."""
        shown = json.loads(jane("profile", "show", "--json").stdout)
        assert shown == {"profile": None, "suggested_name": "Jane Doe"}


class TestProfileCommands:
    def test_show_without_profile_offers_nothing_invented(self, run) -> None:  # type: ignore[no-untyped-def]
        """With no profile, `profile show` says so and suggests no name the credentials lack."""
        result = run("profile", "show", "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == {"profile": None, "suggested_name": None}

    def test_set_show_and_bundle(self, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        """The name set is shown, and heads the bundle page, the manifest and the presentation."""
        photo = tmp_path / "me.png"
        photo.write_bytes(PNG)
        made = run(
            "profile", "set", "--name", "Zoë Ωmega", "--email", "zoe@example.org",
            "--photo", str(photo),
        )  # fmt: skip
        assert made.exit_code == 0, made.output
        shown = json.loads(run("profile", "show", "--json").stdout)["profile"]
        assert shown["name"] == "Zoë Ωmega"
        assert shown["email"] == "zoe@example.org"
        assert shown["photo"] == {"type": "image/png", "bytes": len(PNG)}
        target = tmp_path / "for-acme.zip"
        result = run("share", "bundle", ids(run)["Text analysis"], "-o", str(target))
        assert result.exit_code == 0, result.output
        with zipfile.ZipFile(target) as archive:
            page = archive.read("index.html").decode()
            manifest = json.loads(archive.read("manifest.json"))
            vp = json.loads(archive.read("presentation.json"))
        assert "Credentials of Zoë Ωmega" in page
        assert "credwallet verify for-acme.zip" in page
        assert manifest["holder_name"] == "Zoë Ωmega"
        assert vp["holder"]["name"] == "Zoë Ωmega"
        assert run("verify", str(target)).exit_code == 0

    def test_set_replaces(self, run) -> None:  # type: ignore[no-untyped-def]
        """A second `profile set` replaces the first."""
        assert run("profile", "set", "--name", "First").exit_code == 0
        assert run("profile", "set", "--name", "Second").exit_code == 0
        assert json.loads(run("profile", "show", "--json").stdout)["profile"]["name"] == "Second"

    def test_bad_photo_is_a_one_line_error(self, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        """A photo that is no PNG/JPEG is refused with exit 2 and nothing stored."""
        bad = tmp_path / "x.gif"
        bad.write_bytes(b"GIF89a" + b"\x00" * 10)
        result = run("profile", "set", "--name", "Ann", "--photo", str(bad))
        assert result.exit_code == 2
        assert "PNG or JPEG" in result.output
        assert json.loads(run("profile", "show", "--json").stdout)["profile"] is None


class TestPhoto:
    def test_photo_on_the_bundle_page_and_the_pdf_cover(self, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        """A profile photo appears on the bundle page and on the PDF's cover page."""
        import io

        pypdf = pytest.importorskip("pypdf")
        from share_helpers import noisy_png

        photo = tmp_path / "me.png"
        photo.write_bytes(noisy_png(40, 40))
        assert run("profile", "set", "--name", "Ana", "--photo", str(photo)).exit_code == 0
        chosen = ids(run)["Text analysis"]
        assert run("share", "bundle", chosen, "-o", str(tmp_path / "b.zip")).exit_code == 0
        with zipfile.ZipFile(tmp_path / "b.zip") as archive:
            page = archive.read("index.html").decode()
        assert '<img class="photo" src="data:image/png;base64,' in page
        assert run("share", "pdf", chosen, "-o", str(tmp_path / "p.pdf")).exit_code == 0
        cover = pypdf.PdfReader(io.BytesIO((tmp_path / "p.pdf").read_bytes())).pages[0]
        assert len(cover.images) == 1


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs FIFOs")
def test_photo_from_a_fifo_is_refused_without_blocking(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """--photo FIFO is refused at once (exit 7), never read."""
    import os

    fifo = tmp_path / "photo"
    os.mkfifo(fifo)
    result = run("profile", "set", "--name", "Ann", "--photo", str(fifo))
    assert result.exit_code == 7
    assert "not a regular file" in result.output


class TestOfferedCommand:
    NAME = 'Siobhán "Shiv" O\'Neil $HOME'

    @pytest.fixture
    def quoted(self, tmp_path: Path):  # type: ignore[no-untyped-def]
        """A wallet whose one credential names its subject with quotes and a dollar sign."""
        from datetime import UTC, datetime

        from credwallet.verify.dataintegrity import sign_document

        key = SigningKey.generate("Ed25519")
        document = {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ],
            "id": "urn:uuid:5d0f3c1a-2b4e-4f6a-8c9d-0e1f2a3b4c5d",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": key.did_key, "type": ["Profile"], "name": "Quote Academy"},
            "validFrom": "2025-01-01T00:00:00Z",
            "name": "Shell Safety",
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "name": self.NAME,
                "achievement": {
                    "id": "https://quote.example/a/1",
                    "type": ["Achievement"],
                    "name": "Shell Safety",
                    "criteria": {"narrative": "x"},
                },
            },
        }
        signed = sign_document(
            document, suite="eddsa-jcs-2022", key=key, created=datetime(2025, 1, 1, tzinfo=UTC),
            loader=DocumentLoader(context_dirs=[CONTEXTS], offline=True),
        )  # fmt: skip
        source = tmp_path / "shell.json"
        source.write_text(json.dumps(signed))
        home = tmp_path / "wallet"

        invoke = offline_cli(home)

        assert invoke("init").exit_code == 0
        assert invoke("import", str(source)).exit_code == 0
        return invoke

    @pytest.mark.parametrize("command", [("profile", "show"), ("share", "pdf", "-o", "{tmp}")])
    def test_pasting_the_offered_command_sets_exactly_that_name(  # type: ignore[no-untyped-def]
        self, quoted, tmp_path: Path, command: tuple[str, ...]
    ) -> None:
        """The offered `profile set` line, read as a POSIX shell reads it, names the holder
        exactly as the credentials do: quotes and $ stay text."""
        import shlex

        args = [a.replace("{tmp}", str(tmp_path / "p.pdf")) for a in command]
        result = quoted(*args)
        assert result.exit_code == 0, result.output
        (line,) = [ln for ln in result.stderr.splitlines() if "profile set --name" in ln]
        offered = line[line.index("credwallet profile set") :]
        words = shlex.split(offered)
        assert words[:4] == ["credwallet", "profile", "set", "--name"]
        assert words[4:] == [self.NAME]
        assert quoted(*words[1:]).exit_code == 0
        shown = json.loads(quoted("profile", "show", "--json").stdout)["profile"]
        assert shown["name"] == self.NAME
