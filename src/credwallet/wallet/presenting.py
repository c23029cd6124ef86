"""`present`: answer a verifier's request with held credentials, then log what left.

The protocol work lives in :mod:`credwallet.exchange.present`; this module adds the wallet's
part: reading the request from wherever the user gave it, offering the held credentials that
can be presented (valid ones first, newest first; ones that failed verification never), signing
as the holder (with the profile's name when one is set), and writing the sharing log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from credwallet.errors import CredwalletError
from credwallet.exchange.holder import HolderKeys
from credwallet.exchange.present import (
    Exchange,
    Holder,
    Outcome,
    RequestItem,
    Selection,
    default_selection,
    select,
)
from credwallet.wallet.link_input import read_link_input

if TYPE_CHECKING:
    from credwallet.wallet.core import Wallet
    from credwallet.wallet.held import Held

__all__ = ["PresentPlan", "plan_presentation", "read_request_input", "send_presentation"]


def read_request_input(source: str, *, stdin: Callable[[], bytes] | None = None) -> str:
    """The request text: literal (a URL), ``-`` (stdin), a file holding it, or a QR image."""
    return read_link_input(
        source, what="a request", link_prefixes=("interaction:", "openid4vp:"), stdin=stdin
    )


def _offerable(wallet: Wallet, now: datetime) -> list[Held]:
    """Held credentials worth offering: never ones that failed verification; valid first."""
    held = [h for h in wallet.credentials(now=now) if h.status != "invalid"]
    held.sort(key=lambda h: h.credential.issued.timestamp() if h.credential.issued else 0.0)
    held.reverse()  # newest first ...
    held.sort(key=lambda h: h.status != "valid")  # ... and valid ones before the rest (stable)
    return held


@dataclass
class PresentPlan:
    """What the user is shown before consenting: who asks, what matches, what would leave."""

    exchange: Exchange
    items: list[RequestItem]
    holder_did: str
    holder_name: str | None

    def selection(self, picks: Sequence[str] | None) -> dict[str, list[str]]:
        """``--select`` prefixes, or the best candidate of every item."""
        return select(self.items, picks) if picks else default_selection(self.items)

    def to_json(self, selection: Selection | None = None) -> dict[str, Any]:
        return {
            "protocol": self.exchange.protocol,
            "verifier": self.exchange.verifier.to_json(),
            "holder": {"id": self.holder_did, "name": self.holder_name},
            "items": [i.to_json() for i in self.items],
            "selection": None if selection is None else {k: list(v) for k, v in selection.items()},
        }


def plan_presentation(wallet: Wallet, exchange: Exchange, *, now: datetime) -> PresentPlan:
    """Match the wallet's credentials against the opened request; nothing is sent."""
    from credwallet.wallet.profile import load_profile

    profile = load_profile(wallet.store)
    exchange.recognise(wallet.trust_config(), now, HolderKeys(wallet.holder_key()))
    items = exchange.candidates(_offerable(wallet, now))
    return PresentPlan(exchange, items, wallet.holder_did(), profile.name if profile else None)


def send_presentation(
    wallet: Wallet, plan: PresentPlan, selection: Selection, *, now: datetime
) -> tuple[Outcome, str | None]:
    """Sign and send; log it. The outcome, and a warning if the log could not be written."""
    from credwallet.wallet.shared_log import origin_of, record_share

    problem = plan.exchange.missing(selection)
    if problem is not None:
        from credwallet.exchange.present import NoMatch

        raise NoMatch(f"{problem}; nothing was sent")
    holder = Holder(HolderKeys(wallet.holder_key()), plan.holder_name)
    outcome = plan.exchange.send(selection, holder)
    verifier = plan.exchange.verifier
    who = verifier.label + ("" if verifier.proven else f" ({verifier.how})")
    try:
        record_share(
            wallet.store,
            "presentation",
            plan.exchange.protocol,
            outcome.sent,
            recipient=who,
            output=origin_of(plan.exchange.target),
            detail=outcome.status,
            now=now,
        )
    except CredwalletError as exc:  # it was sent: say the log failed, do not pretend it did not
        return outcome, f"sent, but the sharing log could not be written: {exc.message}"
    return outcome, None
