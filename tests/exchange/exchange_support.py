"""Types shared by the exchange tests and their conftest.

Test modules import these from here, never ``from conftest import ...``: with several test
directories on one run, ``conftest`` names whichever directory's conftest pytest imported
last (tests/store's, say), so such an import breaks depending on which directories run.
"""

from __future__ import annotations

from collections.abc import Callable

from typer.testing import Result

#: ``run(*args, stdin=None, env=None)``: credwallet on a fresh wallet (the ``run`` fixture).
Run = Callable[..., Result]
