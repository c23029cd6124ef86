"""The single error boundary: every expected error becomes one line and its exit code."""

from __future__ import annotations

import os
import sys
from typing import Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from credwallet.errors import CredwalletError, ExitCode

__all__ = ["ErrorBoundary"]


def _debug_requested(ctx: typer.Context) -> bool:
    state = ctx.obj
    if state is not None and getattr(state, "debug", False):
        return True
    return os.environ.get("CREDWALLET_DEBUG") == "1"


def _print_error(message: str) -> None:
    from credwallet.cli._output import clean

    # Plain write, not rich: the boundary must work even when rendering is what failed.
    sys.stderr.write(f"credwallet: error: {clean(message)}\n")
    sys.stderr.flush()


def _print_traceback() -> None:
    import traceback

    traceback.print_exc(file=sys.stderr)
    sys.stderr.flush()


def _is_sqlite_error(exc: BaseException) -> bool:
    # sqlite3 is looked up, not imported: a process that never opened the store cannot have
    # raised one, and `credwallet --help` should not pay for loading it.
    sqlite3 = sys.modules.get("sqlite3")
    return sqlite3 is not None and isinstance(exc, sqlite3.Error)


class ErrorBoundary(TyperGroup):
    """A TyperGroup that maps exceptions to exit codes (tests exercise it through the runner)."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]  # typer's Context
        try:
            return super().invoke(ctx)
        except CredwalletError as exc:
            if _debug_requested(ctx):
                # The traceback, then the same exit code as without --debug: scripts that
                # branch on 6 (not found) must not see 1 because someone is debugging.
                _print_traceback()
            _print_error(exc.message)
            raise typer.Exit(int(exc.exit_code)) from None
        except BrokenPipeError:
            # The reader went away (`credwallet show --json | head`): not an error of ours.
            # Point stdout at /dev/null so that the final flush does not fail again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(int(ExitCode.ERROR)) from None
        except KeyboardInterrupt:
            _print_error("interrupted")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except (typer.Exit, typer.Abort, TyperException):
            raise  # typer's own usage errors and exits keep their codes (2 for usage)
        except Exception as exc:
            if _debug_requested(ctx):
                raise
            if _is_sqlite_error(exc):
                # A store error that escaped the store's own translation: the file is not healthy.
                _print_error(f"wallet storage error ({type(exc).__name__}); run `credwallet check`")
                raise typer.Exit(int(ExitCode.WALLET)) from None
            _print_error(
                f"unexpected {type(exc).__name__}; this is a bug in credwallet. "
                "Run again with --debug for the traceback"
            )
            raise typer.Exit(int(ExitCode.ERROR)) from None
