"""Helpers for side-by-side benchmarks: signed test credentials and CPU time of child processes.

Not a benchmark itself. The machine these run on is shared, so every benchmark measures both
sides in the same run, alternating, and reports the median of the per-round ratios.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CREDWALLET_SHARED", REPO.parent / "shared"))
CONTEXTS = SHARED / "fixtures" / "external" / "contexts"

sys.path.insert(0, str(REPO / "benchmarks"))
from verify import credential  # noqa: E402  (the OB 3.0 credential of benchmarks/verify.py)


def sign_into(folder: Path, suite: str, count: int) -> None:
    """``count`` distinct credentials signed with ``suite`` as folder/NNNNN.json."""
    from credwallet.verify.dataintegrity import default_loader, sign_document
    from credwallet.verify.keys import SigningKey

    os.environ.setdefault("CREDWALLET_CONTEXTS", str(CONTEXTS))
    folder.mkdir(parents=True, exist_ok=True)
    loader = default_loader()
    key = SigningKey.generate("Ed25519")
    signed_at = datetime(2026, 1, 15, tzinfo=UTC)
    for n in range(count):
        document = sign_document(
            credential(key.did_key, n), suite=suite, key=key, created=signed_at, loader=loader
        )
        (folder / f"{n:05d}.json").write_text(json.dumps(document), encoding="utf-8")


def child_env(**extra: str) -> dict[str, str]:
    """The environment for measured children: shipped contexts, and Python bytecode caches
    written and used (an installed package has its .pyc files; a checkout with
    PYTHONDONTWRITEBYTECODE would recompile every module in every process). They are compiled
    here, before anything is measured."""
    env = dict(os.environ, CREDWALLET_CONTEXTS=os.environ.get("CREDWALLET_CONTEXTS", str(CONTEXTS)))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "src" / "credwallet")],
        env=env,
        capture_output=True,
        check=False,
    )
    return env


def cpu_of(
    argv: Sequence[str], env: dict[str, str], *, ok: Sequence[int] = (0,)
) -> tuple[float, float, str]:
    """CPU seconds (user + sys) and wall seconds of one child process, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(list(argv), env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in ok:
        raise SystemExit(f"{argv[0]} exited {done.returncode}: {done.stderr[-2000:]}")
    return cpu, wall, done.stdout


def credwallet(*args: str) -> list[str]:
    return [sys.executable, "-m", "credwallet", *args]


def report(label: str, ours: list[float], theirs: list[float], goal: float) -> float:
    """Print both sides' medians and the median of the per-round ratios; return that ratio."""
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    ratio = statistics.median(ratios)
    verdict = "ok" if ratio <= goal else "over"
    print(
        f"{label}: {statistics.median(ours):.2f} s vs {statistics.median(theirs):.2f} s CPU "
        f"(median of {len(ratios)}); ratio {ratio:.2f} [{', '.join(f'{r:.2f}' for r in ratios)}]"
        f" goal <= {goal} {verdict}"
    )
    return ratio
