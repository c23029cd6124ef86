"""Bundles: one zip a holder hands over, and the safe reader ``credwallet verify bundle.zip`` uses.

Layout (format ``credwallet-bundle`` version 1)::

    index.html                 the page a person opens (see page.py)
    presentation.json          the holder-signed Verifiable Presentation (presentation-2.json, ...
                               when credentials of VC 1.1 and 2.0 had to go in separate ones)
    credentials/NN-name.EXT    each credential's original file, byte for byte (json, jwt, png, svg)
    qr/NN-name.png             a QR code per credential: its public link, or the whole credential
                               (all parts side by side when it needs several symbols)
    manifest.json              SHA-256 and size of every other file, and what each credential is,
                               signed by the holder (a Data Integrity proof, eddsa-jcs-2022)

The manifest's proof is what makes the page and the QR images trustworthy: they are signed by
nothing else, so without it anyone could edit ``index.html`` ("Expired" -> "Valid") and recompute
its hash. The verifier checks that proof and that its signer is the holder of every presentation
(whose own proofs bind the credentials). docs/bundle-format.md describes the format in full.

The reader never extracts to disk: it refuses archives that are too big, hold too many entries,
entries with ``..``, absolute or drive paths, backslashes, symlinks, duplicates, encryption or
unusual compression, and it caps the bytes inflated per entry, in total and by ratio, counting
while it reads (declared sizes are checked first but never trusted).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from credwallet.errors import BadInput, LimitExceeded
from credwallet.formats import parse
from credwallet.formats.jsonutil import loads_strict
from credwallet.models import (
    Check,
    CheckStatus,
    Container,
    Credential,
    CredentialFormat,
    JSONObject,
    VerificationReport,
)
from credwallet.share import presentation, qr, qrchoice
from credwallet.share.items import SharedItem, ShareStatus, share_status
from credwallet.share.output import write_private
from credwallet.share.page import PageQr, render_index
from credwallet.verify import dataintegrity
from credwallet.verify.engine import VerifyOptions, verify_credential, verify_presentation
from credwallet.verify.keys import ResolvedKey, SigningKey, resolve_verification_method

if TYPE_CHECKING:
    from credwallet.verify.jsonld import DocumentLoader

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_VERSION",
    "MANIFEST",
    "MANIFEST_PROOF_PURPOSE",
    "MANIFEST_SUITE",
    "BundleContents",
    "BundleLimits",
    "BundleReport",
    "ManifestResult",
    "SignerResult",
    "check_manifest",
    "create_bundle",
    "credential_file_name",
    "looks_like_zip",
    "qr_texts",
    "read_bundle",
    "read_zip_entries",
    "sign_manifest",
    "verify_bundle",
    "verify_manifest_signer",
    "write_bundle",
]

BUNDLE_FORMAT = "credwallet-bundle"
BUNDLE_VERSION = 2  # 2: the manifest carries the holder's proof (1 had none)
_READABLE_VERSIONS = (1, 2)  # a version-1 manifest is read, and fails its (missing) proof check
MANIFEST = "manifest.json"
# The holder *asserts* what the bundle holds, as an issuer asserts a credential's claims; there
# is no verifier challenge to answer here (that is what the presentations' authentication
# proofs do), so the manifest is signed for assertionMethod. JCS: the manifest is plain JSON.
MANIFEST_SUITE = "eddsa-jcs-2022"
MANIFEST_PROOF_PURPOSE = "assertionMethod"
INDEX = "index.html"
_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_READ_CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class BundleLimits:
    """Caps for reading a bundle someone else made."""

    max_archive_bytes: int = 64 * 1024 * 1024
    max_entries: int = 2000
    max_entry_bytes: int = 32 * 1024 * 1024
    max_total_bytes: int = 128 * 1024 * 1024
    max_ratio: int = 100  # inflated / compressed, checked once an entry passes ratio_floor
    ratio_floor: int = 1024 * 1024


@dataclass(frozen=True, slots=True)
class BundleContents:
    """Every file of a bundle, read into memory, and its parsed manifest (if it has one)."""

    files: Mapping[str, bytes]
    manifest: JSONObject | None = field(default=None)


@dataclass(frozen=True, slots=True)
class ManifestResult:
    """What the manifest check found for one file: ok, changed, missing or unlisted."""

    path: str
    status: str  # "ok" | "changed" | "missing" | "unlisted"
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


# -- writing -----------------------------------------------------------------------------------


def _slug(text: str) -> str:
    ascii_only = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SLUG.sub("-", ascii_only.lower()).strip("-")[:40].strip("-") or "credential"


def _extension(credential: Credential) -> str:
    if credential.container is Container.PNG:
        return "png"
    if credential.container is Container.SVG:
        return "svg"
    if credential.container is Container.JWT or credential.original.lstrip()[:1] != b"{":
        return "jwt" if credential.jws else "txt"
    return "json"


def credential_file_name(number: int, credential: Credential) -> str:
    """``NN-name.ext`` for the ``number``-th credential of a bundle."""
    return f"{number:02d}-{_slug(credential.display_name)}.{_extension(credential)}"


def qr_texts(credential: Credential, *, level: qr.ErrorLevel = "M", link: bool = True) -> list[str]:
    """The QR texts for a credential (see :func:`credwallet.share.qrchoice.qr_texts`)."""
    return qrchoice.qr_texts(credential, level=level, link=link)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_bundle(
    path: Path,
    items: Sequence[SharedItem],
    *,
    presentations: Sequence[JSONObject],
    key: SigningKey,
    generated_at: datetime,
    presentation_of: Mapping[str, int] | None = None,
    images: Mapping[str, bytes] | None = None,
    qr_level: qr.ErrorLevel = "M",
    force: bool = False,
    holder_name: str | None = None,
    bundle_name: str | None = None,
    holder_photo: bytes | None = None,
) -> JSONObject:
    """Write the bundle zip to ``path`` and return its manifest, signed with the holder's ``key``.

    ``presentations`` are already signed (by the same key); ``presentation_of`` maps a wallet
    id to the index of the presentation that embeds that credential (credentials in none, such
    as OB 2.0 assertions, travel as original files only).
    """
    holder_did = key.did_key
    if not items:
        raise BadInput("a bundle needs at least one credential")
    presentation_of = presentation_of or {}
    files: dict[str, bytes] = {}
    presentation_names = [
        "presentation.json" if i == 0 else f"presentation-{i + 1}.json"
        for i in range(len(presentations))
    ]
    for name, document in zip(presentation_names, presentations, strict=True):
        files[name] = (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    entries: list[JSONObject] = []
    qr_codes: dict[str, PageQr] = {}
    for number, item in enumerate(items, start=1):
        credential = item.credential
        file_name = f"credentials/{credential_file_name(number, credential)}"
        files[file_name] = credential.original
        choice = qrchoice.choose_qr(credential, level=qr_level)
        texts = list(choice.texts)
        png = (
            qr.render_png(texts[0], qr_level)
            if len(texts) == 1
            else qr.render_png_sheet(texts, qr_level)
        )
        qr_name = f"qr/{file_name.removeprefix('credentials/').rsplit('.', 1)[0]}.png"
        files[qr_name] = png
        qr_codes[item.wallet_id] = PageQr(png=png, caption=choice.caption, parts=len(texts))
        index = presentation_of.get(item.wallet_id)
        entries.append(
            {
                "file": file_name,
                "qr": qr_name,
                "qr_parts": len(texts),
                "qr_kind": choice.kind,
                "name": credential.display_name,
                "issuer": credential.issuer.name or credential.issuer.id,
                "format": str(credential.format),
                "status_at_share": str(share_status(item, generated_at)),
                "presentation": presentation_names[index] if index is not None else None,
            }
        )

    files[INDEX] = render_index(
        items,
        holder_did=holder_did,
        generated_at=generated_at,
        images=images,
        qr_codes=qr_codes,
        holder_name=holder_name,
        bundle_name=bundle_name or path.name,
        presentations=bool(presentations),
        holder_photo=holder_photo,
    ).encode("utf-8")
    manifest: JSONObject = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "created": generated_at.isoformat().replace("+00:00", "Z"),
        "holder": holder_did,
        **({"holder_name": holder_name} if holder_name else {}),
        "presentations": presentation_names,
        "credentials": entries,
        "files": {
            name: {"sha256": _sha256(data), "size": len(data)}
            for name, data in sorted(files.items())
        },
    }
    manifest = sign_manifest(manifest, key=key, created=generated_at)
    files[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in [INDEX, *presentation_names, MANIFEST]:
            archive.writestr(_entry(name, generated_at), files[name])
        for name in sorted(set(files) - {INDEX, MANIFEST, *presentation_names}):
            archive.writestr(_entry(name, generated_at), files[name])
    # 0600, never through a symlink, an existing file only replaced with ``force``.
    write_private(path, buffer.getvalue(), force=force)
    return manifest


def sign_manifest(manifest: JSONObject, *, key: SigningKey, created: datetime) -> JSONObject:
    """The manifest with the holder's Data Integrity proof (eddsa-jcs-2022, assertionMethod)."""
    return dataintegrity.sign_document(
        manifest,
        suite=MANIFEST_SUITE,
        key=key,
        proof_purpose=MANIFEST_PROOF_PURPOSE,
        created=created,
    )


