"""Verification with the wallet's environment: its cache, the holder's identities, the clock.

Also the wallet-free path a recruiter uses: `credwallet verify FILE` with no wallet at all, where
fetched documents go to a plain directory cache (they are public documents).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from credwallet.errors import CredwalletError, FetchError, NotACredential
from credwallet.models import Credential, VerificationReport

if TYPE_CHECKING:
    from credwallet.net import DirectoryCache, Fetcher
    from credwallet.verify.engine import VerifyOptions
    from credwallet.verify.jsonld import DocumentLoader
    from credwallet.verify.trust import TrustConfig

__all__ = [
    "is_image",
    "looks_like_zip",
    "make_options",
    "public_cache",
    "qr_credentials",
    "qr_credentials_each",
    "unreadable_report",
    "verify_data",
    "verify_one",
    "verify_paths",
    "wallet_free_fetcher",
]


_LOADERS: weakref.WeakKeyDictionary[Fetcher, DocumentLoader] = weakref.WeakKeyDictionary()


def _loader(fetcher: Fetcher | None) -> DocumentLoader:
    """One JSON-LD loader per fetcher: it memoises processed contexts (the slow part of the RDFC
    suites) and reads contexts cached earlier, even offline (the fetcher decides)."""
    from credwallet.verify.jsonld import DocumentLoader

    if fetcher is None:
        return _no_network_loader()
    loader = _LOADERS.get(fetcher)
    if loader is None:
        loader = _LOADERS[fetcher] = DocumentLoader.from_net(fetcher)
    return loader


@cache
def _no_network_loader() -> DocumentLoader:
    from credwallet.verify.jsonld import DocumentLoader

    return DocumentLoader.from_net(None)


def make_options(
    *,
    fetcher: Fetcher | None,
    identities: Sequence[str],
    offline: bool,
    now: datetime,
    challenge: str | None = None,
    domain: str | None = None,
    trust: TrustConfig | None = None,
) -> VerifyOptions:
    """``challenge``/``domain``: what a presentation's holder proof must be bound to;
    ``trust``: the wallet's registries, pins and blocks."""
    from credwallet.verify.engine import VerifyOptions

    return VerifyOptions(
        now=now,
        fetcher=fetcher,
        loader=_loader(fetcher),
        identities=tuple(identities),
        offline=offline,
        challenge=challenge,
        domain=domain,
        trust=trust,
    )


def verify_one(
    credential: Credential,
    *,
    source: str,
    fetcher: Fetcher | None,
    identities: Sequence[str],
    offline: bool,
    now: datetime,
    trust: TrustConfig | None = None,
) -> VerificationReport:
    from credwallet.verify.engine import verify_credential

    options = make_options(
        fetcher=fetcher, identities=identities, offline=offline, now=now, trust=trust
    )
    return verify_credential(credential, source=source, options=options)


def wallet_free_fetcher(*, offline: bool) -> Fetcher:
    """A fetcher for verifying files with no wallet: a plain directory cache of public documents."""
    from credwallet.net import Fetcher, loopback_allowed_from_env

    return Fetcher(
        cache=public_cache(), offline=offline, allow_loopback=loopback_allowed_from_env()
    )


def public_cache() -> DirectoryCache:
    """The cache of public documents used when no wallet is involved."""
    from credwallet.net import DirectoryCache, directory_cache_from_env

    configured = directory_cache_from_env()
    if configured is not None:
        return configured
    from platformdirs import user_cache_path

    return DirectoryCache(user_cache_path("credwallet", appauthor=False) / "documents")


def unreadable_report(source: str, error: CredwalletError, now: datetime) -> VerificationReport:
    """The report for an input that is not a readable credential at all."""
    from credwallet.errors import VerificationIncomplete
    from credwallet.models import Check, CheckStatus

    # A document that could not be fetched (offline, refused, unreachable) says nothing about
    # the credential: indeterminate (exit 4), not invalid.
    status = CheckStatus.UNKNOWN if isinstance(error, VerificationIncomplete) else CheckStatus.FAIL
    check = Check("format", status, error.message)
    return VerificationReport(source, "unknown", (check,), now)


def _presentation(data: bytes) -> tuple[str, Any] | None:
    """("json", document) or ("jwt", token) when ``data`` is a Verifiable Presentation."""
    from credwallet.formats.jose import decode_compact_jws, looks_like_compact_jws
    from credwallet.formats.jsonutil import loads_strict

    text = data.strip()
    try:
        if text.startswith(b"{"):
            document = loads_strict(text)
            types = document.get("type") if isinstance(document, dict) else None
            types = types if isinstance(types, list) else [types]
            return ("json", document) if "VerifiablePresentation" in types else None
        if looks_like_compact_jws(text.decode("ascii", "replace")):
            token = text.decode("ascii")
            payload = decode_compact_jws(token).payload
            inner = payload.get("vp", payload)
            types = inner.get("type") if isinstance(inner, dict) else None
            types = types if isinstance(types, list) else [types]
            return ("jwt", token) if "VerifiablePresentation" in types else None
    except CredwalletError:
        return None
    return None


