"""`credwallet share`: signed presentations, bundles, QR codes and résumé exports."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from credwallet.cli._output import Output, clean
from credwallet.cli._state import AppState, JsonFlag, state_of
from credwallet.cli._unlock import open_wallet
from credwallet.errors import UsageError

if TYPE_CHECKING:
    from credwallet.share.items import SharedItem
    from credwallet.share.profile import HolderProfile
    from credwallet.share.qr import ErrorLevel
    from credwallet.verify.jsonld import DocumentLoader
    from credwallet.wallet import Wallet

__all__ = ["app", "register"]

app = typer.Typer(
    help="Share credentials: presentations, bundles, QR codes, résumés, PDF.",
    no_args_is_help=True,
)


class Suite(StrEnum):
    RDFC = "eddsa-rdfc-2022"
    JCS = "eddsa-jcs-2022"


class Level(StrEnum):
    L = "L"
    M = "M"
    Q = "Q"
    H = "H"


class PaperSize(StrEnum):
    A4 = "A4"
    LETTER = "Letter"


class ResumeFormat(StrEnum):
    LINKEDIN = "linkedin"
    JSONRESUME = "jsonresume"
    MARKDOWN = "markdown"
    HTML = "html"
    LER_RS = "ler-rs"


IdsArgument = Annotated[list[str], typer.Argument(help="Wallet ids (or unique prefixes).")]
SuiteOption = Annotated[
    Suite, typer.Option("--suite", help="Data Integrity cryptosuite of the holder's proof.")
]
ForceOption = Annotated[
    bool,
    typer.Option(
        "--force", help="Replace an existing output file (never writes through a symlink)."
    ),
]
LevelOption = Annotated[
    Level,
    typer.Option("--level", help="QR error correction: L (screens) .. H; M suits print."),
]


def _level(level: Level) -> ErrorLevel:
    letters: dict[Level, ErrorLevel] = {Level.L: "L", Level.M: "M", Level.Q: "Q", Level.H: "H"}
    return letters[level]


def _now() -> datetime:
    return datetime.now(UTC)


def _shared_items(
    wallet: Wallet,
    ids: list[str] | None,
    now: datetime,
    *,
    one_per_achievement: bool = False,
    empty_ok: bool = False,
) -> list[SharedItem]:
    """The chosen credentials (all of them when ``ids`` is empty), as plain sharing data, each
    credential once whatever containers the wallet holds it in."""
    from credwallet.share.distinct import distinct_items

    items: list[SharedItem] = distinct_items(
        wallet.shared_items(ids or None, now=now, one_per_achievement=one_per_achievement)
    )
    if not items and not empty_ok:
        raise UsageError("the wallet holds no credentials to share yet")
    return items


@dataclass(frozen=True, slots=True)
class _Sharing:
    """What every share command starts from: the open wallet, the chosen credentials, the
    holder's profile (None when unset: its name is then offered, never used) and one moment."""

    wallet: Wallet
    items: list[SharedItem]
    holder: HolderProfile | None
    when: datetime

    @property
    def holder_name(self) -> str | None:
        return self.holder.name if self.holder is not None else None

    @property
    def holder_photo(self) -> bytes | None:
        return self.holder.photo if self.holder is not None else None


@contextmanager
def _sharing(
    state: AppState,
    out: Output,
    ids: list[str] | None,
    *,
    one_per_achievement: bool = False,
    empty_ok: bool = False,
) -> Iterator[_Sharing]:
    """Open the wallet and gather what a share command needs; the wallet closes on exit."""
    when = _now()
    with open_wallet(state) as wallet:
        items = _shared_items(
            wallet, ids, when, one_per_achievement=one_per_achievement, empty_ok=empty_ok
        )
        holder = _holder(wallet, items, out) if items else None
        yield _Sharing(wallet, items, holder, when)


def _context_loader(wallet: Wallet, *, offline: bool) -> DocumentLoader:
    """The JSON-LD contexts RDFC signing needs: pinned, local, or (online) fetched and cached."""
    from credwallet.wallet.verifying import make_options

    options = make_options(
        fetcher=wallet.fetcher(offline=offline), identities=(), offline=offline, now=_now()
    )
    if options.loader is None:  # make_options always sets one; keep mypy and readers sure
        raise UsageError("no JSON-LD context loader is available")
    return options.loader


