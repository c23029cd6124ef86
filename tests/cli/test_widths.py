"""Every human view fits the terminal: no line longer than COLUMNS, the key content still there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import Run
from rich.cells import cell_len

from credwallet.cli._cmd_show import _fit_columns
from credwallet.cli._output import abbreviate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WIDTHS = (60, 80, 120)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, dict[str, str]]:
    """One wallet with the example badges and pathway, shared by every width."""
    from cli_support import PASSPHRASE
    from typer.testing import CliRunner

    from credwallet.cli._app import app

    home = tmp_path_factory.mktemp("widths") / "wallet"

    def run(*args: str, env: dict[str, str] | None = None) -> object:
        return CliRunner().invoke(
            app,
            ["--home", str(home), *args],
            env={"CREDWALLET_PASSPHRASE": PASSPHRASE, **(env or {})},
        )

    assert run("init").exit_code == 0  # type: ignore[attr-defined]
    assert run("import", str(EXAMPLES), "--offline").exit_code == 0  # type: ignore[attr-defined]
    added = run("pathway", "add", str(EXAMPLES / "pathways" / "data-analytics.toml"))
    assert added.exit_code == 0, added.output  # type: ignore[attr-defined]
    listing = json.loads(run("show", "--json").stdout)["credentials"]  # type: ignore[attr-defined]
    ids = {c["name"]: c["id"] for c in listing}
    return run, ids  # type: ignore[return-value]


def _fits(text: str, width: int) -> None:
    for line in text.splitlines():
        assert cell_len(line) <= width, f"{cell_len(line)} > {width}: {line!r}"


def _views(ids: dict[str, str]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    expired = ids["Spreadsheet Modelling"]
    valid = ids["SQL for Data Analysis"]
    return [
        (("show",), ("Spreadsheet", "expired", "Data Analytics Professional")),
        (("show", expired), ("Spreadsheet Modelling", "expired on 2025-03-01", "validity")),
        (("pathway", "show", "data-analytics"), ("Data Analytics Professional", "next:")),
        (("pathway", "list"), ("data-analytics",)),
        (("verify", valid, "--offline"), ("valid", "proof")),
        (("verify", "--all", "--offline"), ("expired on 2025-03-01", "validity")),
        (("explain", expired, "--offline"), ("expired on 2025-03-01", "checked at")),
        (("check", "--offline"), ("credentials checked",)),
        (("status",), ("Credentials", "KDF", "Clock")),
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_view_fits(filled: tuple[Run, dict[str, str]], width: int) -> None:
    """At 60, 80 and 120 columns no line of any view is longer than the terminal."""
    run, ids = filled
    for args, wanted in _views(ids):
        result = run(*args, env={"COLUMNS": str(width)})
        assert result.exit_code in (0, 3), (args, result.output)
        _fits(result.stdout, width)
        _fits(result.stderr, width)
        for text in wanted:
            folded = " ".join(result.stdout.split())
            assert text in folded, (args, width, result.stdout)


def test_narrow_table_drops_low_priority_columns_first() -> None:
    """Issued goes first, then Expires, then Issuer; ID, Name and State always stay."""
    assert _fit_columns(200, 21) == ["ID", "Name", "State", "Issuer", "Expires", "Issued"]
    assert _fit_columns(80, 21) == ["ID", "Name", "State", "Issuer", "Expires"]
    assert _fit_columns(70, 21) == ["ID", "Name", "State", "Issuer"]
    assert _fit_columns(30, 21) == ["ID", "Name", "State"]


def test_long_ids_are_abbreviated_with_dots() -> None:
    """A did:key in a table cell keeps its start and end, joined by an ASCII '...'."""
    did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    short = abbreviate(did)
    assert len(short) == 28 and "..." in short
    assert short.startswith("did:key:z6") and short.endswith(did[-8:])


@pytest.mark.parametrize("width", WIDTHS)
def test_import_lines_fit(wallet: Run, tmp_path: Path, width: int) -> None:
    """Import's per-file lines fit COLUMNS: long paths and names are abbreviated with '...'."""
    deep = tmp_path / ("a-folder-with-a-rather-long-name-" * 2) / "badges-received-in-2025"
    deep.mkdir(parents=True)
    for source in sorted(EXAMPLES.iterdir()):
        if source.is_file() and source.suffix != ".md":
            target = deep / f"{source.stem}-downloaded-from-the-issuers-site{source.suffix}"
            target.write_bytes(source.read_bytes())
    (deep / "not-a-credential-just-some-notes-with-a-long-file-name.txt").write_text("notes")
    (deep / "broken-badge-that-a-long-winded-issuer-sent-by-mail.json").write_text('{"a": ')
    result = wallet("import", str(deep), "--offline", env={"COLUMNS": str(width)})
    assert result.exit_code != 1, result.output
    _fits(result.stderr, width)
    text = result.stderr
    assert text.count("imported  ") == 5 and "failed  " in text
    assert "[expired on 2025-03-01]" in text or "[expired]" in text
    if width < 120:
        assert "..." in text
    ids = [c["id"][:8] for c in json.loads(wallet("show", "--json").stdout)["credentials"]]
    for short_id in ids:  # every new id is on screen whole: it is what the user types next
        assert f"-> {short_id} " in text


