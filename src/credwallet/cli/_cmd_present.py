"""`credwallet present`: answer a verifier's request, after showing who asks and what leaves."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from credwallet.cli._output import Output, clean
from credwallet.cli._state import JsonFlag, state_of
from credwallet.cli._unlock import _interactive, open_wallet
from credwallet.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from credwallet.exchange.present import Outcome, Selection
    from credwallet.wallet.presenting import PresentPlan

__all__ = ["register"]

_SHOWN_CLAIMS = 8


def _show_plan(out: Output, plan: PresentPlan, selection: Selection) -> None:
    verifier = plan.exchange.verifier
    proof = verifier.how if verifier.proven else f"{verifier.how}: its identity is not proven"
    out.message(f"{clean(verifier.label)} asks for a presentation ({proof}).")
    if verifier.name:
        out.message(f"  it calls itself {clean(verifier.name)!r} (not proven)")
    out.message(f"  protocol: {plan.exchange.protocol}")
    for item in plan.items:
        flag = "" if item.required else " (optional)"
        out.message(f"- {clean(item.id)}: {clean(item.description)}{flag}")
        if item.reason:
            out.message(f"    reason given: {clean(item.reason)}")
        if not item.asks_credential:
            out.message("    answered by your signature; no credential is sent")
            continue
        if not item.candidates:
            out.message("    no credential in your wallet matches", style="yellow")
            continue
        chosen = selection.get(item.id, ())
        for candidate in item.candidates:
            mark = "SEND" if candidate.wallet_id in chosen else "    "
            issuer = f"  from {clean(candidate.issuer)}" if candidate.issuer else ""
            out.message(
                f"    [{mark}] {candidate.wallet_id[:8]}  {clean(candidate.name)}{issuer}",
                style="bold" if mark == "SEND" else None,
            )
            if mark == "SEND":
                claims = [clean(c) for c in candidate.claims[:_SHOWN_CLAIMS]]
                more = len(candidate.claims) - _SHOWN_CLAIMS
                out.message(
                    "           claims sent: "
                    + ", ".join(claims)
                    + (f" and {more} more" if more > 0 else "")
                )
    name = f" with your name {clean(plan.holder_name)!r}" if plan.holder_name else ""
    out.message(f"Signed by your holder DID {clean(plan.holder_did)}{name}.")


def _show_outcome(out: Output, outcome: Outcome) -> None:
    if outcome.status == "redirect" and outcome.redirect_url:
        out.success(
            f"Sent {len(outcome.sent)} credential(s). The verifier asks you to continue at:"
        )
        out.message(f"  {clean(outcome.redirect_url)}")
    elif outcome.status == "more":
        out.warn(f"Sent; {clean(outcome.message or 'the verifier asked for more')}")
    else:
        out.success(
            f"Sent {len(outcome.sent)} credential(s); the verifier accepted the presentation."
        )


def present(
    ctx: typer.Context,
    request: Annotated[
        str,
        typer.Argument(
            help="A VC-API interaction or exchange URL, an openid4vp:// request, a file or QR "
            "image holding one, or - for stdin.",
            show_default=False,
        ),
    ],
    picks: Annotated[
        list[str] | None,
        typer.Option("--select", help="Send this credential (wallet id or prefix; repeatable)."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Send without asking.")] = False,
    json_flag: JsonFlag = False,
) -> None:
    """Answer a verifier's request, after showing who asks and for what."""
    from credwallet.exchange.present import NoMatch, open_request
    from credwallet.wallet.presenting import (
        plan_presentation,
        read_request_input,
        send_presentation,
    )
    from credwallet.wallet.receive import exchange_client

    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    if state.offline:
        raise UsageError("present talks to the verifier: it cannot run --offline")
    text = read_request_input(request, stdin=lambda: sys.stdin.buffer.read(1024 * 1024))
    exchange = open_request(text, exchange_client())
    now = datetime.now(UTC)
    with open_wallet(state) as wallet:
        plan = plan_presentation(wallet, exchange, now=now)
        selection = plan.selection(picks)
        if not out.json_mode or not yes:
            _show_plan(out, plan, selection)
        problem = exchange.missing(selection)
        if problem is not None:
            if out.json_mode:
                out.data({**plan.to_json(selection), "sent": False})
            raise NoMatch(f"{problem}; nothing was sent")
        if not yes:
            if request == "-" or not _interactive():
                if out.json_mode:
                    out.data({**plan.to_json(selection), "sent": False})
                raise UsageError("nothing sent: confirm with --yes (no terminal to ask on)")
            if not typer.confirm("Send this presentation?", default=False, err=True):
                out.message("nothing sent")
                raise typer.Exit(int(ExitCode.OK))
        outcome, warning = send_presentation(wallet, plan, selection, now=now)
    if warning:
        out.warn(warning)
    if out.json_mode:
        out.data({**plan.to_json(selection), "sent": True, "outcome": outcome.to_json()})
        return
    _show_outcome(out, outcome)


def register(app: typer.Typer) -> None:
    app.command("present")(present)
