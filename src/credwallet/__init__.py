"""credwallet: a private, encrypted wallet for Open Badges and Verifiable Credentials.

The library is usable without the CLI; ``import credwallet`` stays light (no typer, rich, pyld
or qrcode) so that the command line starts fast.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from credwallet.errors import CredwalletError, ExitCode

try:
    __version__ = version("credwallet")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["CredwalletError", "ExitCode", "__version__"]
