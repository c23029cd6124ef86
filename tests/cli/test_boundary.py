"""The single error boundary: expected errors are one line and an exit code, never a traceback."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from credwallet.cli._errors import ErrorBoundary
from credwallet.errors import (
    BadInput,
    CredwalletError,
    DamagedWallet,
    ExitCode,
    NotFound,
    VerificationFailed,
    WalletBusy,
)


def _app_raising(exc: BaseException) -> typer.Typer:
    app = typer.Typer(cls=ErrorBoundary)

    @app.callback()
    def root() -> None:
        """Root."""

    @app.command()
    def boom() -> None:
        """Raise the exception under test."""
        raise exc

    return app


class TestExpectedErrors:
    @pytest.mark.parametrize(
        ("exc", "code"),
        [
            (BadInput("truncated JSON at line 1"), ExitCode.BAD_INPUT),
            (NotFound("no credential with id 'abc'"), ExitCode.NOT_FOUND),
            (DamagedWallet(), ExitCode.WALLET),
            (VerificationFailed("proof: signature does not match"), ExitCode.INVALID),
            (WalletBusy(), ExitCode.ERROR),
        ],
    )
    def test_error_becomes_one_line_and_its_exit_code(
        self, exc: CredwalletError, code: ExitCode
    ) -> None:
        """Each CredwalletError prints its message on one stderr line and exits with its code."""
        result = CliRunner().invoke(_app_raising(exc), ["boom"])
        assert result.exit_code == code
        assert result.stdout == ""
        assert result.stderr.strip() == f"credwallet: error: {exc.message}"
        assert "Traceback" not in result.output

    def test_message_with_escape_sequences_is_printed_harmlessly(self) -> None:
        """An error that quotes hostile input cannot drive the terminal."""
        result = CliRunner().invoke(_app_raising(BadInput("name \x1b]0;pwned\x07 here")), ["boom"])
        assert "\x1b" not in result.stderr and "\x07" not in result.stderr
        assert "\\u001b" in result.stderr


class TestDebug:
    def test_debug_keeps_the_exit_code(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """--debug adds the traceback but a not-found still exits 6, not 1."""
        monkeypatch.setenv("CREDWALLET_DEBUG", "1")
        result = CliRunner().invoke(_app_raising(NotFound("no credential 'x'")), ["boom"])
        assert result.exit_code == ExitCode.NOT_FOUND
        assert "Traceback" in result.stderr
        assert result.stderr.rstrip().endswith("credwallet: error: no credential 'x'")


class TestUnexpectedErrors:
    def test_bug_is_exit_1_without_traceback(self) -> None:
        """An unexpected exception is reported as a bug, exit 1, with no traceback."""
        result = CliRunner().invoke(_app_raising(ZeroDivisionError("x")), ["boom"])
        assert result.exit_code == ExitCode.ERROR
        assert "ZeroDivisionError" in result.stderr
        assert "--debug" in result.stderr
        assert "Traceback" not in result.output

    def test_debug_env_lets_the_exception_through(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """With debugging on, the original exception reaches the caller."""
        monkeypatch.setenv("CREDWALLET_DEBUG", "1")
        result = CliRunner().invoke(_app_raising(ZeroDivisionError("x")), ["boom"])
        assert isinstance(result.exception, ZeroDivisionError)

    def test_interrupt_is_exit_130(self) -> None:
        """Ctrl-C ends with exit code 130 and a short message."""
        result = CliRunner().invoke(_app_raising(KeyboardInterrupt()), ["boom"])
        assert result.exit_code == ExitCode.INTERRUPTED
        assert "interrupted" in result.stderr


class TestExitCodes:
    def test_codes_are_the_documented_ones(self) -> None:
        """The exit codes are exactly the ones DESIGN.md and the README promise."""
        assert {c.name: int(c) for c in ExitCode} == {
            "OK": 0,
            "ERROR": 1,
            "USAGE": 2,
            "INVALID": 3,
            "INDETERMINATE": 4,
            "WALLET": 5,
            "NOT_FOUND": 6,
            "BAD_INPUT": 7,
            "INTERRUPTED": 130,
        }