def _entry(name: str, moment: datetime) -> zipfile.ZipInfo:
    # A fixed timestamp and mode make the archive depend only on its contents and time.
    info = zipfile.ZipInfo(name, date_time=(max(moment.year, 1980), *moment.timetuple()[1:6]))
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


# -- reading -----------------------------------------------------------------------------------


def looks_like_zip(data: bytes) -> bool:
    """True when ``data`` starts like a zip archive (so `verify` should treat it as a bundle)."""
    return data.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def _declared_entry_count(data: bytes) -> int:
    """The entry count from the end-of-central-directory record, read before zipfile parses
    the directory, so that an archive claiming a million entries costs nothing."""
    end = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        raise BadInput("not a zip archive (no end-of-central-directory record)")
    (count,) = struct.unpack_from("<H", data, end + 10)
    if count == 0xFFFF and end >= 20 and data[end - 20 : end - 16] == _ZIP64_LOCATOR:
        (offset,) = struct.unpack_from("<Q", data, end - 20 + 8)
        if offset + 56 <= len(data) and data[offset : offset + 4] == _ZIP64_EOCD:
            (count,) = struct.unpack_from("<Q", data, offset + 32)
    return int(count)


def _check_name(name: str) -> None:
    shown = name.encode("unicode_escape").decode("ascii")[:80]
    if not name or "\x00" in name or "\\" in name:
        raise BadInput(f"unsafe bundle entry name {shown!r}")
    if name.startswith("/") or _DRIVE.match(name):
        raise BadInput(f"bundle entry {shown!r} has an absolute path")
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise BadInput(f"bundle entry {shown!r} points outside the bundle")


