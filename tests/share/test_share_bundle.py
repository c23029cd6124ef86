"""Bundles: what the zip holds, that tampering is caught, and that hostile zips fail cleanly."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from share_helpers import (
    BAKED_PNG,
    JWT_VC1,
    JWT_VC2,
    NOW,
    OB3_EXPIRED,
    OB3_SKILL,
    VC1_OB3,
    VC2_EDDSA,
    item,
)

from credwallet.errors import BadInput, CredwalletError, LimitExceeded
from credwallet.formats import parse
from credwallet.models import CheckStatus, ReportStatus
from credwallet.share import bundle, qr
from credwallet.share.items import SharedItem
from credwallet.verify.engine import VerifyOptions, verify_presentation
from credwallet.verify.keys import SigningKey

OPTIONS = VerifyOptions(now=NOW, offline=True)


def sample_items() -> list[SharedItem]:
    return [
        item(OB3_SKILL, "w1"),
        item(VC2_EDDSA, "w2"),
        item(JWT_VC2, "w3"),
        item(VC1_OB3, "w4"),
        item(JWT_VC1, "w5"),
        item(BAKED_PNG, "w6"),
        item(OB3_EXPIRED, "w7", proof="pass", validity="fail"),
    ]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object], SigningKey]:
    """One bundle of every credential shape, built once for the module."""
    from credwallet.verify.jsonld import DocumentLoader
    from support import CONTEXTS

    key = SigningKey.generate()
    path = tmp_path_factory.mktemp("bundle") / "bundle.zip"
    loader = DocumentLoader(context_dirs=[CONTEXTS], offline=True)
    manifest = bundle.create_bundle(path, sample_items(), key=key, now=NOW, loader=loader)
    return path, manifest, key


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


class TestContents:
    def test_every_file_is_there(self, made: tuple[Path, dict[str, object], SigningKey]) -> None:
        """Page, presentations, manifest, each original file and one QR per credential."""
        path, _manifest, _key = made
        files = members(path)
        originals = [i.credential.original for i in sample_items()]
        credential_files = sorted(n for n in files if n.startswith("credentials/"))
        assert [files[n] for n in credential_files] == originals
        assert len([n for n in files if n.startswith("qr/") and n.endswith(".png")]) == 7
        assert {"index.html", "manifest.json", "presentation.json", "presentation-2.json"} <= set(
            files
        )
        assert credential_files[5].endswith(".png")  # the baked badge travels as its image

    def test_recognised_as_a_zip(self, made: tuple[Path, dict[str, object], SigningKey]) -> None:
        """A written bundle is recognised as a zip; a credential file is not."""
        path, _manifest, _key = made
        assert bundle.looks_like_zip(path.read_bytes())
        assert not bundle.looks_like_zip(sample_items()[0].credential.original)

    def test_manifest_hashes_match(self, made: tuple[Path, dict[str, object], SigningKey]) -> None:
        """The manifest lists every other file with its true SHA-256 and size."""
        path, manifest, _key = made
        files = members(path)
        listed = manifest["files"]
        assert isinstance(listed, dict)
        assert set(listed) == set(files) - {"manifest.json"}
        for name, data in files.items():
            if name != "manifest.json":
                assert listed[name] == {
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "size": len(data),
                }
        assert json.loads(files["manifest.json"]) == manifest

    def test_presentations_group_by_data_model(
        self, made: tuple[Path, dict[str, object], SigningKey]
    ) -> None:
        """VC 2.0 credentials share one presentation, VC 1.1 another; OB 2.0 is in none."""
        _path, manifest, _key = made
        entries = manifest["credentials"]
        assert isinstance(entries, list)
        assert [e["presentation"] for e in entries] == [
            "presentation.json", "presentation.json", "presentation.json",
            "presentation-2.json", "presentation-2.json", None, "presentation.json",
        ]  # fmt: skip
        assert [e["status_at_share"] for e in entries][-1] == "expired"

    def test_presentations_verify(self, made: tuple[Path, dict[str, object], SigningKey]) -> None:
        """Both presentations carry a valid holder proof by the bundle's key."""
        path, _manifest, key = made
        files = members(path)
        for name in ("presentation.json", "presentation-2.json"):
            document = json.loads(files[name])
            assert document["holder"] == key.did_key
            report, _inner = verify_presentation(document, source=name, options=OPTIONS)
            assert report.status is ReportStatus.VALID, report.to_json()

    def test_qr_codes_read_back(self, made: tuple[Path, dict[str, object], SigningKey]) -> None:
        """Each credential's QR image scans back to that very credential."""
        path, manifest, _key = made
        files = members(path)
        entries = manifest["credentials"]
        assert isinstance(entries, list)
        for entry, shared in zip(entries, sample_items(), strict=True):
            (content,) = qr.decode_texts(qr.read_qr_images([files[entry["qr"]]]))
            assert content.parts == entry["qr_parts"]
            assert content.data is not None
            back = parse(content.data)
            assert back.document == shared.credential.document

    def test_only_valid(self, tmp_path: Path) -> None:
        """With only_valid, an expired credential is left out of files, page and manifest."""
        items = [item(OB3_SKILL, "w1"), item(OB3_EXPIRED, "w2", proof="pass", validity="fail")]
        manifest = bundle.create_bundle(
            tmp_path / "b.zip", items, key=SigningKey.generate(), now=NOW, only_valid=True
        )
        assert [e["name"] for e in manifest["credentials"]] == ["Robot Programming"]
        assert b"Teamwork" not in members(tmp_path / "b.zip")["index.html"]

    def test_nothing_valid_is_an_error(self, tmp_path: Path) -> None:
        """only_valid with nothing valid refuses to write an empty bundle."""
        items = [item(OB3_EXPIRED, "w2", proof="pass", validity="fail")]
        with pytest.raises(BadInput, match="none is valid"):
            bundle.create_bundle(
                tmp_path / "b.zip", items, key=SigningKey.generate(), now=NOW, only_valid=True
            )
        assert not (tmp_path / "b.zip").exists()


