"""`credwallet show --json` on N credentials against a floor script, side by side (not a test).

Run: ``python benchmarks/show_json.py [N] [ROUNDS] [DIR]`` (default 10,000, 3 rounds). It builds
(or, given DIR, builds once and reuses) a wallet of N imported eddsa-jcs-2022 credentials, opens
an unlock session (so no run pays the KDF), then runs alternately

    credwallet --home H --json show           (with CREDWALLET_SESSION)
    python show_json.py --floor DB KEYFILE    (the floor)

The floor is the least any listing must do: read every credential row from SQLite, open it with
AES-256-GCM (the same associated data credwallet binds), parse the record's JSON and print all of
them as one JSON document. It prints both CPU times and the median ratio (issue 15 goal: <= 2).
The floor's record key sits in a 0600 file of this throwaway wallet, for the benchmark only.
"""

from __future__ import annotations

import json
import os
import sqlite3
import struct
import sys
import tempfile
from pathlib import Path

GOAL = 2.0
PASSPHRASE = "benchmark passphrase"
RECORD_AAD_TAG = b"credwallet/record/v1"


def _frame(*fields: bytes) -> bytes:
    return b"".join(struct.pack(">I", len(f)) + f for f in fields)


def floor(db: str, keyfile: str) -> int:
    """Decrypt every credential record and dump them all as JSON on stdout."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key_hex, wallet_hex = Path(keyfile).read_text().split()
    aead, wallet_id = AESGCM(bytes.fromhex(key_hex)), bytes.fromhex(wallet_hex)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    records = []
    query = "SELECT id, version, nonce, ct, tag FROM records WHERE kind = 'credential' ORDER BY seq"
    for rid, version, nonce, ct, tag in conn.execute(query):
        aad = RECORD_AAD_TAG + _frame(wallet_id, b"credential", rid, struct.pack(">Q", version))
        plain = aead.decrypt(nonce, ct + tag, aad)
        length = int.from_bytes(plain[:4], "big")
        records.append(json.loads(plain[4 : 4 + length]))
    sys.stdout.write(json.dumps(records))
    return 0


def _build(home: Path, count: int, work: Path) -> None:
    from paired import sign_into

    from credwallet.wallet import Wallet

    creds = work / "creds"
    if not creds.is_dir() or len(list(creds.iterdir())) != count:
        sign_into(creds, "eddsa-jcs-2022", count)
    with Wallet.create(home, PASSPHRASE) as wallet:
        summary = wallet.import_sources([str(creds)], offline=True)
    if summary.count("imported") != count:
        raise SystemExit(f"imported {summary.count('imported')} of {count}")


def main() -> int:
    if sys.argv[1:2] == ["--floor"]:
        return floor(sys.argv[2], sys.argv[3])
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from paired import child_env, cpu_of, credwallet, report

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(sys.argv[3]) if len(sys.argv) > 3 else Path(tmp)
        home = work / f"wallet-{count}"
        if not home.exists():
            _build(home, count, work)
        from credwallet.wallet import Unlock, Wallet

        with Wallet.open(home, Unlock(passphrase=lambda: PASSPHRASE)) as wallet:
            token = wallet.start_session(3600)
            keys = wallet.store._keys  # the benchmark's own throwaway wallet
            keyfile = Path(tmp) / "floor.key"
            keyfile.touch(mode=0o600)
            keyfile.write_text(f"{keys.subkey('records').reveal().hex()} {keys.wallet_id.hex()}")
        env = child_env(CREDWALLET_SESSION=token)
        show_argv = credwallet("--home", str(home), "--json", "show")
        floor_argv = [sys.executable, __file__, "--floor", str(home / "wallet.db"), str(keyfile)]
        ours: list[float] = []
        floors: list[float] = []
        for _ in range(rounds):
            cpu, _, out = cpu_of(show_argv, env)
            if len(json.loads(out)["credentials"]) != count:
                raise SystemExit("show did not list every credential")
            ours.append(cpu)
            cpu, _, out = cpu_of(floor_argv, env)
            if len(json.loads(out)) != count:
                raise SystemExit("the floor did not read every credential")
            floors.append(cpu)
        report(f"show --json vs floor, {count} credentials", ours, floors, GOAL)
        os.environ.pop("CREDWALLET_SESSION", None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