def _check_entry(info: zipfile.ZipInfo, limits: BundleLimits) -> None:
    _check_name(info.filename)
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise BadInput(f"bundle entry {info.filename!r} is a symbolic link")
    if info.flag_bits & 0x1:
        raise BadInput(f"bundle entry {info.filename!r} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise BadInput(f"bundle entry {info.filename!r} uses an unsupported compression method")
    if info.file_size > limits.max_entry_bytes:
        raise LimitExceeded(
            f"bundle entry {info.filename!r} is over {limits.max_entry_bytes} bytes"
        )


def _read_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: BundleLimits, budget: int
) -> bytes:
    """Read one entry, counting as it inflates: entry, total and ratio caps all hold."""
    out = bytearray()
    cap = min(limits.max_entry_bytes, budget)
    with archive.open(info) as stream:
        while chunk := stream.read(_READ_CHUNK):
            out += chunk
            if len(out) > cap:
                if cap == budget:
                    raise LimitExceeded(f"bundle expands beyond {limits.max_total_bytes} bytes")
                raise LimitExceeded(f"bundle entry {info.filename!r} expands too far")
            if len(out) > limits.ratio_floor and len(out) > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise LimitExceeded(
                    f"bundle entry {info.filename!r} expands suspiciously (zip bomb?)"
                )
    return bytes(out)


def read_bundle(data: bytes, *, limits: BundleLimits | None = None) -> BundleContents:
    """Read every file of a bundle into memory, refusing anything unsafe. No disk writes."""
    files = read_zip_entries(data, limits=limits)
    manifest = _parse_manifest(files.get(MANIFEST))
    return BundleContents(files=files, manifest=manifest)


