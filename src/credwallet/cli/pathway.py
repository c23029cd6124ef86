"""`credwallet pathway ...`: add, import, list, show, remove, export, tick, suggest.

Each command parses its arguments, calls the wallet (its pathway book, ``wallet.pathways``)
and renders the result.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from credwallet.cli._complete import pathway_ids
from credwallet.cli._output import Output, clean
from credwallet.cli._state import JsonFlag, state_of
from credwallet.cli._unlock import open_wallet
from credwallet.errors import BadInput, NotFound

__all__ = ["app", "register"]

_MAX_FILE_BYTES = 8 * 1024 * 1024  # a CTDL graph may be large; a TOML file is capped lower

app = typer.Typer(
    name="pathway",
    help="Stackable pathways: progress, what is missing, what comes next.",
    no_args_is_help=True,
)


def _read(path: Path) -> bytes:
    # The reader `import` uses: a regular file only (no FIFO, no /dev/zero), never past the cap.
    from credwallet.wallet.sources import read_file_limited

    return read_file_limited(path, limit=_MAX_FILE_BYTES)


FileArg = Annotated[Path, typer.Argument(help="The file to read.", show_default=False)]
IdArg = Annotated[
    str,
    typer.Argument(help="The pathway id or a unique prefix.", autocompletion=pathway_ids),
]
ReplaceFlag = Annotated[bool, typer.Option("--replace", help="Replace a pathway with the same id.")]


@app.command()
def add(
    ctx: typer.Context, file: FileArg, replace: ReplaceFlag = False, json_flag: JsonFlag = False
) -> None:
    """Add a pathway from a TOML file (validated; errors name the line and key)."""
    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    try:
        text = _read(file).decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"{file}: not UTF-8 text") from None
    with open_wallet(state) as wallet:
        pathway = wallet.pathways.add_toml(text, source=str(file), replace=replace).pathway
    if out.json_mode:
        out.data({"id": pathway.id, "name": pathway.name})
    else:
        out.success(f"added pathway {pathway.id} ({pathway.name})")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: FileArg,
    replace: ReplaceFlag = False,
    json_flag: JsonFlag = False,
) -> None:
    """Import a CTDL pathway graph (Credential Engine Registry JSON-LD)."""
    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    data = _read(file)
    with open_wallet(state) as wallet:
        stored = wallet.pathways.import_ctdl(data, replace=replace)
    pathway, not_converted = stored.pathway, list(stored.not_converted)
    if out.json_mode:
        out.data({"id": pathway.id, "name": pathway.name, "not_converted": not_converted})
        return
    out.success(f"imported pathway {pathway.id} ({pathway.name})")
    if not_converted:
        out.warn(f"{len(not_converted)} item(s) could not be converted:")
        for line in not_converted:
            out.message(f"  - {line}", style="yellow")


@app.command("list")
def list_(ctx: typer.Context, json_flag: JsonFlag = False) -> None:
    """List the pathways with their progress."""
    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    with open_wallet(state) as wallet:
        items = wallet.pathway_progress_all()
    keys = ("id", "name", "progress", "progress_pending", "complete")
    if out.json_mode:
        # A pathway too complex to evaluate has no figures, only the reason.
        out.data(
            [
                {k: item[k] for k in ("id", "name", "error")}
                if "error" in item
                else {k: item.get(k) for k in keys}
                for item in items
            ]
        )
        return
    if not items:
        out.message("No pathways yet: try `credwallet pathway add FILE.toml`.")
        return
    _table(out, items)


def _table(out: Output, items: list[dict[str, Any]]) -> None:
    from rich.table import Table
    from rich.text import Text

    from credwallet.cli._pathway_view import bar_width, progress_bar

    table = Table(
        title=f"{len(items)} pathway{'s' if len(items) != 1 else ''}", title_justify="left"
    )
    # Ids stay whole (they are typed back); the next step is dropped first on a narrow terminal.
    with_next = out.out.width >= 80
    table.add_column("ID", no_wrap=True)
    table.add_column("Name", overflow="fold", ratio=2)
    table.add_column("Progress", no_wrap=True)
    if with_next:
        table.add_column("Next", overflow="fold", ratio=3)
    for item in items:
        steps = item.get("next") or []
        cells = [
            Text(clean(item.get("id"))),
            Text(clean(item.get("name"))),
            progress_bar(
                float(item.get("progress", 0.0)),
                float(item.get("progress_pending", 0.0)),
                width=bar_width(out),
            ),
        ]
        if with_next:
            cells.append(
                Text(clean(item["error"]), style="red")
                if "error" in item
                else Text(
                    clean(steps[0]) if steps else ("complete" if item.get("complete") else "-")
                )
            )
        table.add_row(*cells)
    out.out.print(table)


@app.command()
def show(ctx: typer.Context, pathway_id: IdArg, json_flag: JsonFlag = False) -> None:
    """Show a pathway's tree: earned, pending, missing, and the next steps."""
    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    now = datetime.now(UTC)
    with open_wallet(state) as wallet:
        stored = wallet.pathways.get(pathway_id)
        held = wallet.credentials(now=now)
        progress = wallet.pathways.progress(stored, held, now=now).to_json()
    if out.json_mode:
        out.data(progress)
        return
    from credwallet.cli._pathway_view import render_pathway

    render_pathway(out, progress)


