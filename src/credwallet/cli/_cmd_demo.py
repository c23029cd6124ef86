"""`credwallet demo`: a throwaway wallet with the bundled example badges, shown end to end."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from credwallet.cli._state import state_of
from credwallet.errors import NotFound

if TYPE_CHECKING:
    from credwallet.cli._output import Output
    from credwallet.wallet import Wallet

__all__ = ["examples_dir", "register"]


def examples_dir() -> Path:
    """The example badges: shipped inside the wheel, or beside the source tree."""
    from importlib.resources import files

    packaged = Path(str(files("credwallet"))) / "examples"
    if packaged.is_dir():
        return packaged
    source_tree = Path(__file__).resolve().parents[3] / "examples"
    if source_tree.is_dir():
        return source_tree
    raise NotFound("the example badges are not installed with this copy of credwallet")


def demo(ctx: typer.Context) -> None:
    """Try it: example badges in a throwaway wallet, verified and shown.

    One more credential is received over OpenID4VCI from a demo issuer that this command runs
    on 127.0.0.1 while it needs it.
    """
    from credwallet.cli import _cmd_show
    from credwallet.wallet import CredentialFilter, Wallet, apply_filter

    state = state_of(ctx)
    out = state.output()
    examples = examples_dir()
    home = Path(tempfile.mkdtemp(prefix="credwallet-demo-")) / "wallet"
    out.message(f"A throwaway wallet (deleted at the end): {home.parent}")
    try:
        # A random passphrase that lives only in this process: the demo wallet is never reused.
        with Wallet.create(home, secrets.token_urlsafe(24)) as wallet:
            out.message(f"Holder DID: {wallet.holder_did()}")
            badges = sorted(str(p) for p in examples.iterdir() if p.is_file() and p.suffix != ".md")
            summary = wallet.import_sources(badges, offline=True)
            _cmd_import_render(out, summary)
            _receive_from_demo_issuer(out, wallet)
            add_examples = getattr(wallet, "add_example_pathways", None)
            if add_examples:
                add_examples(examples / "pathways")
            items = apply_filter(wallet.credentials(), CredentialFilter(), now=_cmd_show._now())
            out.out.print()
            _cmd_show._table(out, items)
            _cmd_show._render_pathways(out, _cmd_show._pathways_json(wallet))
    finally:
        shutil.rmtree(home.parent, ignore_errors=True)
    out.message("")
    out.message("Next: `credwallet init`, then `credwallet import YOUR-BADGES/` and")
    out.message("`credwallet show` (or `credwallet receive` an issuer's offer link).")


def _receive_from_demo_issuer(out: Output, wallet: Wallet) -> None:
    """`receive` end to end against an OpenID4VCI issuer running inside this process."""
    from credwallet.cli._cmd_receive import _render, _show_plan
    from credwallet.exchange.demo_issuer import running_demo_issuer
    from credwallet.net import Fetcher
    from credwallet.wallet.receive import prepare_offer, receive_offer

    out.message("")
    out.message("Receiving a credential from a demo issuer running on 127.0.0.1 (OpenID4VCI):")
    with running_demo_issuer() as issuer:
        # Plain HTTP to loopback for this one client, talking to this process's own issuer:
        # the user's `receive` keeps the network rules (https only) and CREDWALLET_ALLOW_LOOPBACK
        # is neither read nor set here.
        client = Fetcher(cache=None, offline=False, allow_loopback=True)
        plan = prepare_offer(issuer.new_offer(), client)
        _show_plan(out, plan)
        _render(out, [receive_offer(wallet, plan)])


def _cmd_import_render(out: object, summary: object) -> None:
    from credwallet.cli._cmd_import import _render

    _render(out, summary)  # type: ignore[arg-type]  # the objects come straight from the wallet


def register(app: typer.Typer) -> None:
    app.command()(demo)
