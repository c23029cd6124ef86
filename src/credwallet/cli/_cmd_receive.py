"""`credwallet receive`: accept an issuer's offer (OpenID4VCI or a VC-API exchange)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from credwallet.cli._cmd_import import _RESULT_STYLE
from credwallet.cli._output import Output, clean
from credwallet.cli._state import JsonFlag, state_of
from credwallet.cli._unlock import _interactive, _prompt, open_wallet, read_passphrase_file
from credwallet.errors import ExitCode, UsageError
from credwallet.wallet.receive import (
    OfferPlan,
    ReceiveResult,
    exchange_client,
    prepare_offer,
    read_offer_input,
    receive_offer,
    resume_pending,
)

__all__ = ["register"]


def _show_plan(out: Output, plan: OfferPlan) -> None:
    who = clean(plan.issuer_name) if plan.issuer_name else "An issuer"
    out.message(f"{who} ({clean(plan.issuer)}) offers, by {plan.protocol}:")
    if plan.logo:
        out.message(f"  logo: {clean(plan.logo)}")
    if plan.browser:
        out.message("  (you will sign in at the issuer in your browser)")
    if not plan.offered:
        out.message("  the credentials of this exchange (named once they arrive)")
    for item in plan.offered:
        name = clean(item.name) if item.name else "(no name given)"
        out.message(f"  - {name}  [{clean(item.config_id)}, {clean(item.format)}]")
    if plan.tx_code is not None and plan.tx_code.description:
        out.message(f"  the issuer says: {clean(plan.tx_code.description)}")


def _browse(out: Output, url: str) -> None:
    """Open the issuer's sign-in page; print it too, for a browser on another screen."""
    import webbrowser

    out.message("Sign in at the issuer to continue; opening your browser at:")
    out.message(f"  {clean(url)}")
    webbrowser.open(url)


def _tx_code(plan: OfferPlan, tx_code_file: Path | None) -> str | None:
    if plan.tx_code is None:
        return None
    if tx_code_file is not None:
        return read_passphrase_file(tx_code_file)
    if not _interactive():
        raise UsageError("this offer needs a transaction code: use --tx-code-file FILE")
    length = f" ({plan.tx_code.length} characters)" if plan.tx_code.length else ""
    return _prompt(f"Transaction code{length}")


def _render(out: Output, results: list[ReceiveResult]) -> ExitCode:
    worst = ExitCode.OK
    for result in results:
        summary = result.summary
        for item in summary.outcomes:
            line = f"{item.result:>9}  {clean(item.name or item.source)}"
            if item.wallet_id:
                line += f"  -> {item.wallet_id[:8]} [{item.status}]"
            if item.message:
                line += f"  {clean(item.message)}"
            out.message(line, style=_RESULT_STYLE.get(item.result))
        out.message(
            f"{summary.count('imported')} received, {summary.count('duplicate')} already held, "
            f"{summary.count('refused')} refused, {summary.count('failed')} failed"
        )
        # On its own line: an issuer URL beside the counts would push the line past 80 columns.
        out.message(f"  from {clean(result.issuer)} by {result.protocol}")
        for pending in result.pending:
            out.message(
                f"  pending: {clean(pending.issuer)} will issue later; "
                "run `credwallet receive --resume` to collect it"
            )
        if result.summary.exit_code is not ExitCode.OK:
            worst = result.summary.exit_code
    return worst


def receive(
    ctx: typer.Context,
    offer: Annotated[
        str | None,
        typer.Argument(
            help="An openid-credential-offer:// link, an https interaction URL, a file or QR "
            "image holding one, or - for stdin.",
            show_default=False,
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before receiving.")] = False,
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="Receive only this offered credential id (repeatable)."),
    ] = None,
    tx_code_file: Annotated[
        Path | None,
        typer.Option(
            "--tx-code-file", help="Read the transaction code from this file's first line."
        ),
    ] = None,
    protocol: Annotated[
        str | None,
        typer.Option("--protocol", help="vc-api or openid4vci, when an exchange offers both."),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Collect credentials an issuer deferred.")
    ] = False,
    json_flag: JsonFlag = False,
) -> None:
    """Receive credentials from an issuer's offer, verifying each."""
    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    if state.offline:
        raise UsageError("receive talks to the issuer: it cannot run --offline")
    if (offer is None) == (not resume):
        raise UsageError("give an OFFER to receive, or --resume (not both)")
    client = exchange_client()
    if resume:
        with open_wallet(state) as wallet:
            results = resume_pending(wallet, client)
        if out.json_mode:
            out.data([r.to_json() for r in results])
            return
        if not results:
            out.message("no deferred issuance is waiting")
        code = _render(out, results)
        if code is not ExitCode.OK:
            raise typer.Exit(int(code))
        return
    assert offer is not None
    text = read_offer_input(offer, stdin=lambda: sys.stdin.buffer.read(1024 * 1024))
    plan = prepare_offer(
        text, client, protocol=protocol, open_browser=lambda url: _browse(out, url)
    )
    if not out.json_mode or not yes:
        _show_plan(out, plan)
    asking = not yes and offer != "-" and _interactive()
    if asking and not typer.confirm("Receive?", default=True, err=True):
        out.message("nothing received")
        raise typer.Exit(int(ExitCode.OK))
    secret = _tx_code(plan, tx_code_file)
    with open_wallet(state) as wallet:
        result = receive_offer(wallet, plan, tx_code=secret, only=only or ())
    if out.json_mode:
        out.data({"offer": plan.to_json(), **result.to_json()})
    else:
        exit_code = _render(out, [result])
        if exit_code is not ExitCode.OK:
            raise typer.Exit(int(exit_code))
        return
    if result.summary.exit_code is not ExitCode.OK:
        raise typer.Exit(int(result.summary.exit_code))


def register(app: typer.Typer) -> None:
    app.command("receive")(receive)
