"""`credwallet status`: the facts about this installation and wallet, gathered without prompting.

Everything here is read-only and cheap: session files are read for their (clear) expiry only,
counts need an open wallet (an unlock session, a passphrase file or the environment variable:
never a prompt), and cache ages come from the fetch times stored with each document.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from credwallet.errors import CredwalletError

if TYPE_CHECKING:
    from credwallet.wallet.core import Wallet

__all__ = ["CLOCK_EARLIEST", "clock_facts", "session_facts", "status_facts"]

#: No correct clock reads earlier than this (before this version of credwallet was written).
CLOCK_EARLIEST = datetime(2026, 1, 1, tzinfo=UTC)
#: Records stamped this far in the future mean the clock was ahead then, or is behind now.
_SKEW_SECONDS = 300


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def session_facts(home: Path, token: str | None, *, now: datetime) -> dict[str, Any]:
    """Whether ``token`` names a live session file, and until when (without opening it)."""
    from credwallet.store.sessions import session_expiry

    if not token:
        return {"active": False, "expires": None, "detail": "no CREDWALLET_SESSION"}
    if not home.exists():  # looking must not create the wallet's directories
        return {"active": False, "expires": None, "detail": "no wallet here"}
    expires = session_expiry(home, token)
    if expires is None:
        return {"active": False, "expires": None, "detail": "the session is not valid"}
    moment = datetime.fromtimestamp(expires, UTC)
    if moment <= now:
        return {"active": False, "expires": _iso(moment), "detail": "the session has expired"}
    return {"active": True, "expires": _iso(moment), "detail": ""}


def _ages(times: Iterable[datetime], now: datetime) -> dict[str, Any]:
    stamps = sorted(t if t.tzinfo else t.replace(tzinfo=UTC) for t in times)
    if not stamps:
        return {"documents": 0, "oldest": None, "newest": None, "oldest_age_days": None}
    return {
        "documents": len(stamps),
        "oldest": _iso(stamps[0]),
        "newest": _iso(stamps[-1]),
        "oldest_age_days": round((now - stamps[0]).total_seconds() / 86400, 1),
    }


def _contexts() -> dict[str, Any]:
    """The JSON-LD contexts shipped in the package: how many, and a digest of their index."""
    from importlib import resources

    try:
        index = resources.files("credwallet.verify").joinpath("contexts_data", "index.json")
        data = index.read_bytes()
    except (OSError, ModuleNotFoundError):
        return {"shipped": False, "count": 0, "version": None}
    import json

    try:
        count = len(json.loads(data))
    except ValueError:
        count = 0
    return {
        "shipped": True,
        "count": count,
        "version": "sha256:" + hashlib.sha256(data).hexdigest()[:16],
    }


def _registries(wallet: Wallet, now: datetime) -> list[dict[str, Any]]:
    """The trust registries the user follows (sealed in the store), each with its fetch age."""
    found: list[dict[str, Any]] = []
    for registry in wallet.trust_config().registries:
        fetched = registry.fetched_at
        if fetched is not None and fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=UTC)
        found.append(
            {
                "name": registry.name,
                "type": registry.kind,
                "source": registry.source,
                "loaded": registry.loaded,
                "fetched_at": _iso(fetched),
                "age_days": round((now - fetched).total_seconds() / 86400, 1) if fetched else None,
                "error": registry.error,
            }
        )
    return found


def kdf_facts() -> dict[str, Any]:
    from credwallet import _crypto

    argon2 = _crypto.argon2id_supported()
    return {
        "argon2id": argon2,
        "algorithm": "argon2id" if argon2 else "scrypt",
        "detail": "" if argon2 else "this OpenSSL lacks Argon2id: new keyslots use scrypt",
    }


def clock_facts(now: datetime, latest_recorded: datetime | None) -> dict[str, Any]:
    """Is the clock plausible? Not before this release, not behind what the wallet recorded."""
    problems = []
    if now < CLOCK_EARLIEST:
        problems.append(f"the clock reads {now.date()}, before this version of credwallet")
    if latest_recorded is not None:
        ahead = (latest_recorded - now).total_seconds()
        if ahead > _SKEW_SECONDS:
            problems.append(
                f"the wallet holds a time {_iso(latest_recorded)} later than now: "
                "the clock is behind (expiry checks would be wrong)"
            )
    return {"now": _iso(now), "ok": not problems, "problems": problems}


def _latest(wallet: Wallet) -> datetime | None:
    stamps: list[datetime] = []
    for held in wallet.credentials():
        stamps.append(held.record.imported_at)
        if held.record.report is not None:
            stamps.append(held.record.report.checked_at)
    aware = [s if s.tzinfo else s.replace(tzinfo=UTC) for s in stamps]
    return max(aware) if aware else None


def status_facts(
    home: Path,
    *,
    now: datetime,
    session: dict[str, Any],
    wallet: Wallet | None,
) -> dict[str, Any]:
    """Every fact `credwallet status` prints. ``wallet`` is None when it could not be opened."""
    from credwallet import __version__
    from credwallet.wallet.core import Wallet as _Wallet
    from credwallet.wallet.verifying import public_cache

    exists = _Wallet.exists(home)
    counts: dict[str, int] | None = None
    total: int | None = None
    wallet_cache: dict[str, Any] | None = None
    latest = None
    registries: list[dict[str, Any]] | None = None
    if wallet is not None:
        from credwallet.wallet.cache import StoreCache

        held = wallet.credentials(now=now)
        counts = {}
        for item in held:
            name = item.state.name
            counts[name] = counts.get(name, 0) + 1
        counts = dict(sorted(counts.items()))
        total = len(held)
        wallet_cache = _ages((d.fetched_at for d in StoreCache(wallet.store).items()), now)
        latest = _latest(wallet)
        registries = _registries(wallet, now)
    try:
        public = _ages((d.fetched_at for d in public_cache().items()), now)
    except (OSError, CredwalletError):  # a status report says what it cannot read; never fails
        public = None
    return {
        "version": __version__,
        "home": str(home),
        "wallet": {
            "exists": exists,
            "unlocked": session["active"],
            "session_expires": session["expires"],
            "detail": session["detail"],
            "opened": wallet is not None,
        },
        "credentials": {"total": total, "states": counts},
        "cache": {"wallet": wallet_cache, "public": public},
        "contexts": _contexts(),
        "registries": registries,  # None: the wallet stayed locked
        "kdf": kdf_facts(),
        "clock": clock_facts(now, latest),
    }
