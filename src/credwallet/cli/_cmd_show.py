"""`credwallet show`, `tag` and `untag`: see and organise what the wallet holds."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from credwallet.cli._complete import credential_ids
from credwallet.cli._output import Output, abbreviate, clean, fmt_date
from credwallet.cli._state import AppState, JsonFlag, state_of
from credwallet.cli._unlock import open_wallet
from credwallet.wallet import SORT_KEYS, CredentialFilter, Held, Wallet, apply_filter
from credwallet.wallet.gcpause import paused_gc

__all__ = ["STATUS_STYLE", "register", "state_style"]

STATUS_STYLE = {
    "valid": "green",
    "invalid": "red",
    "indeterminate": "yellow",
    "unverified": "dim",
}
_STATE_STYLE = {
    "valid": "green",
    "expired": "yellow",
    "not-yet-valid": "yellow",
    "revoked": "red",
    "suspended": "red",
    "forged": "bold red",
    "invalid": "red",
    "not-fully-verified": "yellow",
    "unverified": "dim",
}


def state_style(name: str) -> str:
    """The colour of a state (see credwallet.verify.state)."""
    return _STATE_STYLE.get(name, "")


# The list's columns, most important first: (header, minimum width, flexible). When the
# terminal is too narrow for all of them, the last ones are dropped until the rest fit.
_COLUMNS = (
    ("ID", 8, False),
    ("Name", 12, True),
    ("State", 0, False),  # as wide as its longest label
    ("Issuer", 10, True),
    ("Expires", 10, False),
    ("Issued", 10, False),
)


def _fit_columns(width: int, state_width: int) -> list[str]:
    """The headers that fit ``width`` (borders and padding take 3 cells per column, plus 1)."""
    chosen = [name for name, _, _ in _COLUMNS]
    minimum = {name: (state_width if name == "State" else w) for name, w, _ in _COLUMNS}
    while len(chosen) > 3 and sum(minimum[c] for c in chosen) + 3 * len(chosen) + 1 > width:
        chosen.pop()
    return chosen


def _table(out: Output, items: list[Held]) -> None:
    from rich.table import Table
    from rich.text import Text

    states = [held.state for held in items]
    state_width = max((len(s.label) for s in states), default=5)
    columns = _fit_columns(out.out.width, max(state_width, 5))
    table = Table(
        title=f"{len(items)} credential{'s' if len(items) != 1 else ''}",
        title_justify="left",
        expand=False,
    )
    flexible = {name: flex for name, _, flex in _COLUMNS}
    for name in columns:
        if flexible[name]:
            table.add_column(name, overflow="fold", ratio=3 if name == "Name" else 2)
        else:
            table.add_column(name, no_wrap=True, overflow="ellipsis")
    firsts: dict[str, str] = {}
    for held, state in zip(items, states, strict=True):
        cred = held.credential
        label = state.label
        name = clean(cred.display_name)
        group = held.achievement_group
        if group is not None:  # an OB 2.0 badge and its OB 3.0 re-issue: one achievement
            first = firsts.setdefault(group, held.wallet_id)
            if first != held.wallet_id:
                name = f"↳ {name} (same achievement as {first[:8]})"
        cells: dict[str, Text | str] = {
            "ID": held.wallet_id[:8],
            "Name": Text(name),
            "State": Text(label, style=state_style(state.name)),
            "Issuer": Text(clean(cred.issuer.name or abbreviate(cred.issuer.id or "-"))),
            "Expires": fmt_date(cred.valid_until),
            "Issued": fmt_date(cred.issued or cred.valid_from),
        }
        table.add_row(*(cells[name] for name in columns))
    out.out.print(table)


def _detail(out: Output, held: Held, disclosed: dict[str, Any] | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    cred = held.credential
    body = held.detail_json()
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")

    def row(label: str, value: Any) -> None:
        if value not in (None, "", [], ()):
            grid.add_row(label, Text(clean(value, multiline=True)))

    row("ID", held.wallet_id)
    row("Name", cred.display_name)
    row("Description", body["description"])
    # A registry's (or your pin's) name for the issuer is shown as the issuer; the name the
    # credential gives itself is only claimed (OB 3.0: unverified issuer data is marked so).
    issuer = body["issuer"]
    registered = issuer["registered_name"]
    claimed = f"{cred.issuer.name} (claimed)" if cred.issuer.name else None
    row(
        "Issuer",
        " ".join(
            x
            for x in (registered or claimed, f"({cred.issuer.id})" if cred.issuer.id else None)
            if x
        ),
    )
    if registered and cred.issuer.name and cred.issuer.name != registered:
        row("Claimed name", cred.issuer.name)
    if issuer["trust"]:
        row("Issuer trust", issuer["trust"])
    row("Recipient", cred.subject.name or cred.subject.id)
    row("Format", f"{cred.format} ({', '.join(body['containers'])})")
    row("Credential id", cred.credential_id)
    row("Issued", fmt_date(cred.issued or cred.valid_from))
    row("Expires", fmt_date(cred.valid_until) if cred.valid_until else "never")
    if cred.achievement:
        row("Achievement", cred.achievement.id)
        row("Criteria", cred.achievement.criteria)
        if cred.achievement.credits_available is not None:
            row("Credits", f"{cred.achievement.credits_available:g}")
        for alignment in cred.achievement.alignments:
            row(
                "Aligned to", alignment.target_name or alignment.target_url or alignment.target_code
            )
    if disclosed is not None:  # an SD-JWT VC: its claims, labelled by the type's metadata
        row("Type", disclosed["type_name"])
        for claim in disclosed["claims"]:
            value = claim["value"]
            row(claim["label"], value if isinstance(value, str) else json.dumps(value))
    row("Tags", ", ".join(held.tags))
    row("Public URL", cred.public_url)
    row("Imported", f"{fmt_date(held.record.imported_at)} from {held.record.source}")
    for copy in held.record.copies:  # the same credential, received in another container
        row("Also as", f"{copy.get('container')} from {copy.get('source')}")
    state = held.state
    grid.add_row("State", Text(clean(state.description), style=state_style(state.name)))
    grid.add_row("Verification", Text(held.status, style=STATUS_STYLE.get(held.status, "dim")))
    out.out.print(grid)
    if held.report:
        checks = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
        checks.add_column("Check")
        checks.add_column("Result")
        checks.add_column("Detail", overflow="fold")
        for check in held.report.checks:
            style = {"pass": "green", "fail": "red", "unknown": "yellow"}
            shade = style.get(str(check.status), "dim")
            if not check.required and check.status.value in {"fail", "unknown"}:
                shade = "yellow"  # advice (recipient, trust) never makes a credential invalid
            checks.add_row(
                check.name,
                Text(str(check.status), style=shade),
                Text(clean(check.detail)),
            )
        out.out.print()
        out.out.print(checks)


def show(
    ctx: typer.Context,
    credential: Annotated[
        str | None,
        typer.Argument(help="A wallet id or unique prefix.", autocompletion=credential_ids),
    ] = None,
    issuer: Annotated[
        str | None, typer.Option(help="Only this issuer (id or name, substring).")
    ] = None,
    tag: Annotated[str | None, typer.Option(help="Only credentials with this tag.")] = None,
    status: Annotated[
        str | None,
        typer.Option(
            help="Only this state: valid, expired, not-yet-valid, revoked, suspended, forged, "
            "not-fully-verified, unverified; invalid matches every failed state."
        ),
    ] = None,
    expiring: Annotated[
        int | None, typer.Option(help="Only credentials expiring within DAYS.", metavar="DAYS")
    ] = None,
    search: Annotated[
        str | None, typer.Option(help="Text to find in names, issuers, tags.")
    ] = None,
    sort: Annotated[str, typer.Option(help=f"Sort by: {', '.join(SORT_KEYS)}.")] = "issued",
    reverse: Annotated[bool, typer.Option("--reverse", help="Reverse the order.")] = False,
    json_flag: JsonFlag = False,
) -> None:
    """List credentials, or show one in full; then pathway progress."""
    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    if credential:
        _show_one(state, out, credential)
        return
    spec = CredentialFilter(issuer, tag, status, expiring, search, sort, reverse)
    # A listing builds, writes and drops many small objects before the cyclic collector needs
    # to look at any of them (see wallet.gcpause): _list's locals are gone when it resumes.
    with paused_gc():
        _list(state, out, spec)


def _show_one(state: AppState, out: Output, credential: str) -> None:
    with open_wallet(state) as wallet:
        from credwallet.wallet.sdjwt_view import sd_jwt_view

        held = wallet.get(credential)
        disclosed = sd_jwt_view(wallet, held.credential)
        if out.json_mode:
            out.data({**held.detail_json(), **(disclosed or {})})
        else:
            _detail(out, held, disclosed)


def _list(state: AppState, out: Output, spec: CredentialFilter) -> None:
    with open_wallet(state) as wallet:
        items = apply_filter(wallet.credentials(), spec, now=_now())
        pathways = _pathways_json(wallet)
        skipped = dict.fromkeys(wallet.skipped)
    for record_id, kind, reason in skipped:
        # One unreadable record never hides the rest of the listing.
        out.warn(
            f"skipped unreadable {kind} record {record_id[:8]}: {reason} (run `credwallet check`)"
        )
    if out.json_mode:
        out.data({"credentials": [h.summary_json() for h in items], "pathways": pathways})
        return
    if items:
        from credwallet.wallet.groups import grouped_order

        _table(out, grouped_order(items))
    else:
        out.message(
            "No credentials match."
            if _filtered(spec)
            else "The wallet is empty: try `credwallet import FILE`."
        )
    _render_pathways(out, pathways)


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _filtered(spec: CredentialFilter) -> bool:
    return any((spec.issuer, spec.tag, spec.status, spec.expiring_days is not None, spec.search))


def _pathways_json(wallet: Wallet) -> list[dict[str, Any]]:
    progress = getattr(wallet, "pathway_progress_all", None)
    return list(progress()) if progress else []


def _render_pathways(out: Output, pathways: list[dict[str, Any]]) -> None:
    if not pathways:
        return
    from credwallet.cli._pathway_view import render_pathway

    for pathway in pathways:
        out.out.print()
        render_pathway(out, pathway)


def tag(
    ctx: typer.Context,
    credential: Annotated[
        str, typer.Argument(help="A wallet id or unique prefix.", autocompletion=credential_ids)
    ],
    tags: Annotated[list[str], typer.Argument(help="One or more tags to add.")],
) -> None:
    """Add tags to a credential."""
    state = state_of(ctx)
    with open_wallet(state) as wallet:
        held = wallet.tag(credential, tags)
    state.output().success(f"{held.wallet_id[:8]}: tags {', '.join(held.record.tags) or '(none)'}")


def untag(
    ctx: typer.Context,
    credential: Annotated[
        str, typer.Argument(help="A wallet id or unique prefix.", autocompletion=credential_ids)
    ],
    tags: Annotated[list[str], typer.Argument(help="One or more tags to remove.")],
) -> None:
    """Remove tags from a credential."""
    state = state_of(ctx)
    with open_wallet(state) as wallet:
        held = wallet.tag(credential, tags, remove=True)
    state.output().success(f"{held.wallet_id[:8]}: tags {', '.join(held.record.tags) or '(none)'}")


def register(app: typer.Typer) -> None:
    app.command()(show)
    app.command()(tag)
    app.command()(untag)