def _holder(wallet: Wallet, items: list[SharedItem], out: Output) -> HolderProfile | None:
    """The profile; with none set, offer (never use) the name the credentials agree on."""
    from credwallet.share.profile import agreed_subject_name
    from credwallet.wallet.profile import load_profile

    profile = load_profile(wallet.store)
    if profile is not None:
        return profile
    from credwallet.cli._cmd_profile import set_name_command

    suggestion = agreed_subject_name(i.credential for i in items)
    hint = (
        f"; your credentials name you {clean(suggestion)!r}: {set_name_command(suggestion)}"
        if suggestion
        else ": credwallet profile set --name 'Your Name'"
    )
    out.message(f"No profile set, so no name is shown, only your holder DID{hint}")
    return None


def _log(
    wallet: Wallet,
    kind: str,
    items: list[SharedItem],
    output: object,
    *,
    recipient: str | None = None,
    detail: str | None = None,
) -> None:
    """Add this act of sharing to the log `credwallet shared` lists (metadata only)."""
    from credwallet.wallet.shared_log import record_share

    if items:
        how = "terminal" if str(output) == "-" else "file"
        target = None if str(output) == "-" else str(output)
        ids = [i.wallet_id for i in items]
        record_share(
            wallet.store, kind, how, ids, output=target, recipient=recipient, detail=detail
        )


def _check_out(target: str | Path, *, force: bool) -> None:
    """Refuse a bad ``-o`` before the wallet is opened and anything is signed."""
    from credwallet.share.output import check_target

    if str(target) != "-":
        check_target(Path(target), force=force)


def _emit(out: Output, target: str, data: bytes, what: str, *, force: bool) -> None:
    """Write ``data`` to a new 0600 file (see share/output.py), or to stdout for ``-``."""
    from credwallet.share.output import write_private

    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    write_private(Path(target), data, force=force)
    out.success(f"Wrote {what} to {clean(target)}")


@app.command("presentation")
def presentation(
    ctx: typer.Context,
    ids: IdsArgument,
    out_path: Annotated[
        str, typer.Option("--out", "-o", help="Where to write the presentation JSON (- = stdout).")
    ],
    challenge: Annotated[
        str | None, typer.Option("--challenge", help="The verifier's challenge (nonce) to bind.")
    ] = None,
    domain: Annotated[
        str | None, typer.Option("--domain", help="The verifier's domain to bind.")
    ] = None,
    suite: SuiteOption = Suite.JCS,
    force: ForceOption = False,
) -> None:
    """A Verifiable Presentation of the credentials, signed by your holder key."""
    from credwallet.share.presentation import create_presentation

    state = state_of(ctx)
    out = state.output()
    _check_out(out_path, force=force)
    with _sharing(state, out, ids) as share:
        items, wallet = share.items, share.wallet
        document = create_presentation(
            [i.credential for i in items],
            holder_name=share.holder_name,
            key=wallet.holder_key(),
            suite=str(suite),
            challenge=challenge,
            domain=domain,
            created=share.when,
            loader=_context_loader(wallet, offline=state.offline),
        )
        _log(wallet, "presentation-file", items, out_path, recipient=domain)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    _emit(
        out,
        out_path,
        text.encode("utf-8"),
        f"a presentation of {len(items)} credential(s)",
        force=force,
    )


@app.command("bundle")
def bundle(
    ctx: typer.Context,
    ids: IdsArgument,
    out_path: Annotated[Path, typer.Option("--out", "-o", help="The zip file to write.")],
    only_valid: Annotated[
        bool, typer.Option("--only-valid", help="Leave out anything not verified valid now.")
    ] = False,
    suite: SuiteOption = Suite.JCS,
    level: LevelOption = Level.M,
    force: ForceOption = False,
    json_flag: JsonFlag = False,
) -> None:
    """One zip: signed presentation, original files, QR codes, manifest and a web page."""
    from credwallet.share.bundle import create_bundle

    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    _check_out(out_path, force=force)
    with _sharing(state, out, ids) as share:
        items, wallet = share.items, share.wallet
        manifest = create_bundle(
            out_path,
            items,
            key=wallet.holder_key(),
            now=share.when,
            suite=str(suite),
            only_valid=only_valid,
            qr_level=_level(level),
            loader=_context_loader(wallet, offline=state.offline),
            force=force,
            holder_name=share.holder_name,
            holder_photo=share.holder_photo,
        )
        _log(wallet, "bundle", items, out_path)
    if out.json_mode:
        out.data({"path": str(out_path), "manifest": manifest})
        return
    count = len(manifest["credentials"])
    left_out = len(items) - count
    out.success(f"Wrote {clean(out_path)}: {count} credential(s), check it with")
    out.message(f"  credwallet verify {clean(out_path)}")
    if left_out:
        out.message(f"{left_out} credential(s) left out by --only-valid")