@pytest.mark.parametrize("width", (40, *WIDTHS))
def test_top_level_help_fits(width: int) -> None:
    """`credwallet --help` (laid out by credwallet, not typer) fits every width and names every
    command and global option; on a very narrow terminal the text goes under the names."""
    from typer.testing import CliRunner

    from credwallet.cli._app import app
    from credwallet.cli._commands import COMMANDS

    text = CliRunner().invoke(app, ["--help"], env={"COLUMNS": str(width)}).stdout
    _fits(text, width)
    usage = "Usage: credwallet [OPTIONS] COMMAND [ARGS]..."
    assert " ".join(text.split()).startswith(usage)
    words = text.split()
    for name in [*COMMANDS, "--home", "--offline", "--passphrase-file", "--install-completion"]:
        assert name in words, name


def test_top_level_help_lists_each_command_and_option_of_ours_on_one_line_at_80() -> None:
    """At 80 columns each command's summary, and each global option credwallet defines, is one
    line of `credwallet --help`: a summary folded onto a second line reads as a new entry."""
    from typer.testing import CliRunner

    from credwallet.cli._app import app
    from credwallet.cli._commands import COMMANDS

    text = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "80"}).stdout
    rows = [line.strip("│ ") for line in text.splitlines() if line.startswith("│")]
    for name, (_module, summary) in COMMANDS.items():
        assert f"{name:<10}{summary}" in rows, name
    for option in ("--home", "--json", "--offline", "--debug", "--passphrase-file", "--version"):
        (row,) = [row for row in rows if row.startswith(option + " ")]
        following = rows[rows.index(row) + 1]
        assert following.startswith("--"), f"{option}: its help wraps onto {following!r}"


def test_bare_credwallet_prints_the_same_listing() -> None:
    """`credwallet` with no arguments shows the root help (and exits 2, as click does)."""
    from typer.testing import CliRunner

    from credwallet.cli._app import app

    bare = CliRunner().invoke(app, [], env={"COLUMNS": "80"})
    helped = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "80"})
    assert bare.exit_code == 2
    assert bare.stdout.rstrip("\n") == helped.stdout.rstrip("\n")


def test_top_level_help_colours_only_the_names() -> None:
    """On a colour terminal the names are coloured as typer colours them, and the text after
    them is plain (a base style on the row would colour the whole line)."""
    from typer.testing import CliRunner

    from credwallet.cli._app import app

    text = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "80", "FORCE_COLOR": "1"}).stdout
    assert "\x1b[1;36m--home\x1b[0m \x1b[1;33m<path>\x1b[0m" in text
    for plain in ("Wallet folder (env CREDWALLET_HOME).", "Add tags to a credential."):
        (line,) = [line for line in text.splitlines() if plain in line]
        after = line[line.index(plain) :]
        assert "\x1b[" not in after.split("\x1b[2m")[0], line
    colourless = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert "\x1b[3" not in colourless.stdout
