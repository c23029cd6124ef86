"""The command line. Only this package imports typer and rich."""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """Console-script entry point."""
    from credwallet.cli._process import harden_process

    harden_process()  # before any secret is read
    from credwallet.cli._app import app

    app(prog_name="credwallet")