@app.command("qr")
def qr_code(
    ctx: typer.Context,
    credential_id: Annotated[str, typer.Argument(help="A wallet id (or unique prefix).")],
    out_path: Annotated[
        str, typer.Option("--out", "-o", help="FILE.png, FILE.svg, or - for the terminal.")
    ] = "-",
    link: Annotated[
        bool,
        typer.Option("--link/--no-link", help="Encode the public URL when there is one."),
    ] = True,
    level: LevelOption = Level.M,
    force: ForceOption = False,
    json_flag: JsonFlag = False,
) -> None:
    """A QR code of the credential's public link, or of the whole credential (in parts)."""
    from credwallet.share import qr
    from credwallet.share.qrchoice import QrChoice, QrKind, caption_for, choose_qr

    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    _check_out(out_path, force=force)
    with open_wallet(state) as wallet:
        (item,) = _shared_items(wallet, [credential_id], _now())
        chosen = _level(level)
        if out_path == "-" and not out.json_mode:
            from credwallet.share.qrchoice import terminal_qr

            # Half blocks draw two module rows per line; each symbol fits 80 columns.
            texts, chosen = terminal_qr(item.credential, level=chosen, link=link)
            kind: QrKind = (
                "link"
                if texts[0].startswith(qr.LINK_SCHEME)
                else "vp1"
                if texts[0].startswith("VP1-")
                else "cw1"
            )
            choice = QrChoice(kind=kind, texts=tuple(texts), caption=caption_for(kind, len(texts)))
        else:
            choice = choose_qr(item.credential, level=chosen, link=link)
            texts = list(choice.texts)
        _log(wallet, "qr", [item], out_path)  # after the codes are made: "too big" logs nothing
    # JSON keeps "credential" for the CW1 form, as before VP1 codes existed.
    kind_name = {"link": "link", "vp1": "vp1", "cw1": "credential"}[choice.kind]
    if out.json_mode:
        out.data(
            {
                "id": item.wallet_id,
                "kind": kind_name,
                "parts": len(texts),
                "texts": texts,
                "caption": choice.caption,
            }
        )
        if out_path == "-":
            return
    what = {"link": "a QR code of the link", "vp1": "a VP1 QR code of the credential"}.get(
        choice.kind, "a QR code of the credential"
    ) + (f" in {len(texts)} parts" if len(texts) > 1 else "")
    if out_path == "-":
        for number, text in enumerate(texts, start=1):
            if len(texts) > 1:
                out.line(f"Part {number} of {len(texts)}")
            sys.stdout.write(qr.render_terminal(text, chosen))
        out.message(choice.caption)
        sys.stdout.flush()
        return
    suffix = Path(out_path).suffix.lower()
    if suffix == ".png":
        png = (
            qr.render_png(texts[0], chosen)
            if len(texts) == 1
            else qr.render_png_sheet(texts, chosen)
        )
        _emit(out, out_path, png, what, force=force)
    elif suffix == ".svg":
        # Like the PNG: one file, the parts side by side, so `verify FILE.svg` reads them all.
        svg = (
            qr.render_svg(texts[0], chosen)
            if len(texts) == 1
            else qr.render_svg_sheet(texts, chosen)
        )
        _emit(out, out_path, svg.encode("utf-8"), what, force=force)
    else:
        raise UsageError("--out must end in .png or .svg, or be - for the terminal")
    # Print it under the code if you print the image: what it holds, and what reads it.
    out.message(choice.caption)