def read_zip_entries(data: bytes, *, limits: BundleLimits | None = None) -> dict[str, bytes]:
    """Every file of any zip archive, in memory, under the bundle limits (names, sizes, ratio,
    entry count, no links or encryption): also how `import` reads a zip of badges."""
    limits = limits or BundleLimits()
    if len(data) > limits.max_archive_bytes:
        raise LimitExceeded(f"bundle over {limits.max_archive_bytes} bytes")
    if _declared_entry_count(data) > limits.max_entries:
        raise LimitExceeded(f"bundle has more than {limits.max_entries} entries")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, NotImplementedError):
        raise BadInput("not a readable zip archive") from None
    files: dict[str, bytes] = {}
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            raise LimitExceeded(f"bundle has more than {limits.max_entries} entries")
        declared = 0
        for info in infos:
            _check_entry(info, limits)
            declared += info.file_size
            if declared > limits.max_total_bytes:
                raise LimitExceeded(f"bundle expands beyond {limits.max_total_bytes} bytes")
        seen: set[str] = set()
        total = 0
        for info in infos:
            if info.filename.casefold() in seen:
                raise BadInput(f"bundle entry {info.filename!r} appears twice")
            seen.add(info.filename.casefold())
            if info.is_dir():
                continue
            try:
                content = _read_entry(archive, info, limits, limits.max_total_bytes - total)
            except (
                zipfile.BadZipFile,
                zlib.error,
                EOFError,
                OSError,
                ValueError,
                NotImplementedError,
            ):
                raise BadInput(f"bundle entry {info.filename!r} is damaged") from None
            total += len(content)
            files[info.filename] = content
    return files


def _strict_json(raw: bytes, what: str) -> Any:
    """The strict reader: no NaN, no duplicate keys, no 5,000-digit numbers, bounded depth."""
    try:
        return loads_strict(raw)
    except LimitExceeded as exc:
        raise LimitExceeded(f"{what}: {exc.message}") from None
    except BadInput as exc:
        raise BadInput(f"{what} is not valid JSON ({exc.message})") from None


def _parse_manifest(raw: bytes | None) -> JSONObject | None:
    if raw is None:
        return None
    manifest = _strict_json(raw, "the bundle's manifest.json")
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != BUNDLE_FORMAT
        or not isinstance(manifest.get("files"), dict)
    ):
        raise BadInput("the bundle's manifest.json is not a credwallet bundle manifest")
    version = manifest.get("version")
    if type(version) is not int or version not in _READABLE_VERSIONS:
        raise BadInput(f"unsupported bundle version {manifest.get('version')!r}")
    return manifest


def check_manifest(contents: BundleContents) -> list[ManifestResult]:
    """Compare every file with the manifest: changed, missing and unlisted files all count."""
    if contents.manifest is None:
        raise BadInput("the bundle has no manifest.json")
    listed: dict[str, object] = contents.manifest["files"]
    results: list[ManifestResult] = []
    for name in sorted(listed):
        entry = listed[name]
        data = contents.files.get(name)
        if data is None:
            results.append(
                ManifestResult(name, "missing", "listed in the manifest, not in the zip")
            )
            continue
        expected = entry.get("sha256") if isinstance(entry, dict) else None
        actual = _sha256(data)
        if expected == actual:
            results.append(ManifestResult(name, "ok", f"sha256 {actual}"))
        else:
            results.append(
                ManifestResult(name, "changed", f"sha256 {actual}, manifest says {expected}")
            )
    for name in sorted(set(contents.files) - set(listed) - {MANIFEST}):
        results.append(ManifestResult(name, "unlisted", "in the zip, not in the manifest"))
    return results


# -- making and verifying whole bundles --------------------------------------------------------


def create_bundle(
    path: Path,
    items: Sequence[SharedItem],
    *,
    key: SigningKey,
    now: datetime,
    suite: str = "eddsa-rdfc-2022",
    only_valid: bool = False,
    images: Mapping[str, bytes] | None = None,
    qr_level: qr.ErrorLevel = "M",
    loader: DocumentLoader | None = None,
    force: bool = False,
    holder_name: str | None = None,
    holder_photo: bytes | None = None,
) -> JSONObject:
    """Sign presentations of ``items`` with the holder's ``key`` and write the bundle to ``path``.

    Credentials of VC 2.0 and VC 1.1 go in separate presentations; credentials that are no W3C
    VC (OB 2.0, Blockcerts v2) travel as original files, checked on their own. With
    ``only_valid``, anything not verified valid at ``now`` is left out. Returns the manifest.
    """
    chosen = [i for i in items if not only_valid or share_status(i, now) is ShareStatus.VALID]
    if not chosen:
        raise BadInput("no credential to bundle" + (" (none is valid)" if only_valid else ""))
    groups, _others = presentation.group_by_version(chosen)
    presentations: list[JSONObject] = []
    presentation_of: dict[str, int] = {}
    for version in ("2.0", "1.1"):
        members = groups.get(version)
        if not members:
            continue
        # A 1.1 presentation with a VC-JWT inside can only be signed with JCS (see
        # presentation.py); pick it rather than failing the whole bundle.
        has_jwt = any(m.credential.format is CredentialFormat.VC_JWT for m in members)
        chosen_suite = "eddsa-jcs-2022" if version == "1.1" and has_jwt else suite
        presentations.append(
            presentation.create_presentation(
                [m.credential for m in members],
                key=key,
                suite=chosen_suite,
                created=now,
                loader=loader,
                holder_name=holder_name,
            )
        )
        for member in members:
            presentation_of[member.wallet_id] = len(presentations) - 1
    return write_bundle(
        path,
        chosen,
        presentations=presentations,
        key=key,
        generated_at=now,
        presentation_of=presentation_of,
        images=images,
        qr_level=qr_level,
        force=force,
        holder_name=holder_name,
        holder_photo=holder_photo,
    )


