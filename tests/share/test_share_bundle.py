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
    OB3_DEGREE,
    OB3_EXPIRED,
    OB3_REVOKED,
    OB3_SKILL,
    OB3_SMALL,
    VC1_OB3,
    VC2_EDDSA,
    holder_verdict,
    item,
)

from credwallet.errors import BadInput, CredwalletError, LimitExceeded
from credwallet.formats import parse
from credwallet.models import Check, CheckStatus, ReportStatus
from credwallet.share import bundle, qr
from credwallet.share.items import SharedItem
from credwallet.verify.dataintegrity import sign_document, verify_proofs
from credwallet.verify.engine import VerifyOptions, verify_presentation
from credwallet.verify.keys import SigningKey, resolve_verification_method

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
            assert holder_verdict(report) is ReportStatus.VALID, report.to_json()

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
        assert all(holder_verdict(r) is ReportStatus.VALID for r in result.presentations)
        # The presentation holding the expired credential says so in its own verdict.
        assert ReportStatus.INVALID in [r.status for r in result.presentations]
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
        """Editing the presentation and fixing the manifest fails both holder proofs."""
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
        assert manifest_check is not None and manifest_check.status is CheckStatus.FAIL
        assert "holder proof" in manifest_check.detail
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


def _rehash(files: dict[str, bytes], *changed: str) -> dict[str, object]:
    """The bundle's manifest with the hashes of ``changed`` recomputed and its proof kept."""
    manifest: dict[str, object] = json.loads(files["manifest.json"])
    listed = manifest["files"]
    assert isinstance(listed, dict)
    for name in changed:
        listed[name] = {"sha256": hashlib.sha256(files[name]).hexdigest(), "size": len(files[name])}
    return manifest


def _unsigned(manifest: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in manifest.items() if k != "proof"}


def _manifest_check(files: dict[str, bytes]) -> Check:
    result = bundle.verify_bundle(rezip(files), source="b.zip", options=OPTIONS)
    check = result.bundle.check("manifest")
    assert check is not None
    return check


