"""credwallet against Digital Bazaar's reference JavaScript libraries (not a test).

Run: ``python benchmarks/versus_js.py [COUNT] [ROUNDS]`` (defaults 200 and 5) after
``npm install --prefix benchmarks/reference`` (Node.js 18 or newer). For eddsa-rdfc-2022 and
eddsa-jcs-2022 it signs COUNT distinct OB 3.0 credentials into a folder, then runs, alternately
ROUNDS times, ``credwallet --offline --json verify FOLDER`` and ``node verify.mjs`` over the same
folder, each as one whole process, and prints the median CPU time (user + sys) of each and their
ratio (issue 15 targets: rdfc <= 0.5, jcs <= 1.0). Both sides must find every credential valid,
or the figures mean nothing and the script stops.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "benchmarks" / "reference"
CONTEXTS = (
    Path(os.environ.get("CREDWALLET_SHARED", REPO.parent / "shared"))
    / "fixtures"
    / "external"
    / "contexts"
)
SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")

sys.path.insert(0, str(REPO / "benchmarks"))
from verify import credential  # noqa: E402  (the same OB 3.0 credential as benchmarks/verify.py)


def _sign_into(folder: Path, suite: str, count: int) -> None:
    from credwallet.verify.dataintegrity import default_loader, sign_document
    from credwallet.verify.keys import SigningKey

    loader = default_loader()
    key = SigningKey.generate("Ed25519")
    signed_at = datetime(2026, 1, 15, tzinfo=UTC)
    for n in range(count):
        document = sign_document(
            credential(key.did_key, n), suite=suite, key=key, created=signed_at, loader=loader
        )
        (folder / f"{n:05d}.json").write_text(json.dumps(document), encoding="utf-8")


def _cpu_of(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """CPU seconds (user + sys) and wall seconds of one child process, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0,):
        raise SystemExit(f"{argv[0]} exited {done.returncode}: {done.stderr[-2000:]}")
    return cpu, wall, done.stdout


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    node = shutil.which("node")
    if node is None or not (REFERENCE / "node_modules").is_dir():
        raise SystemExit("needs node and `npm install --prefix benchmarks/reference`")
    os.environ.setdefault("CREDWALLET_CONTEXTS", str(CONTEXTS))
    env = dict(os.environ)
    credwallet = [sys.executable, "-m", "credwallet", "--offline", "--json", "verify"]
    print(f"{count} credentials per suite, {rounds} alternating rounds, CPU seconds (median)")
    with tempfile.TemporaryDirectory() as tmp:
        for suite in SUITES:
            folder = Path(tmp) / suite
            folder.mkdir()
            _sign_into(folder, suite, count)
            ours_cpu, theirs_cpu, ours_wall, theirs_wall = [], [], [], []
            for _ in range(rounds):
                cpu, wall, out = _cpu_of([*credwallet, str(folder)], env)
                reports = json.loads(out)
                if sum(r["status"] == "valid" for r in reports) != count:
                    raise SystemExit(f"credwallet did not find all {count} {suite} valid")
                ours_cpu.append(cpu)
                ours_wall.append(wall)
                cpu, wall, out = _cpu_of(
                    [node, str(REFERENCE / "verify.mjs"), str(CONTEXTS), str(folder)], env
                )
                if json.loads(out.splitlines()[-1])["valid"] != count:
                    raise SystemExit(f"the reference did not find all {count} {suite} valid")
                theirs_cpu.append(cpu)
                theirs_wall.append(wall)
            ours, theirs = statistics.median(ours_cpu), statistics.median(theirs_cpu)
            print(
                f"{suite:<18} credwallet {ours:6.2f} s  reference {theirs:6.2f} s  "
                f"ratio {ours / theirs:.2f}  (wall {statistics.median(ours_wall):.2f} s vs "
                f"{statistics.median(theirs_wall):.2f} s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
