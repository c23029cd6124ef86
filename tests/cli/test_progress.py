"""Progress bars: count, total and time left on a terminal's stderr; nothing elsewhere."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from rich.console import Console

from credwallet.cli._output import Output
from credwallet.cli._progress import MIN_ITEMS, progress_for
from credwallet.wallet.sources import count_sources


def _output(terminal: bool) -> tuple[Output, StringIO]:
    out = Output(json_mode=False)
    stream = StringIO()
    out._err = Console(
        file=stream, force_terminal=terminal, width=80
    )  # the stderr console a test can read
    return out, stream


def test_bar_shows_count_and_total_on_a_terminal() -> None:
    """On a terminal the bar shows done/total."""
    out, stream = _output(terminal=True)
    with progress_for(out, "checking") as bar:
        assert bar is not None
        bar(3, 10)
        bar(10, 10)
    assert "10/10" in stream.getvalue() and "checking" in stream.getvalue()


def test_no_bar_when_not_a_terminal_or_few_items() -> None:
    """Piped stderr gets no callback; a handful of items draws nothing."""
    out, _ = _output(terminal=False)
    with progress_for(out, "checking") as bar:
        assert bar is None
    out, stream = _output(terminal=True)
    with progress_for(out, "checking") as bar:
        assert bar is not None
        bar(1, MIN_ITEMS - 1)
    assert stream.getvalue() == ""


def test_count_sources_walks_folders_without_reading(tmp_path: Path) -> None:
    """Folders count their credential-like files; other names count one each."""
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "b.png").write_bytes(b"")
    (tmp_path / "notes.md").write_text("x")
    assert count_sources([str(tmp_path), "-", "https://example.org/badge"]) == 4
