"""`import` of N credentials against `verify` of the same files, side by side (not a test).

Run: ``python benchmarks/import_vs_verify.py [N] [ROUNDS] [SUITE]`` (default 1,000, 5 rounds,
eddsa-rdfc-2022), or ``... --instructions [N] [SUITE]`` (see below).

Each round creates two fresh wallets (default KDF, outside the timing) and opens each with an
unlock session, as a script would, then runs the two commands in an A-B-B-A order (B-A-A-B in
every other round):

    credwallet --offline --json verify FOLDER
    credwallet --home H --offline --json import FOLDER        (once into each wallet)

Why A-B-B-A: on a shared VM the speed of the machine drifts by up to half within a minute,
and a round of A then B charges the whole drift to one side. Over A-B-B-A a steady drift
cancels out. The round's ratio is import's CPU over verify's, both summed over the round. It
prints both sides' medians (per round) and the median of the rounds' ratios (goal, issue 15:
import <= 1.2x verify). It then re-verifies one imported wallet,
``credwallet --home H --offline --json verify --all``, against the round's verify runs (goal
from notes/performance.md: <= 1.2x).

``--instructions`` runs each command once under ``valgrind --tool=callgrind`` and compares the
instructions they execute: slow (minutes), but exact and repeatable whatever the machine is
doing, so it settles what the timings cannot on a noisy machine.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from paired import CONTEXTS, child_env, cpu_of, credwallet, report, sign_into

GOAL = 1.2
PASSPHRASE = "benchmark passphrase"


def _session(home: Path) -> str:
    """A fresh wallet at ``home`` (default KDF) and an unlock session token for it."""
    from credwallet.wallet import Wallet

    with Wallet.create(home, PASSPHRASE) as wallet:
        return wallet.start_session(3600)


def _checked(name: str, out: str, count: int) -> None:
    if name == "import":
        done = json.loads(out)["imported"]
    else:
        done = sum(r["status"] == "valid" for r in json.loads(out))
    if done != count:
        raise SystemExit(f"{name}: {done} of {count} valid/imported")


def timed(count: int, rounds: int, suite: str, tmp: Path, folder: Path) -> None:
    verify = ("verify", credwallet("--offline", "--json", "verify", str(folder)), child_env())
    imports: list[float] = []  # per round, both runs summed (likewise below)
    verifies: list[float] = []
    reverifies: list[float] = []  # one run per round, so against half of the round's verifies
    for round_ in range(rounds):
        homes = [tmp / f"wallet{round_}-{n}" for n in (1, 2)]
        tokens = [_session(home) for home in homes]
        runs = [
            (
                "import",
                credwallet("--home", str(home), "--offline", "--json", "import", str(folder)),
                child_env(CREDWALLET_SESSION=token),
            )
            for home, token in zip(homes, tokens, strict=True)
        ]
        order = [verify, runs[0], runs[1], verify]
        if round_ % 2:
            order = [runs[0], verify, verify, runs[1]]
        spent = {"import": 0.0, "verify": 0.0}
        for name, argv, env in order:
            cpu, _, out = cpu_of(argv, env)
            _checked(name, out, count)
            spent[name] += cpu
        imports.append(spent["import"])
        verifies.append(spent["verify"])
        argv = credwallet("--home", str(homes[0]), "--offline", "--json", "verify", "--all")
        cpu, _, out = cpu_of(argv, child_env(CREDWALLET_SESSION=tokens[0]))
        _checked("verify --all", out, count)
        reverifies.append(2 * cpu)
    report(f"import vs verify (2 runs each per round), {count} {suite}", imports, verifies, GOAL)
    label = f"verify --all vs verify (doubled vs 2 runs per round), {count} {suite}"
    report(label, reverifies, verifies, GOAL)


def _instructions(argv: Sequence[str], env: dict[str, str]) -> int:
    """Instructions a command executes (valgrind callgrind's total, user space)."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{argv[2:]} exited {done.returncode}: {done.stderr[-2000:]}")
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit("valgrind printed no instruction count")
    return int(found.group(1))


def counted(count: int, suite: str, tmp: Path, folder: Path) -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (Debian: apt-get install valgrind)")
    home = tmp / "wallet"
    env = child_env(CREDWALLET_SESSION=_session(home))
    verify = _instructions(credwallet("--offline", "--json", "verify", str(folder)), env)
    argv = credwallet("--home", str(home), "--offline", "--json", "import", str(folder))
    imported = _instructions(argv, env)
    print(
        f"import vs verify, {count} {suite}: {imported / 1e9:.2f} G vs {verify / 1e9:.2f} G "
        f"instructions; ratio {imported / verify:.3f} goal <= {GOAL} "
        f"{'ok' if imported / verify <= GOAL else 'over'}"
    )


def main() -> int:
    args = sys.argv[1:]
    by_instructions = "--instructions" in args
    if by_instructions:
        args.remove("--instructions")
    count = int(args.pop(0)) if args else 1000
    rounds = 1 if by_instructions else int(args.pop(0)) if args else 5
    suite = args.pop(0) if args else "eddsa-rdfc-2022"
    os.environ.setdefault("CREDWALLET_CONTEXTS", str(CONTEXTS))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "creds"
        sign_into(folder, suite, count)
        if by_instructions:
            counted(count, suite, Path(tmp), folder)
        else:
            timed(count, rounds, suite, Path(tmp), folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
