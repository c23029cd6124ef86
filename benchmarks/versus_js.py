"""credwallet against Digital Bazaar's reference JavaScript libraries (not a test).

Run: ``python benchmarks/versus_js.py [COUNT] [ROUNDS]`` (defaults 200 and 5) after
``npm install --prefix benchmarks/reference`` (Node.js 18 or newer). For eddsa-rdfc-2022 and
eddsa-jcs-2022 it signs COUNT distinct OB 3.0 credentials into a folder, then runs, alternately
ROUNDS times, ``credwallet --offline --json verify FOLDER`` and ``node verify.mjs`` over the same
folder, each as one whole process, and prints the median CPU time (user + sys) of each and the
median of the per-round ratios (issue 15 targets: rdfc <= 0.5, jcs <= 1.0). Both sides must find
every credential valid, or the figures mean nothing and the script stops. credwallet runs with
its bytecode compiled, as an installed package has it (see paired.child_env).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from paired import CONTEXTS, REPO, child_env, cpu_of, credwallet, report, sign_into

REFERENCE = REPO / "benchmarks" / "reference"
SUITES = {"eddsa-rdfc-2022": 0.5, "eddsa-jcs-2022": 1.0}


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    node = shutil.which("node")
    if node is None or not (REFERENCE / "node_modules").is_dir():
        raise SystemExit("needs node and `npm install --prefix benchmarks/reference`")
    env = child_env()
    print(f"{count} credentials per suite, {rounds} alternating rounds, CPU seconds")
    with tempfile.TemporaryDirectory() as tmp:
        for suite, goal in SUITES.items():
            folder = Path(tmp) / suite
            sign_into(folder, suite, count)
            ours: list[float] = []
            theirs: list[float] = []
            for _ in range(rounds):
                cpu, _, out = cpu_of(credwallet("--offline", "--json", "verify", str(folder)), env)
                if sum(r["status"] == "valid" for r in json.loads(out)) != count:
                    raise SystemExit(f"credwallet did not find all {count} {suite} valid")
                ours.append(cpu)
                argv = [node, str(REFERENCE / "verify.mjs"), str(CONTEXTS), str(folder)]
                cpu, _, out = cpu_of(argv, env)
                if json.loads(out.splitlines()[-1])["valid"] != count:
                    raise SystemExit(f"the reference did not find all {count} {suite} valid")
                theirs.append(cpu)
            report(f"{suite:<16} credwallet vs reference", ours, theirs, goal)
    return 0


if __name__ == "__main__":
    sys.exit(main())