@app.command("pdf")
def pdf(
    ctx: typer.Context,
    out_path: Annotated[Path, typer.Option("--out", "-o", help="The PDF file to write.")],
    ids: Annotated[
        list[str] | None, typer.Argument(help="Wallet ids (or prefixes); default: all.")
    ] = None,
    paper: Annotated[
        PaperSize, typer.Option("--paper", help="A4 or Letter.", case_sensitive=False)
    ] = PaperSize.A4,
    level: LevelOption = Level.M,
    force: ForceOption = False,
    json_flag: JsonFlag = False,
) -> None:
    """A printable portfolio: a cover page, then one page per credential with a QR code."""
    from credwallet.share.output import write_private
    from credwallet.share.pdf import render_pdf
    from credwallet.share.qrchoice import choose_qr

    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    _check_out(out_path, force=force)
    with _sharing(state, out, ids) as share:
        items = share.items
        holder_did = share.wallet.holder_did()
        _log(share.wallet, "pdf", items, out_path)
    chosen = _level(level)
    choices = {i.wallet_id: choose_qr(i.credential, level=chosen) for i in items}
    result = render_pdf(
        items,
        holder_did=holder_did,
        holder_name=share.holder_name,
        holder_photo=share.holder_photo,
        generated_at=share.when,
        qr_choices=choices,
        paper="A4" if paper is PaperSize.A4 else "Letter",
        qr_level=chosen,
    )
    for warning in result.warnings:
        out.warn(warning)
    write_private(out_path, result.data, force=force)
    if out.json_mode:
        out.data(
            {
                "path": str(out_path),
                "pages": len(items) + 1,
                "paper": str(paper),
                "credentials": [
                    {"id": i.wallet_id, "qr": choices[i.wallet_id].kind} for i in items
                ],
                "warnings": list(result.warnings),
            }
        )
        return
    out.success(f"Wrote {clean(out_path)}: a cover page and {len(items)} credential page(s)")


def _ler_rs(
    wallet: Wallet, items: list[SharedItem], when: datetime, profile: HolderProfile | None
) -> dict[str, object]:
    """The LER-RS résumé as a holder-signed presentation (see share/lerrs.py)."""
    from credwallet.share.lerrs import ler_rs_presentation

    return ler_rs_presentation(items, key=wallet.holder_key(), profile=profile, now=when)


@app.command("resume")
def resume(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None, typer.Argument(help="Wallet ids (or prefixes); default: all.")
    ] = None,
    fmt: Annotated[
        ResumeFormat,
        typer.Option(
            "--format", "-f", help="linkedin, jsonresume, markdown, html or ler-rs (signed)."
        ),
    ] = ResumeFormat.LINKEDIN,
    include_invalid: Annotated[
        bool,
        typer.Option(
            "--include-invalid",
            help="Also list credentials that failed verification (forged, revoked); labelled.",
        ),
    ] = False,
    json_flag: JsonFlag = False,
) -> None:
    """Résumé entries: LinkedIn links, JSON Resume, Markdown, HTML or a signed LER-RS résumé.

    Credentials that failed verification are left out unless --include-invalid; expired ones
    are kept (and labelled in Markdown and HTML). An empty wallet gives an empty export.
    """
    from credwallet.share import resume as exports

    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    # An empty wallet is no usage error here, just an empty résumé.
    with _sharing(state, out, ids, one_per_achievement=True, empty_ok=True) as share:
        held, when, profile = share.items, share.when, share.holder
        items = exports.resume_items(held, now=when, include_invalid=include_invalid)
        signed = _ler_rs(share.wallet, items, when, profile) if fmt is ResumeFormat.LER_RS else None
        _log(share.wallet, "resume", items, "-", detail=str(fmt))
    if not held:
        out.message("The wallet holds no credentials yet: the export is empty.")
    elif len(items) < len(held):
        out.warn(
            f"{len(held) - len(items)} credential(s) that failed verification left out "
            "(--include-invalid lists them, labelled)"
        )
    if signed is not None:
        out.data(signed)
        return
    if fmt is ResumeFormat.LINKEDIN:
        entries = exports.linkedin_entries(items, now=when)
        if out.json_mode:
            out.data({"format": "linkedin", "entries": [e.to_json() for e in entries]})
        else:
            sys.stdout.write(exports.linkedin_sheet(entries))
        return
    if fmt is ResumeFormat.JSONRESUME:
        out.data(exports.json_resume(items, now=when, holder=profile))
        return
    # Already filtered above: the sections get include_invalid=True so nothing is dropped twice.
    name = profile.name if profile is not None else None
    text = (
        exports.markdown_section(items, now=when, include_invalid=True, holder_name=name)
        if fmt is ResumeFormat.MARKDOWN
        else exports.html_section(items, now=when, include_invalid=True, holder_name=name)
    )
    if out.json_mode:
        out.data({"format": str(fmt), "text": text})
    else:
        sys.stdout.write(text)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="share")
