"""credwallet: a private, encrypted wallet for Open Badges and Verifiable Credentials.

The library is usable without the CLI; ``import credwallet`` stays light (no typer, rich, pyld
or qrcode, and no package-metadata scan) so that the command line starts fast.
"""

from __future__ import annotations

from credwallet.errors import CredwalletError, ExitCode

__all__ = ["CredwalletError", "ExitCode", "__version__"]


def __getattr__(name: str) -> str:
    # The version comes from the installed package's metadata; reading it imports
    # importlib.metadata and scans sys.path, which costs more than the rest of start-up, so it
    # is read only when someone asks (`--version`, backups).
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("credwallet")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0.0.0"
    raise AttributeError(f"module 'credwallet' has no attribute {name!r}")
