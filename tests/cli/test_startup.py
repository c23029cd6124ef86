"""Start-up stays light: the library does not pull in the CLI or heavy optional libraries."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from credwallet.cli._app import app
from credwallet.cli._commands import COMMANDS
from credwallet.cli._lazy import load_command


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


class TestImportCost:
    def test_library_import_loads_no_cli_or_heavy_modules(self) -> None:
        """`import credwallet` loads neither typer, rich, pyld nor qrcode."""
        loaded = _modules_after("import credwallet, credwallet.wallet, credwallet.verify")
        assert not loaded & {"typer", "rich", "pyld", "qrcode", "zxingcpp", "click"}

    def test_listing_modules_do_not_load_the_verifier(self) -> None:
        """What a listing reads (states, held credentials) loads neither the verification
        engine, the key code nor cryptography's key formats: `show` does not verify."""
        loaded = _modules_after("import credwallet.verify.state, credwallet.wallet.held")
        assert not loaded & {
            "credwallet.verify.engine",
            "credwallet.verify.keys",
            "credwallet.verify.dataintegrity",
            "cryptography.hazmat.primitives.serialization",
        }

    def test_an_offline_command_loads_no_http_client(self) -> None:
        """The wallet, the verifier and the fetcher load http.client, ssl and email only when a
        request is really made (about 30 ms of every command's start-up otherwise)."""
        loaded = _modules_after(
            "import credwallet.net, credwallet.wallet, credwallet.verify.engine, "
            "credwallet.cli._unlock"
        )
        assert not loaded & {"http.client", "ssl", "email.parser", "urllib.request"}

    def test_verify_names_load_on_first_use(self) -> None:
        import credwallet.verify as verify
        from credwallet.verify.engine import verify_credential
        from credwallet.verify.keys import SigningKey

        assert verify.verify_credential is verify_credential
        assert verify.SigningKey is SigningKey
        assert set(verify.__all__) <= set(dir(verify))
        for name in verify.__all__:
            assert getattr(verify, name) is not None
        with pytest.raises(AttributeError):
            _ = verify.no_such_name

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
        # The root listing is laid out by credwallet (cli/_root_help.py): typer's rich help
        # module and what it pulls in (markdown, pygments, rich tables) cost ~60 ms. Older
        # typer and rich releases import some of them with what the listing needs (rich 13's
        # console imports its tables): only what credwallet adds counts.
        heavy = {"typer.rich_utils", "rich.markdown", "pygments", "rich.table"}
        assert not loaded & heavy - _modules_after("import typer, rich.console, rich.text")

    def test_help_loads_no_command_module(self) -> None:
        """`credwallet --help` lists every command without importing the wallet or the store."""
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
        help_text, modules = out.stdout.split("MODULES", 1)
        loaded = set(modules.split())
        assert not {m for m in loaded if m.startswith(("credwallet.wallet", "credwallet.store"))}
        assert "importlib.metadata" not in loaded
        for name in COMMANDS:
            assert f" {name} " in help_text


class TestCommandTable:
    """The table that `--help` reads agrees with the commands the modules really register."""

    def test_each_summary_is_the_commands_own_first_help_line(self) -> None:
        for name, (_module, summary) in COMMANDS.items():
            command = load_command(name)
            assert command.name == name
            assert (command.help or "").strip().splitlines()[0] == summary, name

    def test_every_registered_command_is_in_the_table(self) -> None:
        for module_name in {module for module, _summary in COMMANDS.values()}:
            module = importlib.import_module(f"credwallet.cli.{module_name}")
            scratch = typer.Typer()
            module.register(scratch)
            registered = set(typer.main.get_group(scratch).commands)
            in_table = {name for name, (module, _s) in COMMANDS.items() if module == module_name}
            assert registered == in_table, module_name

    def test_every_module_with_commands_is_in_the_table(self) -> None:
        """A command module that the table does not name would be unreachable."""
        import credwallet.cli

        in_table = {module for module, _summary in COMMANDS.values()}
        for info in pkgutil.iter_modules(credwallet.cli.__path__):
            module = importlib.import_module(f"credwallet.cli.{info.name}")
            if callable(getattr(module, "register", None)):
                assert info.name in in_table, f"credwallet.cli.{info.name} is not in COMMANDS"

    def test_a_command_runs_through_its_lazy_entry(self) -> None:
        """A command that was only a placeholder at start-up runs for real when named."""
        example = Path(__file__).parents[2] / "examples" / "data-analytics-foundations.json"
        result = CliRunner().invoke(app, ["--offline", "--json", "verify", str(example)])
        assert result.exit_code == 0, result.output
        assert '"status": "valid"' in result.output

    def test_a_mistyped_command_is_a_usage_error_with_a_suggestion(self) -> None:
        result = CliRunner().invoke(app, ["shwo"])
        assert result.exit_code == 2
        assert "show" in result.output