@dataclass(frozen=True, slots=True)
class BundleReport:
    """Everything ``verify bundle.zip`` found: the bundle itself, its presentations, credentials."""

    bundle: VerificationReport  # checks: format, manifest, contents
    presentations: tuple[VerificationReport, ...]
    credentials: tuple[VerificationReport, ...]

    @property
    def reports(self) -> tuple[VerificationReport, ...]:
        return (self.bundle, *self.presentations, *self.credentials)


@dataclass(frozen=True, slots=True)
class SignerResult:
    """What the manifest's holder proof showed: the outcome, why, and the signer's DID."""

    status: CheckStatus
    detail: str
    signer: str | None = None
    inputs: tuple[tuple[str, str], ...] = ()


def _holder_of(document: JSONObject) -> str | None:
    holder = document.get("holder")
    if isinstance(holder, dict):
        holder = holder.get("id")
    return holder if isinstance(holder, str) and holder else None


def verify_manifest_signer(
    manifest: JSONObject,
    *,
    presentations: Mapping[str, JSONObject],
    options: VerifyOptions,
) -> SignerResult:
    """Check the manifest's one holder proof, and that its signer is the manifest's ``holder``
    and the ``holder`` of every presentation in ``presentations`` (file name -> document).

    The presentations' own proofs are checked by the engine (bound to their holder); this ties
    the manifest, and so the page and QR images it hashes, to that same holder.
    """
    proofs = dataintegrity.proofs_of(manifest)
    if not proofs:
        return SignerResult(
            CheckStatus.FAIL,
            "manifest.json carries no holder proof, so its hashes prove nothing: anyone could "
            "have rewritten the page or a QR image and recomputed them",
        )
    if len(proofs) != 1:
        return SignerResult(
            CheckStatus.FAIL, f"manifest.json carries {len(proofs)} proofs; expected one"
        )
    proof = proofs[0]
    suite = dataintegrity.suite_of(proof) if isinstance(proof, dict) else None
    if suite != MANIFEST_SUITE:
        return SignerResult(
            CheckStatus.FAIL, f"manifest.json's proof is {suite!r}, expected {MANIFEST_SUITE}"
        )

    def resolve(vm: str) -> ResolvedKey:
        return resolve_verification_method(vm, fetcher=options.fetcher)

    try:
        (outcome,) = dataintegrity.verify_proofs(
            manifest,
            resolve=resolve,
            now=options.now,
            loader=options.loader,
            expected_purpose=MANIFEST_PROOF_PURPOSE,
        )
    except BadInput as exc:
        return SignerResult(CheckStatus.FAIL, f"manifest.json's holder proof: {exc.message}")
    inputs = outcome.inputs
    if outcome.status is not CheckStatus.PASS or outcome.key is None:
        status = CheckStatus.FAIL if outcome.status is CheckStatus.PASS else outcome.status
        return SignerResult(status, f"manifest.json's holder proof: {outcome.detail}", None, inputs)
    key = outcome.key
    signer = key.controller
    if key.purposes is not None and MANIFEST_PROOF_PURPOSE not in key.purposes:
        return SignerResult(
            CheckStatus.FAIL,
            f"manifest.json is signed with {key.verification_method}, which {signer} does not "
            f"list for {MANIFEST_PROOF_PURPOSE}",
            signer,
            inputs,
        )
    named = _holder_of(manifest)
    if named != signer:
        return SignerResult(
            CheckStatus.FAIL,
            f"manifest.json names {named!r} as holder but is signed by {signer}",
            signer,
            inputs,
        )
    for name, document in presentations.items():
        holder = _holder_of(document)
        if holder != signer:
            return SignerResult(
                CheckStatus.FAIL,
                f"{name} is held by {holder!r}, but manifest.json is signed by {signer}",
                signer,
                inputs,
            )
    return SignerResult(
        CheckStatus.PASS, f"signed by the holder {signer} ({MANIFEST_SUITE})", signer, inputs
    )