class TestManifestProof:
    def test_manifest_is_signed_by_the_holder(
        self, made: tuple[Path, dict[str, object], SigningKey]
    ) -> None:
        """The manifest carries one eddsa-jcs-2022 assertionMethod proof by the holder's key."""
        path, manifest, key = made
        proof = manifest["proof"]
        assert isinstance(proof, dict)
        assert proof["type"] == "DataIntegrityProof"
        assert proof["cryptosuite"] == "eddsa-jcs-2022"
        assert proof["proofPurpose"] == "assertionMethod"
        assert proof["verificationMethod"] == key.verification_method
        assert manifest["holder"] == key.did_key and manifest["version"] == 2
        (outcome,) = verify_proofs(
            json.loads(members(path)["manifest.json"]),
            resolve=lambda vm: resolve_verification_method(vm, fetcher=None),
            now=NOW,
        )
        assert outcome.status is CheckStatus.PASS, outcome.detail

    def test_untouched_manifest_names_its_signer(
        self, made: tuple[Path, dict[str, object], SigningKey]
    ) -> None:
        """An untouched bundle's manifest check passes and says who signed it."""
        path, _manifest, key = made
        check = _manifest_check(members(path))
        assert check.status is CheckStatus.PASS
        assert f"signed by the holder {key.did_key}" in check.detail

    def test_rewritten_page_with_recomputed_hash_fails(
        self, made: tuple[Path, dict[str, object], SigningKey]
    ) -> None:
        """The page edited from Expired to Verified, its hash fixed, fails the manifest proof."""
        path, _manifest, _key = made
        files = members(path)
        assert b">Expired<" in files["index.html"]
        files["index.html"] = files["index.html"].replace(b">Expired<", b">Verified<")
        files["manifest.json"] = json.dumps(_rehash(files, "index.html")).encode()
        assert all(r.ok for r in bundle.check_manifest(bundle.read_bundle(rezip(files))))
        check = _manifest_check(files)
        assert check.status is CheckStatus.FAIL
        assert "holder proof" in check.detail and "signature does not match" in check.detail

    def test_replaced_qr_image_with_recomputed_hash_fails(
        self, made: tuple[Path, dict[str, object], SigningKey]
    ) -> None:
        """A QR image swapped for another code, its hash fixed, fails the manifest proof."""
        path, _manifest, _key = made
        files = members(path)
        victim = next(n for n in files if n.startswith("qr/"))
        files[victim] = qr.render_png("https://attacker.example/fake-badge")
        files["manifest.json"] = json.dumps(_rehash(files, victim)).encode()
        assert _manifest_check(files).status is CheckStatus.FAIL

    def test_manifest_without_proof_fails(
        self, made: tuple[Path, dict[str, object], SigningKey]
    ) -> None:
        """A manifest stripped of its proof fails with a clear reason."""
        path, _manifest, _key = made
        files = members(path)
        files["manifest.json"] = json.dumps(_unsigned(_rehash(files))).encode()
        check = _manifest_check(files)
        assert check.status is CheckStatus.FAIL
        assert check.detail.startswith("manifest.json carries no holder proof")

    def test_unsigned_version_1_bundle_is_reported_not_refused(
        self, made: tuple[Path, dict[str, object], SigningKey]
    ) -> None:
        """An old unsigned version-1 manifest is read, and its manifest check fails."""
        path, _manifest, _key = made
        files = members(path)
        old = _unsigned(_rehash(files))
        old["version"] = 1
        files["manifest.json"] = json.dumps(old).encode()
        check = _manifest_check(files)
        assert check.status is CheckStatus.FAIL and "no holder proof" in check.detail

    def test_manifest_re_signed_by_someone_else_fails(
        self, made: tuple[Path, dict[str, object], SigningKey]
    ) -> None:
        """An attacker who edits the page and signs the manifest as its holder is caught:
        the presentations are held by someone else."""
        path, _manifest, _key = made
        files = members(path)
        attacker = SigningKey.generate()
        files["index.html"] = files["index.html"].replace(b">Expired<", b">Verified<")
        forged = _unsigned(_rehash(files, "index.html"))
        forged["holder"] = attacker.did_key
        signed = bundle.sign_manifest(forged, key=attacker, created=NOW)
        files["manifest.json"] = json.dumps(signed).encode()
        check = _manifest_check(files)
        assert check.status is CheckStatus.FAIL
        assert "presentation" in check.detail and attacker.did_key in check.detail

    def test_signer_must_be_the_named_holder(
        self, made: tuple[Path, dict[str, object], SigningKey]
    ) -> None:
        """A valid proof by a key other than the manifest's holder fails."""
        path, _manifest, key = made
        files = members(path)
        signed = bundle.sign_manifest(
            _unsigned(_rehash(files)), key=SigningKey.generate(), created=NOW
        )
        files["manifest.json"] = json.dumps(signed).encode()
        check = _manifest_check(files)
        assert check.status is CheckStatus.FAIL
        assert f"names {key.did_key!r} as holder" in check.detail

    def test_wrong_purpose_fails(self, made: tuple[Path, dict[str, object], SigningKey]) -> None:
        """A holder proof made for authentication instead of assertionMethod fails."""
        path, _manifest, key = made
        files = members(path)
        signed = sign_document(
            _unsigned(_rehash(files)),
            suite="eddsa-jcs-2022",
            key=key,
            proof_purpose="authentication",
            created=NOW,
        )
        files["manifest.json"] = json.dumps(signed).encode()
        check = _manifest_check(files)
        assert check.status is CheckStatus.FAIL and "proof purpose" in check.detail

    def test_other_suite_fails(self, made: tuple[Path, dict[str, object], SigningKey]) -> None:
        """A manifest proof naming another cryptosuite than eddsa-jcs-2022 fails."""
        path, _manifest, _key = made
        files = members(path)
        manifest = _rehash(files)
        proof = manifest["proof"]
        assert isinstance(proof, dict)
        proof["cryptosuite"] = "ecdsa-jcs-2019"
        files["manifest.json"] = json.dumps(manifest).encode()
        check = _manifest_check(files)
        assert check.status is CheckStatus.FAIL and "expected eddsa-jcs-2022" in check.detail

    def test_two_proofs_fail(self, made: tuple[Path, dict[str, object], SigningKey]) -> None:
        """A manifest carrying a second proof (a set) is not the format's one holder proof."""
        path, _manifest, key = made
        files = members(path)
        twice = sign_document(_rehash(files), suite="eddsa-jcs-2022", key=key, created=NOW)
        files["manifest.json"] = json.dumps(twice).encode()
        check = _manifest_check(files)
        assert check.status is CheckStatus.FAIL and "2 proofs" in check.detail

    def test_bundle_without_presentations_still_needs_the_proof(self, tmp_path: Path) -> None:
        """An OB 2.0-only bundle (no presentation) has a signed manifest that verifies."""
        key = SigningKey.generate()
        path = tmp_path / "b.zip"
        bundle.create_bundle(path, [item(BAKED_PNG, "w1")], key=key, now=NOW)
        files = members(path)
        assert _manifest_check(files).status is CheckStatus.PASS
        files["index.html"] += b"<!-- edited -->"
        files["manifest.json"] = json.dumps(_rehash(files, "index.html")).encode()
        assert _manifest_check(files).status is CheckStatus.FAIL


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


class TestEveryStateLabelled:
    def test_manifest_and_page_name_each_state(self, tmp_path: Path) -> None:
        """Suspended, revoked, expired, forged and not fully verified each keep their own word
        in the manifest's status_at_share and on the page (never one "Revoked" for all)."""
        import dataclasses

        from credwallet.models import VerificationReport

        def checked(relative: str, wallet_id: str, *extra: tuple[str, str, str]) -> SharedItem:
            base = (("format", "pass", ""), ("proof", "pass", ""), ("issuer-key", "pass", ""))
            report = VerificationReport(
                source="test",
                format="ob3",
                checks=tuple(Check(n, CheckStatus(s), d) for n, s, d in (*base, *extra)),
                checked_at=NOW,
            )
            return dataclasses.replace(item(relative, wallet_id), report=report)

        items = [
            checked(OB3_SMALL, "valid"),
            item(OB3_EXPIRED, "expired"),
            checked(OB3_REVOKED, "revoked", ("revocation", "fail", "revoked by the issuer")),
            checked(OB3_SKILL, "suspended", ("revocation", "fail", "suspended by the issuer")),
            checked(OB3_DEGREE, "forged", ("proof", "fail", "signature does not verify")),
            checked(VC2_EDDSA, "partly", ("revocation", "unknown", "offline")),
        ]
        manifest = bundle.create_bundle(
            tmp_path / "b.zip", items, key=SigningKey.generate("Ed25519"), now=NOW,
            suite="eddsa-jcs-2022",
        )  # fmt: skip
        states = [e["status_at_share"] for e in manifest["credentials"]]
        assert states == [
            "valid", "expired", "revoked", "suspended", "forged", "not-fully-verified",
        ]  # fmt: skip
        page = members(tmp_path / "b.zip")["index.html"].decode()
        for word in ("Expired", "Revoked", "Suspended", "Forged", "Not fully verified"):
            assert f"</span> {word}</p>" in page, word
