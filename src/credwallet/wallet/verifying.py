"""Verification with the wallet's environment: its cache, the holder's identities, the clock.

Also the wallet-free path a recruiter uses: `credwallet verify FILE` with no wallet at all, where
fetched documents go to a plain directory cache (they are public documents).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from credwallet.errors import CredwalletError
from credwallet.models import Credential, VerificationReport

if TYPE_CHECKING:
    from credwallet.net import DirectoryCache, Fetcher
    from credwallet.verify.engine import VerifyOptions
    from credwallet.verify.jsonld import DocumentLoader

__all__ = [
    "make_options",
    "public_cache",
    "unreadable_report",
    "verify_one",
    "verify_paths",
    "wallet_free_fetcher",
]


class _FetchedContexts:
    """JSON-LD contexts fetched through the wallet's fetcher end up in the same cache."""

    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher

    def __call__(self, url: str) -> bytes:
        return self._fetcher.fetch(url, accept="application/ld+json, application/json").body


@cache
def _offline_loader() -> DocumentLoader:
    # One loader per process: it memoises processed contexts, the slow part of RDFC suites.
    from credwallet.verify.jsonld import DocumentLoader

    return DocumentLoader(offline=True)


def _loader(fetcher: Fetcher | None, offline: bool) -> DocumentLoader:
    if offline or fetcher is None:
        return _offline_loader()
    from credwallet.verify.jsonld import DocumentLoader

    return DocumentLoader(fetcher=_FetchedContexts(fetcher), offline=False)


def make_options(
    *,
    fetcher: Fetcher | None,
    identities: Sequence[str],
    offline: bool,
    now: datetime,
) -> VerifyOptions:
    from credwallet.verify.engine import VerifyOptions

    return VerifyOptions(
        now=now,
        fetcher=fetcher,
        loader=_loader(fetcher, offline),
        identities=tuple(identities),
        offline=offline,
    )


def verify_one(
    credential: Credential,
    *,
    source: str,
    fetcher: Fetcher | None,
    identities: Sequence[str],
    offline: bool,
    now: datetime,
) -> VerificationReport:
    from credwallet.verify.engine import verify_credential

    options = make_options(fetcher=fetcher, identities=identities, offline=offline, now=now)
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
    from credwallet.models import Check, CheckStatus

    check = Check("format", CheckStatus.FAIL, error.message)
    return VerificationReport(source, "unknown", (check,), now)


def verify_paths(
    names: Sequence[str], *, offline: bool, now: datetime
) -> list[tuple[VerificationReport, CredwalletError | None]]:
    """Verify files, folders and standard input with no wallet (a recruiter's use)."""
    from credwallet.formats import parse_all
    from credwallet.wallet.sources import SourceFailure, expand_sources

    fetcher = wallet_free_fetcher(offline=offline)
    results: list[tuple[VerificationReport, CredwalletError | None]] = []
    for item in expand_sources(list(names)):
        if isinstance(item, str):
            try:
                fetched = fetcher.fetch(item, accept="application/json, image/*")
            except CredwalletError as exc:
                results.append((unreadable_report(item, exc, now), exc))
                continue
            name, data = item, fetched.body
        elif isinstance(item, SourceFailure):
            results.append((unreadable_report(item.name, item.error, now), item.error))
            continue
        else:
            name, data = item.name, item.data
        try:
            credentials = parse_all(data)
        except CredwalletError as exc:
            results.append((unreadable_report(name, exc, now), exc))
            continue
        for index, credential in enumerate(credentials):
            label = name if len(credentials) == 1 else f"{name}#{index + 1}"
            report = verify_one(
                credential, source=label, fetcher=fetcher, identities=(), offline=offline, now=now
            )
            results.append((report, None))
    return results
