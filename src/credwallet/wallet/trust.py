"""The user's issuer-trust settings, sealed in the store: registries (with what they said and
when), pins and blocks. One record of kind ``trust``.

Which registries you follow and which issuers you pinned or blocked says whose credentials you
hold, so it is sealed like the cache and the identities. ``add`` and ``update`` are the only
steps that touch the network (through the wallet's fetcher: HTTPS only, size caps, cache);
verification reads the stored copy, offline, "as of" its fetch time (verify/trust.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from credwallet.errors import CredwalletError, NotFound, UsageError
from credwallet.verify.trust import (
    DCC_LEGACY,
    NOT_FOUND,
    OIDF,
    Registry,
    TrustConfig,
    dumps,
    federation_fetch_endpoint,
    loads,
    oidf_lookup_url,
    parse_registry_document,
    verify_entity_configuration,
)

if TYPE_CHECKING:
    from credwallet.net import Fetcher
    from credwallet.store import Store

__all__ = [
    "KIND_TRUST",
    "add_source",
    "block",
    "load_trust",
    "pin",
    "remove",
    "save_trust",
    "update",
]

KIND_TRUST = "trust"
_DEDUP = b"trust:settings"


def load_trust(store: Store) -> TrustConfig:
    record_id = store.find_dedup(_DEDUP)
    if record_id is None:
        return TrustConfig()
    try:
        return loads(store.get(record_id).payload)
    except (ValueError, KeyError, TypeError) as exc:
        from credwallet.errors import DamagedWallet

        raise DamagedWallet("the stored trust settings are malformed") from exc


def save_trust(store: Store, config: TrustConfig) -> None:
    payload = dumps(config)
    record_id = store.find_dedup(_DEDUP)
    if record_id is None:
        store.put(KIND_TRUST, payload, dedup_key=_DEDUP)
    else:
        store.update(record_id, payload)


def _is_did(value: str) -> bool:
    return value.startswith("did:") and len(value) > 6


def pin(config: TrustConfig, issuer: str, name: str) -> TrustConfig:
    issuer = issuer.strip()
    if not issuer or ":" not in issuer:
        raise UsageError(f"{issuer!r} is not an issuer id (a DID or a URL)")
    blocks = {k: v for k, v in config.blocks.items() if k != issuer}
    return replace(config, pins={**config.pins, issuer: name.strip()}, blocks=blocks)


def block(config: TrustConfig, issuer: str, reason: str = "") -> TrustConfig:
    issuer = issuer.strip()
    if not issuer or ":" not in issuer:
        raise UsageError(f"{issuer!r} is not an issuer id (a DID or a URL)")
    pins = {k: v for k, v in config.pins.items() if k != issuer}
    return replace(config, blocks={**config.blocks, issuer: reason.strip()}, pins=pins)


def remove(config: TrustConfig, what: str) -> tuple[TrustConfig, str]:
    """Forget a pin, a block, or a registry (by its source URL/file or its name)."""
    if what in config.pins:
        return replace(config, pins={k: v for k, v in config.pins.items() if k != what}), "pin"
    if what in config.blocks:
        blocks = {k: v for k, v in config.blocks.items() if k != what}
        return replace(config, blocks=blocks), "block"
    kept = tuple(r for r in config.registries if what not in (r.source, r.name))
    if len(kept) != len(config.registries):
        return replace(config, registries=kept), "registry"
    raise NotFound(f"no pin, block or registry {what!r}")


# --- loading registries ---------------------------------------------------------------------


_ACCEPT = "application/json, application/entity-statement+jwt"


def _read_source(
    source: str, fetcher: Fetcher, *, now: Callable[[], datetime]
) -> tuple[bytes, datetime]:
    if source.startswith(("https://", "http://")):
        fetched = fetcher.fetch(source, accept=_ACCEPT)
        return fetched.body, fetched.fetched_at
    from credwallet.wallet.sources import read_file_limited

    return read_file_limited(Path(source)), now()


def add_source(
    config: TrustConfig,
    source: str,
    *,
    fetcher: Fetcher,
    name: str | None,
    issuers: Sequence[str],
    now: Callable[[], datetime],
) -> tuple[TrustConfig, list[Registry]]:
    """Add what ``source`` (a URL or a file) holds: a list of registries, a registry, or a
    federation trust anchor; registries a list names are loaded at once (when reachable)."""
    if not source.startswith(("https://", "http://")):
        source = str(Path(source).expanduser().resolve())
    body, fetched_at = _read_source(source, fetcher, now=now)
    found = parse_registry_document(body, source=source, name=name, fetched_at=fetched_at)
    added: list[Registry] = []
    for registry in found:
        if not registry.loaded:
            registry = _load(registry, fetcher, issuers=issuers, now=now)
        elif registry.kind == OIDF:
            registry = _oidf_statements(registry, fetcher, issuers=issuers, now=now)
        config = config.with_registry(registry)
        added.append(registry)
    return config, added


def _load(
    registry: Registry, fetcher: Fetcher, *, issuers: Sequence[str], now: Callable[[], datetime]
) -> Registry:
    """Fetch a registry again; a failure keeps the old copy and records why."""
    if registry.kind not in (DCC_LEGACY, OIDF):
        return registry  # not supported: stays "not loaded", with the reason it carries
    try:
        body, fetched_at = _read_source(registry.source, fetcher, now=now)
        fresh = parse_registry_document(
            body, source=registry.source, name=registry.name, fetched_at=fetched_at
        )
    except CredwalletError as exc:
        return replace(registry, error=exc.message)
    if len(fresh) != 1 or fresh[0].kind != registry.kind or fresh[0].loaded is False:
        return replace(registry, error=f"{registry.source} is not a {registry.kind} registry")
    loaded = replace(
        fresh[0],
        name=registry.name,
        statements=registry.statements,
        statements_at=registry.statements_at,
    )
    if loaded.kind == OIDF:
        return _oidf_statements(loaded, fetcher, issuers=issuers, now=now)
    return loaded


def _oidf_statements(
    registry: Registry, fetcher: Fetcher, *, issuers: Iterable[str], now: Callable[[], datetime]
) -> Registry:
    """Fetch the anchor's statement about each issuer (only DIDs are federation members)."""
    from credwallet.net import HttpStatusError

    if registry.entity_configuration is None:
        return registry
    try:
        payload = verify_entity_configuration(registry.entity_configuration, now=now())
    except CredwalletError as exc:
        return replace(registry, error=f"the trust anchor does not verify: {exc.message}")
    endpoint = federation_fetch_endpoint(payload)
    if endpoint is None:  # verify_entity_configuration refuses these; kept for the type
        return registry
    statements = dict(registry.statements)
    stamps = dict(registry.statements_at)
    for did in sorted(set(issuers)):
        if not _is_did(did):
            continue
        url = oidf_lookup_url(endpoint, did)
        try:
            fetched = fetcher.fetch(url, accept="application/entity-statement+jwt")
        except HttpStatusError as exc:
            if exc.status == 404:
                statements[did] = NOT_FOUND
                stamps[did] = now().isoformat()
            continue
        except CredwalletError:
            continue  # unreachable now: keep what was stored, if anything
        statements[did] = fetched.body.decode("ascii", "replace").strip()
        stamps[did] = fetched.fetched_at.isoformat()
    return replace(registry, statements=statements, statements_at=stamps, error=None)


def update(
    config: TrustConfig,
    *,
    fetcher: Fetcher,
    issuers: Sequence[str],
    now: Callable[[], datetime],
) -> TrustConfig:
    """Fetch every registry again (and, for federations, the statements about ``issuers``)."""
    registries = tuple(_load(r, fetcher, issuers=issuers, now=now) for r in config.registries)
    return replace(config, registries=registries)


def describe(config: TrustConfig) -> dict[str, Any]:
    """The settings as ``trust list --json`` prints them (no statements' bytes)."""
    return {
        "registries": [
            {
                "name": r.name,
                "type": r.kind,
                "source": r.source,
                "loaded": r.loaded,
                "fetched_at": r.fetched_at.isoformat() if r.fetched_at else None,
                "error": r.error,
                "issuers": len(r.entries)
                if r.kind == DCC_LEGACY
                else len([s for s in r.statements.values() if s != NOT_FOUND]),
            }
            for r in config.registries
        ],
        "pins": [{"issuer": k, "name": v} for k, v in sorted(config.pins.items())],
        "blocks": [{"issuer": k, "reason": v} for k, v in sorted(config.blocks.items())],
    }
