"""Progress bars on stderr for long runs: count, total and time left, on terminals only.

The library reports progress through a plain callback ``(done, total)``; only this module knows
rich. Nothing is drawn for a handful of items, for ``--json`` runs piped elsewhere, or when
stderr is not a terminal (cron, CI), so logs never fill with redraws.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from credwallet.cli._output import Output

__all__ = ["MIN_ITEMS", "ProgressCallback", "progress_for"]

#: Fewer items than this finish before a bar would be worth reading.
MIN_ITEMS = 5

ProgressCallback = Callable[[int, int], None]


class _Bar:
    def __init__(self, out: Output, label: str) -> None:
        self._out = out
        self._label = label
        self._progress: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if total < MIN_ITEMS:
            return
        if self._progress is None:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(bar_width=None),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=self._out.err,
                transient=True,  # the finished bar goes away: the summary follows
            )
            self._progress.start()
            self._task = self._progress.add_task(self._label, total=total)
        self._progress.update(self._task, completed=done, total=total)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()


@contextmanager
def progress_for(out: Output, label: str) -> Iterator[ProgressCallback | None]:
    """A callback that draws a bar, or None when no bar should be drawn (not a terminal)."""
    if not out.err_is_terminal():
        yield None
        return
    bar = _Bar(out, label)
    try:
        yield bar
    finally:
        bar.stop()