@app.command()
def remove(ctx: typer.Context, pathway_id: IdArg) -> None:
    """Remove a pathway (your credentials are not touched)."""
    state = state_of(ctx)
    with open_wallet(state) as wallet:
        full_id = wallet.pathways.get(pathway_id).pathway.id  # a prefix names the pathway
        wallet.pathways.remove(full_id)
    state.output().success(f"removed pathway {clean(full_id)}")


@app.command()
def export(
    ctx: typer.Context,
    pathway_id: IdArg,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of stdout."),
    ] = None,
) -> None:
    """Print a pathway as TOML (a file you added comes back byte for byte)."""
    state = state_of(ctx)
    with open_wallet(state) as wallet:
        text = wallet.pathways.export(pathway_id)
    if output is None:
        # Raw text on stdout, not rich: export must be byte for byte into a pipe or a file. A
        # terminal gets control and bidi characters made visible (U+202E would reorder the
        # lines it is on); a pathway written by credwallet has them escaped in the TOML anyway.
        sys.stdout.write(clean(text, multiline=True) if sys.stdout.isatty() else text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, "utf-8", newline="")
    except OSError as exc:
        raise BadInput(f"{output}: cannot write ({exc.strerror})") from None
    state.output().success(f"wrote {output}")


@app.command()
def tick(
    ctx: typer.Context,
    pathway_id: IdArg,
    key: Annotated[str, typer.Argument(help="The key of a manual step.")],
    undo: Annotated[bool, typer.Option("--undo", help="Mark the step as not done.")] = False,
) -> None:
    """Record a manual step (an internship, a job) as done, on your own word."""
    state = state_of(ctx)
    with open_wallet(state) as wallet:
        full_id = wallet.pathways.tick(pathway_id, key, undo=undo).pathway.id
    state.output().success(
        f"{clean(full_id)}: {clean(key)} {'not done' if undo else 'done (self-attested)'}"
    )


@app.command()
def suggest(
    ctx: typer.Context,
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Write each suggestion to DIR/ID.toml instead of printing."),
    ] = None,
    pick: Annotated[
        str | None, typer.Option("--pick", help="Print only the suggestion with this id.")
    ] = None,
    json_flag: JsonFlag = False,
) -> None:
    """Propose pathways from your credentials (shared frameworks, tags, an issuer's series)."""
    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    from credwallet.pathways import suggest_pathways
    from credwallet.wallet.pathways import to_held

    with open_wallet(state) as wallet:
        texts = suggest_pathways(to_held(wallet.credentials()))
    ids = [_suggestion_id(text) for text in texts]
    if pick is not None:
        if pick not in ids:
            raise NotFound(f"no suggestion {pick!r}; the suggestions are: {', '.join(ids)}")
        texts, ids = [texts[ids.index(pick)]], [pick]
    if directory is not None:
        try:
            directory.mkdir(parents=True, exist_ok=True)
            for pathway_id, text in zip(ids, texts, strict=True):
                (directory / f"{pathway_id}.toml").write_text(text, "utf-8", newline="")
        except OSError as exc:
            raise BadInput(f"{directory}: cannot write ({exc.strerror})") from None
    if out.json_mode:
        out.data([{"id": i, "toml": t} for i, t in zip(ids, texts, strict=True)])
        return
    if not texts:
        out.message("No suggestions: no framework, tag or issuer is shared by two credentials.")
        return
    if directory is not None:
        out.success(f"wrote {len(texts)} suggestion(s) to {directory}")
        return
    if len(texts) > 1 and not sys.stdout.isatty():
        # Redirected (`pathway suggest > f.toml`): one pathway per file, so that
        # `pathway add f.toml` reads it; the others are named on stderr.
        out.message(
            f"wrote suggestion {ids[0]}; {len(ids) - 1} more ({', '.join(ids[1:])}): "
            "use --pick ID, or --dir DIR for all"
        )
        texts = texts[:1]
    for text in texts:
        sys.stdout.write(text)
        sys.stdout.write("\n")
    sys.stdout.flush()


def _suggestion_id(text: str) -> str:
    import tomllib

    value = tomllib.loads(text).get("id")
    return str(value)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="pathway")