class TestVerifyBundle:
    def test_untouched_bundle_verifies(
        self, made: tuple[Path, dict[str, object], SigningKey]
    ) -> None:
        """The bundle's own checks pass and every presentation is valid, with no wallet."""
        path, _manifest, _key = made
        result = bundle.verify_bundle(path.read_bytes(), source="bundle.zip", options=OPTIONS)
        assert result.bundle.status is ReportStatus.VALID, result.bundle.to_json()
        assert [c.name for c in result.bundle.checks] == ["format", "manifest", "contents"]
        assert all(r.status is ReportStatus.VALID for r in result.presentations)
        assert len(result.credentials) == 7
        expired = result.credentials[6].check("validity")
        assert expired is not None and expired.status is CheckStatus.FAIL

    @pytest.mark.parametrize(
        "target",
        ["index.html", "presentation.json", "presentation-2.json", "credentials/", "qr/"],
    )
    def test_tampering_with_any_file_is_caught(
        self, made: tuple[Path, dict[str, object], SigningKey], target: str
    ) -> None:
        """Changing one byte of any file makes the manifest check name that file."""
        path, _manifest, _key = made
        files = members(path)
        names = [n for n in files if n.startswith(target)] if target.endswith("/") else [target]
        for name in names:
            changed = dict(files)
            changed[name] = files[name] + b"\n"  # still parseable, no longer the same
            contents = bundle.read_bundle(rezip(changed))
            problems = [r for r in bundle.check_manifest(contents) if not r.ok]
            assert [(r.path, r.status) for r in problems] == [(name, "changed")]
            result = bundle.verify_bundle(rezip(changed), source="b.zip", options=OPTIONS)
            manifest_check = result.bundle.check("manifest")
            assert manifest_check is not None and manifest_check.status is CheckStatus.FAIL
            assert name in manifest_check.detail

    def test_tampered_manifest_is_caught(
        self, made: tuple[Path, dict[str, object], SigningKey]
    ) -> None:
        """A manifest whose hash for a file was altered flags that file."""
        path, _manifest, _key = made
        files = members(path)
        forged = json.loads(files["manifest.json"])
        forged["files"]["index.html"]["sha256"] = "0" * 64
        files["manifest.json"] = json.dumps(forged).encode()
        problems = [r for r in bundle.check_manifest(bundle.read_bundle(rezip(files))) if not r.ok]
        assert [(r.path, r.status) for r in problems] == [("index.html", "changed")]

    def test_added_and_removed_files(
        self, made: tuple[Path, dict[str, object], SigningKey]
    ) -> None:
        """An extra file is unlisted; a deleted one is missing."""
        path, _manifest, _key = made
        files = members(path)
        qr_name = next(n for n in files if n.startswith("qr/"))
        del files[qr_name]
        files["credentials/99-extra.json"] = b"{}"
        problems = {
            (r.path, r.status)
            for r in bundle.check_manifest(bundle.read_bundle(rezip(files)))
            if not r.ok
        }
        assert problems == {(qr_name, "missing"), ("credentials/99-extra.json", "unlisted")}

    def test_consistent_forgery_fails_the_proof(
        self, made: tuple[Path, dict[str, object], SigningKey]
    ) -> None:
        """Editing the presentation and fixing the manifest still fails the holder's proof."""
        path, _manifest, _key = made
        files = members(path)
        document = json.loads(files["presentation.json"])
        document["verifiableCredential"].pop()
        files["presentation.json"] = json.dumps(document).encode()
        manifest = json.loads(files["manifest.json"])
        manifest["files"]["presentation.json"]["sha256"] = hashlib.sha256(
            files["presentation.json"]
        ).hexdigest()
        files["manifest.json"] = json.dumps(manifest).encode()
        result = bundle.verify_bundle(rezip(files), source="b.zip", options=OPTIONS)
        manifest_check = result.bundle.check("manifest")
        assert manifest_check is not None and manifest_check.status is CheckStatus.PASS
        assert result.presentations[0].status is ReportStatus.INVALID

    def test_swapped_credential_file_is_caught(
        self, made: tuple[Path, dict[str, object], SigningKey]
    ) -> None:
        """Replacing a credential file (manifest fixed up) fails the contents check."""
        path, manifest, _key = made
        files = members(path)
        victim = manifest["credentials"][0]["file"]  # type: ignore[index]
        files[victim] = sample_items()[6].credential.original
        forged = json.loads(files["manifest.json"])
        forged["files"][victim]["sha256"] = hashlib.sha256(files[victim]).hexdigest()
        files["manifest.json"] = json.dumps(forged).encode()
        result = bundle.verify_bundle(rezip(files), source="b.zip", options=OPTIONS)
        contents = result.bundle.check("contents")
        assert contents is not None and contents.status is CheckStatus.FAIL
        assert victim in contents.detail

    def test_zip_without_manifest(self) -> None:
        """A zip that is no credwallet bundle is a clear BadInput."""
        with pytest.raises(BadInput, match="not a credwallet bundle"):
            bundle.verify_bundle(rezip({"a.txt": b"x"}), source="x.zip", options=OPTIONS)


