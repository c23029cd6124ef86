"""Encrypted store speed: DEFAULT-profile open, batch inserts, decrypting everything.

Run from the repository root: ``/work/venv/bin/python benchmarks/store.py [payload bytes]``.
Each figure is the best of a few rounds (open) or one timed run (inserts, which change the
store). Payloads are random bytes (2,000 by default: a typical credential plus its report),
each with a dedup key, as an import would store them. Temp dirs only; nothing is kept.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from credwallet.store import Store, kdf

PASSPHRASE = "benchmark passphrase"


def timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def best(func: Callable[[], object], rounds: int = 3) -> float:
    return min(timed(func) for _ in range(rounds))


def items(n: int, size: int, tag: str) -> list[tuple[str, bytes, bytes | None]]:
    return [("credential", os.urandom(size), f"{tag}-{i}".encode()) for i in range(n)]


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)

        kdf.CREATION_PROFILE = kdf.DEFAULT
        default_home = base / "default"
        create_s = timed(lambda: Store.create(default_home, PASSPHRASE).close())
        open_s = best(lambda: Store.open(default_home, PASSPHRASE).close())
        print(
            f"DEFAULT profile {kdf.DEFAULT.canonical()}: create {create_s * 1000:.0f} ms, "
            f"open+unwrap {open_s * 1000:.0f} ms (best of 3)"
        )

        kdf.CREATION_PROFILE = kdf.CHEAPEST
        for n in (1_000, 10_000):
            home = base / f"bulk{n}"
            with Store.create(home, PASSPHRASE) as store:
                batch = items(n, size, "a")
                put_s = timed(lambda: store.put_many(batch))  # noqa: B023 - used at once
                again_s = timed(lambda: store.put_many(batch))  # noqa: B023 - all duplicates
                print(
                    f"put_many {n:>6,} x {size} B (chunks of 200): {put_s * 1000:7.0f} ms "
                    f"({n / put_s:,.0f}/s); re-run, all duplicates: {again_s * 1000:.0f} ms"
                )
            if n == 10_000:
                db_size = (home / "wallet.db").stat().st_size
                print(f"  wallet.db after checkpoint: {db_size / 1e6:.1f} MB")
                with Store.open(home, PASSPHRASE) as store:
                    decrypt_s = best(store.records)
                    one_s = timed(lambda: store.put("credential", b"one more"))
                print(
                    f"records() decrypt of {n:,}: {decrypt_s * 1000:.0f} ms (best of 3); "
                    f"one put into {n:,}: {one_s * 1000:.1f} ms"
                )
                open_cheap = best(lambda: Store.open(home, PASSPHRASE).close())  # noqa: B023
                print(
                    f"open (CHEAPEST KDF) with catalog check of {n:,} records: "
                    f"{open_cheap * 1000:.0f} ms"
                )


if __name__ == "__main__":
    main()
