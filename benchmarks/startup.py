"""Start-up cost: `credwallet --help` against a bare two-command Typer app (not a test).

Run: ``python benchmarks/startup.py [ROUNDS]`` (default 30). The two programs run alternately in
the same loop, so background load falls on both alike; the ratio of the medians is the figure
that issue 15 asks for (target: at most 1.1).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE_APP = '''
import typer

app = typer.Typer()


@app.command()
def one(x: str) -> None:
    """One."""


@app.command()
def two(y: str) -> None:
    """Two."""


app()
'''


def _wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        bare_argv = [sys.executable, str(bare), "--help"]
        # `credwallet --help` as a user types it: the console script pip installed beside this
        # interpreter (``python -m credwallet`` would add runpy's ~4 ms, which no user pays).
        script = Path(sys.executable).with_name("credwallet")
        entry = [str(script)] if script.is_file() else [sys.executable, "-m", "credwallet"]
        ours_argv = [*entry, "--help"]
        for argv in (bare_argv, ours_argv):  # warm the file cache and .pyc files
            _wall(argv)
        bare_times, ours_times = [], []
        for _ in range(rounds):
            bare_times.append(_wall(bare_argv))
            ours_times.append(_wall(ours_argv))
    bare_median = statistics.median(bare_times)
    ours_median = statistics.median(ours_times)
    print(f"bare Typer app --help:  median {bare_median * 1000:.0f} ms over {rounds} runs")
    print(f"credwallet --help:      median {ours_median * 1000:.0f} ms over {rounds} runs")
    print(f"ratio: {ours_median / bare_median:.2f}x (target <= 1.10x)")


if __name__ == "__main__":
    main()
