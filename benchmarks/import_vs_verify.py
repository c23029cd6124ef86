"""`import` of N credentials against `verify` of the same files, side by side (not a test).

Run: ``python benchmarks/import_vs_verify.py [N] [ROUNDS] [SUITE]`` (default 1,000, 3 rounds,
eddsa-rdfc-2022). Each round creates a fresh wallet (default KDF, outside the timing) and opens
it with an unlock session, as a script would, then runs, alternating the order,

    credwallet --offline --json verify FOLDER
    credwallet --home H --offline --json import FOLDER

and prints the CPU time of both and the median ratio (goal, issue 15: import <= 1.2x verify).
It then re-verifies the imported wallet, ``credwallet --home H --offline --json verify --all``,
against the same `verify` of the files (goal from notes/performance.md: <= 1.2x).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from paired import CONTEXTS, child_env, cpu_of, credwallet, report, sign_into

GOAL = 1.2


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    suite = sys.argv[3] if len(sys.argv) > 3 else "eddsa-rdfc-2022"
    os.environ.setdefault("CREDWALLET_CONTEXTS", str(CONTEXTS))
    from credwallet.wallet import Wallet

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "creds"
        sign_into(folder, suite, count)
        imports: list[float] = []
        verifies: list[float] = []
        reverifies: list[float] = []
        for round_ in range(rounds):
            home = Path(tmp) / f"wallet{round_}"
            with Wallet.create(home, "benchmark passphrase") as wallet:
                token = wallet.start_session(3600)
            env = child_env(CREDWALLET_SESSION=token)
            verify_argv = credwallet("--offline", "--json", "verify", str(folder))
            import_argv = credwallet("--home", str(home), "--offline", "--json", "import")
            import_argv.append(str(folder))
            steps = [("verify", verify_argv), ("import", import_argv)]
            for name, argv in steps if round_ % 2 == 0 else steps[::-1]:
                cpu, _, out = cpu_of(argv, env)
                if name == "verify":
                    valid = sum(r["status"] == "valid" for r in json.loads(out))
                    verifies.append(cpu)
                else:
                    valid = json.loads(out)["imported"]
                    imports.append(cpu)
                if valid != count:
                    raise SystemExit(f"{name}: {valid} of {count} valid/imported")
            argv = credwallet("--home", str(home), "--offline", "--json", "verify", "--all")
            cpu, _, out = cpu_of(argv, env)
            if sum(r["status"] == "valid" for r in json.loads(out)) != count:
                raise SystemExit("verify --all did not find every credential valid")
            reverifies.append(cpu)
        report(f"import vs verify, {count} {suite}", imports, verifies, GOAL)
        report(f"verify --all vs verify, {count} {suite}", reverifies, verifies, GOAL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
