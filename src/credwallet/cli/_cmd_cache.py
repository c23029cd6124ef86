"""`credwallet cache`: documents kept for offline checks (DID documents, status lists, badges).

Inside a wallet the cache is sealed in the store; `--public` (or having no wallet) uses the
plain directory cache that wallet-free `verify FILE` reads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from credwallet.cli._output import clean
from credwallet.cli._state import AppState, JsonFlag, state_of
from credwallet.cli._unlock import open_wallet
from credwallet.errors import UsageError

__all__ = ["register"]

cache_app = typer.Typer(help="Documents kept for offline verification.")

PublicFlag = Annotated[
    bool, typer.Option("--public", help="Use the public cache of wallet-free `verify FILE`.")
]


def _with_cache(state: AppState, public: bool, action: Callable[[Any], Any]) -> Any:
    from credwallet.wallet import Wallet

    if public or not Wallet.exists(state.home):
        from credwallet.wallet.verifying import public_cache

        return action(public_cache())
    with open_wallet(state) as wallet:
        from credwallet.wallet.cache import StoreCache

        return action(StoreCache(wallet.store))


@cache_app.command("add")
def add(
    ctx: typer.Context,
    url: Annotated[
        str, typer.Argument(help="The https URL the document answers for, or a did:web DID.")
    ],
    file: Annotated[
        Path, typer.Argument(help="The document's bytes, as the server would send them.")
    ],
    public: PublicFlag = False,
) -> None:
    """Seed the cache with a document (air-gapped use, provenance, tests)."""
    from credwallet.net import Fetched
    from credwallet.wallet.sources import read_file_limited

    if url.startswith("did:web:"):
        # did:web documents are cached under their https URL (did:web:example.org ->
        # https://example.org/.well-known/did.json): that is what a verification looks up.
        from credwallet.verify.keys import did_web_url

        url = did_web_url(url.split("#", 1)[0].split("?", 1)[0])
    elif not url.startswith(("https://", "http://")):
        raise UsageError(f"cache entries are keyed by https URL or did:web DID, not {url!r}")
    doc = Fetched(
        url=url, body=read_file_limited(file), fetched_at=datetime.now(UTC), from_cache=True
    )
    state = state_of(ctx)
    _with_cache(state, public, lambda cache: cache.put(doc))
    state.output().success(f"Cached {clean(url)} ({len(doc.body):,} bytes)")


@cache_app.command("list")
def list_(ctx: typer.Context, public: PublicFlag = False, json_flag: JsonFlag = False) -> None:
    """List cached documents with when they were fetched."""
    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    docs = _with_cache(state, public, lambda cache: cache.items())
    rows = [
        {"url": d.url, "bytes": len(d.body), "fetched_at": d.fetched_at.isoformat()} for d in docs
    ]
    if out.json_mode:
        out.data({"documents": rows})
        return
    if not rows:
        out.message("The cache is empty.")
    for row in rows:
        out.line(f"{row['fetched_at'][:19]}  {row['bytes']:>9,}  {clean(row['url'])}")


@cache_app.command("clear")
def clear(ctx: typer.Context, public: PublicFlag = False) -> None:
    """Forget every cached document."""
    state = state_of(ctx)
    _with_cache(state, public, lambda cache: cache.clear())
    state.output().success("Cache cleared.")


def register(app: typer.Typer) -> None:
    app.add_typer(cache_app, name="cache")