def looks_like_zip(data: bytes) -> bool:
    """share.bundle.looks_like_zip, without importing the bundle module (and its HTML, QR
    and presentation modules) for every plain credential file (`verify`, `import`)."""
    return data.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def verify_data(
    name: str,
    data: bytes,
    *,
    fetcher: Fetcher,
    offline: bool,
    now: datetime,
    challenge: str | None = None,
    domain: str | None = None,
) -> list[tuple[VerificationReport, CredwalletError | None]]:
    """Verify whatever one input holds: a credential, a presentation, a bundle or QR codes."""
    from credwallet.formats import parse_all

    options = make_options(
        fetcher=fetcher,
        identities=(),
        offline=offline,
        now=now,
        challenge=challenge,
        domain=domain,
    )
    try:
        if looks_like_zip(data):
            from credwallet.share.bundle import verify_bundle

            return [(r, None) for r in verify_bundle(data, source=name, options=options).reports]
        presentation = _presentation(data)
        if presentation is not None:
            from credwallet.verify.engine import verify_presentation, verify_presentation_jwt

            kind, value = presentation
            verify = verify_presentation if kind == "json" else verify_presentation_jwt
            own, inner = verify(value, source=name, options=options)
            return [(own, None), *((r, None) for r in inner)]
        try:
            credentials = parse_all(data)
        except NotACredential:
            credentials = qr_credentials([data], fetcher=fetcher, offline=offline)
            if not credentials:
                raise
    except CredwalletError as exc:
        return [(unreadable_report(name, exc, now), exc)]
    results: list[tuple[VerificationReport, CredwalletError | None]] = []
    for index, credential in enumerate(credentials):
        label = name if len(credentials) == 1 else f"{name}#{index + 1}"
        report = verify_one(
            credential, source=label, fetcher=fetcher, identities=(), offline=offline, now=now
        )
        results.append((report, None))
    return results


def is_image(data: bytes) -> bool:
    """A raster image (PNG, JPEG, GIF, BMP, WebP) or an SVG: something QR codes may be read from."""
    from credwallet.share.qr import looks_like_svg

    return (
        data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF8", b"BM"))
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
        or looks_like_svg(data)
    )


def qr_credentials(images: Sequence[bytes], *, fetcher: Fetcher, offline: bool) -> list[Credential]:
    """Credentials carried by QR codes in ``images`` (parts may be spread over several).

    SVGs are read too (credwallet's own QR drawings); one that holds no such code adds nothing.
    """
    from credwallet.formats import parse_all
    from credwallet.share.qr import scan

    pictures = [d for d in images if is_image(d)]
    if not pictures:
        return []
    credentials: list[Credential] = []
    for content in scan(pictures):
        if content.data is not None:
            credentials += parse_all(content.data)
        elif content.link is not None:
            if offline:
                raise FetchError(
                    f"the QR code links to {content.link}; offline, it was not fetched"
                )
            credentials += parse_all(fetcher.fetch(content.link, accept="application/json").body)
    return credentials


def qr_credentials_each(
    images: Sequence[bytes], *, fetcher: Fetcher, offline: bool
) -> tuple[list[tuple[Credential, tuple[int, ...]]], dict[int, CredwalletError]]:
    """Credentials in the QR codes of ``images``, scanned one by one.

    Returns each credential with the indexes of the images it came from, and a failure per
    image that could not be used; one stray image never spoils the others.
    """
    from credwallet.formats import parse_all
    from credwallet.share.qr import scan_each

    result = scan_each(images)
    failures = dict(result.failures)
    found: list[tuple[Credential, tuple[int, ...]]] = []
    for content, owners in result.contents:
        try:
            if content.data is not None:
                credentials = parse_all(content.data)
            elif content.link is not None:
                if offline:
                    raise FetchError(
                        f"the QR code links to {content.link}; offline, it was not fetched"
                    )
                body = fetcher.fetch(content.link, accept="application/json").body
                credentials = parse_all(body)
            else:
                continue
        except CredwalletError as exc:
            for index in owners:
                failures.setdefault(index, exc)
            continue
        found += [(credential, owners) for credential in credentials]
    return found, failures


def verify_paths(
    names: Sequence[str],
    *,
    offline: bool,
    now: datetime,
    challenge: str | None = None,
    domain: str | None = None,
) -> list[tuple[VerificationReport, CredwalletError | None]]:
    """Verify files, folders, bundles, QR images and standard input with no wallet."""
    from credwallet.wallet.sources import SourceFailure, expand_sources

    fetcher = wallet_free_fetcher(offline=offline)
    bound = {"challenge": challenge, "domain": domain}
    results: list[tuple[VerificationReport, CredwalletError | None]] = []
    for item in expand_sources(list(names)):
        if isinstance(item, str):
            try:
                fetched = fetcher.fetch(item, accept="application/json, image/*")
            except CredwalletError as exc:
                results.append((unreadable_report(item, exc, now), exc))
                continue
            results += verify_data(
                item, fetched.body, fetcher=fetcher, offline=offline, now=now, **bound
            )
        elif isinstance(item, SourceFailure):
            results.append((unreadable_report(item.name, item.error, now), item.error))
        else:
            found = verify_data(
                item.name, item.data, fetcher=fetcher, offline=offline, now=now, **bound
            )
            if item.found_in_folder and any(isinstance(e, NotACredential) for _, e in found):
                continue  # a README or a logo beside the badges: skipped, as `import` does
            results += found
    return results