def _zip_with(add: Callable[[zipfile.ZipFile], None]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        add(archive)
    return out.getvalue()


class TestHostileZips:
    @pytest.mark.parametrize(
        "name",
        ["../evil.json", "credentials/../../evil", "/etc/passwd", "C:/Windows/evil",
         "credentials\\..\\evil", "a//b", "./a"],
    )  # fmt: skip
    def test_unsafe_names(self, name: str) -> None:
        """Entries that could escape the folder, or hide, are refused."""
        data = _zip_with(lambda z: z.writestr(zipfile.ZipInfo(name), b"x"))
        with pytest.raises(BadInput) as caught:
            bundle.read_bundle(data)
        assert type(caught.value) is BadInput

    def test_symlink_entry(self) -> None:
        """A symbolic-link entry is refused."""

        def add(archive: zipfile.ZipFile) -> None:
            link = zipfile.ZipInfo("credentials/link.json")
            link.create_system = 3
            link.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(link, "/etc/passwd")

        with pytest.raises(BadInput, match="symbolic link"):
            bundle.read_bundle(_zip_with(add))

    def test_twenty_thousand_entries(self) -> None:
        """An archive of 20,000 entries is refused before its directory is parsed."""

        def add(archive: zipfile.ZipFile) -> None:
            for number in range(20_000):
                archive.writestr(f"f{number}", b"")

        with pytest.raises(LimitExceeded, match="entries"):
            bundle.read_bundle(_zip_with(add))

    def test_zip_bomb_declared(self) -> None:
        """An entry declaring 40 MiB (over the entry cap) is refused before inflating."""
        bomb = _zip_with(lambda z: z.writestr("bomb.json", b"\0" * (40 * 1024 * 1024)))
        assert len(bomb) < 100_000
        with pytest.raises(LimitExceeded):
            bundle.read_bundle(bomb)

    def test_zip_bomb_by_ratio(self) -> None:
        """A small entry inflating a thousandfold is stopped while reading."""
        bomb = _zip_with(lambda z: z.writestr("bomb.json", b"\0" * (4 * 1024 * 1024)))
        with pytest.raises(LimitExceeded, match="zip bomb"):
            bundle.read_bundle(bomb)

    def test_total_expansion_cap(self) -> None:
        """Many entries each under the cap, together over it, are refused."""
        limits = bundle.BundleLimits(max_total_bytes=1000, max_entry_bytes=600)

        def add(archive: zipfile.ZipFile) -> None:
            for number in range(3):
                archive.writestr(f"f{number}", bytes(range(256)) * 2)

        with pytest.raises(LimitExceeded, match="expands beyond"):
            bundle.read_bundle(_zip_with(add), limits=limits)

    def test_lying_sizes(self) -> None:
        """An entry whose directory understates its size is cut off and reported damaged."""
        honest = _zip_with(lambda z: z.writestr("a.json", b"\0" * 300_000))
        at = honest.rfind(b"PK\x01\x02")
        lying = honest[: at + 24] + struct.pack("<I", 100) + honest[at + 28 :]
        with pytest.raises(BadInput):
            bundle.read_bundle(lying)

    def test_duplicate_names(self) -> None:
        """Two entries with one name (which would a viewer show?) are refused."""

        def add(archive: zipfile.ZipFile) -> None:
            archive.writestr("index.html", b"one")
            archive.writestr("INDEX.html", b"two")

        with pytest.raises(BadInput, match="twice"):
            bundle.read_bundle(_zip_with(add))

    def test_encrypted_entry(self) -> None:
        """An entry flagged as encrypted is refused."""
        plain = _zip_with(lambda z: z.writestr("a.json", b"{}"))
        at = plain.rfind(b"PK\x01\x02")
        flags = struct.unpack_from("<H", plain, at + 8)[0] | 0x1
        flagged = plain[: at + 8] + struct.pack("<H", flags) + plain[at + 10 :]
        with pytest.raises(BadInput, match="encrypted"):
            bundle.read_bundle(flagged)

    @pytest.mark.parametrize("data", [b"", b"not a zip at all", zlib.compress(b"x" * 100)])
    def test_not_a_zip(self, data: bytes) -> None:
        """Bytes that are no zip archive are a clear BadInput."""
        with pytest.raises(BadInput):
            bundle.read_bundle(data)

    def test_archive_size_cap(self) -> None:
        """An archive over the size cap is refused unread."""
        with pytest.raises(LimitExceeded):
            bundle.read_bundle(
                b"PK" + b"\0" * 2000, limits=bundle.BundleLimits(max_archive_bytes=1000)
            )

    def test_nothing_is_written_to_disk(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Reading a bundle extracts nothing: the working directory stays empty."""
        monkeypatch.chdir(tmp_path)
        bundle.read_bundle(rezip({"index.html": b"<p>", "credentials/a.json": b"{}"}))
        assert list(tmp_path.iterdir()) == []


_SMALL_ZIP = rezip({"index.html": b"<p>hello</p>" * 20, "manifest.json": b"{}", "a/b.json": b"[1]"})


class TestAnyBytes:
    @settings(max_examples=200, deadline=None)
    @given(st.integers(0, len(_SMALL_ZIP) - 1), st.integers(1, 255))
    def test_any_flipped_byte_reads_or_fails_cleanly(self, offset: int, mask: int) -> None:
        """A bundle with any byte flipped is read or refused with a CredwalletError."""
        damaged = bytearray(_SMALL_ZIP)
        damaged[offset] ^= mask
        with contextlib.suppress(CredwalletError):
            bundle.read_bundle(bytes(damaged))

    @settings(max_examples=100, deadline=None)
    @given(st.binary(max_size=400))
    def test_any_bytes_read_or_fail_cleanly(self, data: bytes) -> None:
        """Arbitrary bytes are read or refused with a CredwalletError."""
        with contextlib.suppress(CredwalletError):
            bundle.read_bundle(b"PK\x03\x04" + data)
