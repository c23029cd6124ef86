"""Start-up stays light: the library does not pull in the CLI or heavy optional libraries."""

from __future__ import annotations

import subprocess
import sys


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


class TestImportCost:
    def test_library_import_loads_no_cli_or_heavy_modules(self) -> None:
        """`import credwallet` loads neither typer, rich, pyld nor qrcode."""
        loaded = _modules_after("import credwallet, credwallet.wallet, credwallet.verify")
        assert not loaded & {"typer", "rich", "pyld", "qrcode", "zxingcpp", "click"}

    def test_help_does_not_load_heavy_modules(self) -> None:
        """`credwallet --help` renders without importing pyld, qrcode or cryptography."""
        code = (
            "import sys\n"
            "from credwallet.cli import main\n"
            "sys.argv = ['credwallet', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('MODULES', ' '.join(sorted(sys.modules)))\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        loaded = set(out.stdout.split("MODULES", 1)[1].split())
        assert not loaded & {"pyld", "qrcode", "zxingcpp", "cryptography"}
