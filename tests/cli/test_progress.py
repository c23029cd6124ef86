"""Progress bars: count, total and time left on a terminal's stderr; nothing elsewhere."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
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


def test_piped_stderr_is_no_terminal_without_building_a_console(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A piped stderr draws no bar, told without rich; FORCE_COLOR and TTY_COMPATIBLE are
    left for rich to judge, as are consoles made already."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.setattr("sys.stderr", StringIO())
    out = Output(json_mode=True)
    with progress_for(out, "importing") as bar:
        assert bar is None
    assert out._err is None  # no console (nor rich) was needed to know
    with monkeypatch.context() as env:
        env.setenv("FORCE_COLOR", "1")
        assert Output(json_mode=True).err_is_terminal()
    with monkeypatch.context() as env:
        # rich 14 reads TTY_COMPATIBLE, rich 13 (the lowest allowed) does not: either way the
        # answer is rich's own, from a console built to ask.
        env.setenv("TTY_COMPATIBLE", "1")
        out = Output(json_mode=True)
        assert out.err_is_terminal() is bool(out.err.is_terminal)
        assert out._err is not None
    forced, _ = _output(terminal=True)
    assert forced.err_is_terminal()


def test_count_sources_walks_folders_without_reading(tmp_path: Path) -> None:
    """Folders count their credential-like files; other names count one each."""
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "b.png").write_bytes(b"")
    (tmp_path / "notes.md").write_text("x")
    assert count_sources([str(tmp_path), "-", "https://example.org/badge"]) == 4


class TestBackupAndRestore:
    """backup and restore report (done, total) as they go; the CLI draws it on a terminal."""

    def _filled(self, tmp_path: Path) -> tuple[Path, int]:
        from cli_support import PASSPHRASE
        from typer.testing import CliRunner

        from credwallet.cli._app import app

        home = tmp_path / "wallet"
        env = {"CREDWALLET_PASSPHRASE": PASSPHRASE}
        runner = CliRunner()
        assert runner.invoke(app, ["--home", str(home), "init"], env=env).exit_code == 0
        examples = Path(__file__).resolve().parents[2] / "examples"
        runner.invoke(app, ["--home", str(home), "import", str(examples), "--offline"], env=env)
        return home, 5

    def test_the_library_reports_every_record(self, tmp_path: Path) -> None:
        from cli_support import PASSPHRASE

        from credwallet.wallet import Unlock, Wallet
        from credwallet.wallet.core import backup_wallet, restore_wallet

        home, _ = self._filled(tmp_path)
        wrote: list[tuple[int, int]] = []
        with Wallet.open(home, Unlock(passphrase=lambda: PASSPHRASE)) as wallet:
            summary = backup_wallet(
                wallet,
                tmp_path / "b.age",
                PASSPHRASE,
                log_n=10,
                progress=lambda d, t: wrote.append((d, t)),
            )
        assert wrote == [(i, summary.records) for i in range(1, summary.records + 1)]
        read: list[tuple[int, int]] = []
        restore_wallet(
            tmp_path / "b.age",
            PASSPHRASE,
            home=tmp_path / "restored",
            into=None,
            new_passphrase=PASSPHRASE,
            progress=lambda d, t: read.append((d, t)),
        )
        done = [d for d, _ in read]
        assert done == list(range(1, len(read) + 1))  # one step per record checked or stored
        assert read[-1][0] == read[-1][1]  # ends at its total
        assert len(read) == summary.records + (summary.records - 1)  # the holder key is not put

    def test_the_cli_draws_a_bar_on_a_terminal(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from cli_support import PASSPHRASE
        from typer.testing import CliRunner

        from credwallet.cli._app import app

        home, _ = self._filled(tmp_path)
        stream = StringIO()
        console = Console(file=stream, force_terminal=True, width=80)
        monkeypatch.setattr(Output, "err", property(lambda self: console))
        monkeypatch.setenv("TTY_COMPATIBLE", "1")  # stderr is piped here: let rich decide
        secret = tmp_path / "p.txt"
        secret.write_text(PASSPHRASE)
        secret.chmod(0o600)
        env = {"CREDWALLET_PASSPHRASE": PASSPHRASE}
        backup = ["backup", "-o", str(tmp_path / "b.age"), "--backup-passphrase-file", str(secret)]
        result = CliRunner().invoke(app, ["--home", str(home), *backup], env=env)
        assert result.exit_code == 0, result.output
        import re

        assert "backing up" in stream.getvalue()
        assert re.search(r"\d+/\d+", stream.getvalue())  # count/total
        restore = ["restore", str(tmp_path / "b.age"), "--backup-passphrase-file", str(secret)]
        result = CliRunner().invoke(app, ["--home", str(tmp_path / "r"), *restore], env=env)
        assert result.exit_code == 0, result.output
        assert "restoring" in stream.getvalue()