def _manifest_check(results: Sequence[ManifestResult], signer: SignerResult) -> Check:
    problems = [r for r in results if not r.ok]
    inputs = (
        *signer.inputs,
        *((r.path, f"{r.status}: {r.detail}") for r in results),
    )
    details: list[str] = []
    if signer.status is not CheckStatus.PASS:
        details.append(signer.detail)
    if problems:
        shown = "; ".join(f"{r.path} {r.status}" for r in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        details.append(f"{shown}{more}")
    status = CheckStatus.FAIL if problems else signer.status
    if status is CheckStatus.PASS:
        return Check("manifest", status, f"{len(results)} files match; {signer.detail}", inputs)
    return Check("manifest", status, "; ".join(details), inputs)


def _json_file(contents: BundleContents, name: str) -> JSONObject:
    raw = contents.files.get(name)
    if raw is None:
        raise BadInput(f"the bundle has no {name}")
    value = _strict_json(raw, f"{name} in the bundle")
    if not isinstance(value, dict):
        raise BadInput(f"{name} in the bundle is not a JSON object")
    return value


def verify_bundle(data: bytes, *, source: str, options: VerifyOptions) -> BundleReport:
    """Check a bundle with no wallet: safe reading, manifest hashes, every presentation's proof,
    and that each original credential file is exactly what its presentation embeds."""
    contents = read_bundle(data)
    checks = [Check("format", CheckStatus.PASS, "a credwallet bundle, read safely")]
    if contents.manifest is None:
        raise BadInput(f"{source} is a zip but not a credwallet bundle (no manifest.json)")
    manifest = contents.manifest

    names = manifest.get("presentations")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise BadInput("the bundle manifest's presentations list is malformed")
    documents = {name: _json_file(contents, name) for name in names}
    signer = verify_manifest_signer(manifest, presentations=documents, options=options)
    checks.append(_manifest_check(check_manifest(contents), signer))

    embedded: dict[str, list[object]] = {}
    vp_reports: list[VerificationReport] = []
    for name, document in documents.items():
        vp_report, _inner = verify_presentation(
            document, source=f"{source}!{name}", options=options
        )
        vp_reports.append(vp_report)
        entries = document.get("verifiableCredential", [])
        embedded[name] = list(entries) if isinstance(entries, list) else [entries]

    entries = manifest.get("credentials")
    if not isinstance(entries, list):
        raise BadInput("the bundle manifest's credentials list is malformed")
    credential_reports: list[VerificationReport] = []
    mismatched: list[str] = []
    positions: dict[str, int] = {}
    for entry in entries:
        file_name = entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(file_name, str) or file_name not in contents.files:
            mismatched.append(str(file_name))
            continue
        label = f"{source}!{file_name}"
        try:
            credential = parse(contents.files[file_name], name=file_name)
        except BadInput as exc:
            failure = Check("format", CheckStatus.FAIL, str(exc))
            credential_reports.append(VerificationReport(label, "unknown", (failure,), options.now))
            continue
        holder = entry.get("presentation")
        if isinstance(holder, str):
            # Files and embedded credentials pair up in order: the n-th file of a presentation
            # must be exactly its n-th embedded credential, so swapped files are caught too.
            position = positions.get(holder, 0)
            positions[holder] = position + 1
            presented = embedded.get(holder, [])
            try:
                form = presentation.embedded_form(credential, presentation.vc_version(credential))
            except BadInput:
                form = None
            if position >= len(presented) or form != presented[position]:
                mismatched.append(file_name)
        credential_reports.append(verify_credential(credential, source=label, options=options))
    for name, presented in embedded.items():
        if positions.get(name, 0) != len(presented):
            mismatched.append(
                f"{name} (holds {len(presented)}, files for {positions.get(name, 0)})"
            )
    if mismatched:
        checks.append(
            Check(
                "contents",
                CheckStatus.FAIL,
                "not what the signed presentation holds: " + ", ".join(mismatched[:5]),
            )
        )
    else:
        checks.append(
            Check("contents", CheckStatus.PASS, "each credential file is the one presented")
        )
    bundle_report = VerificationReport(source, "bundle", tuple(checks), options.now)
    return BundleReport(bundle_report, tuple(vp_reports), tuple(credential_reports))
