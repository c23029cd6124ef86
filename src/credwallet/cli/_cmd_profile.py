"""`credwallet profile`: the name (and contact details) shown on what you share."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from credwallet.cli._output import clean
from credwallet.cli._state import JsonFlag, state_of
from credwallet.cli._unlock import open_wallet
from credwallet.errors import BadInput

__all__ = ["register"]

profile_app = typer.Typer(
    help="Your name and contact details, shown on bundles, résumés and PDFs.",
    no_args_is_help=True,
)


def _read_photo(path: Path) -> bytes:
    from credwallet.share.profile import MAX_PHOTO_BYTES

    try:
        # A FIFO or device would block or never end: only a regular file is a photo.
        if not path.is_file():
            raise BadInput(f"{clean(path)} is not a regular file")
        with path.open("rb") as handle:
            data = handle.read(MAX_PHOTO_BYTES + 1)
    except OSError as exc:
        raise BadInput(f"cannot read {clean(path)}: {exc.strerror or exc}") from None
    return data


@profile_app.command("set")
def set_(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="Your name as recruiters should see it.")],
    email: Annotated[str | None, typer.Option("--email", help="A contact e-mail address.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="Your web page or profile URL.")] = None,
    photo: Annotated[
        Path | None, typer.Option("--photo", help="A PNG or JPEG photo (up to 1 MB).")
    ] = None,
) -> None:
    """Set your profile (replaces the previous one). Stored encrypted in the wallet."""
    from credwallet.share.profile import HolderProfile
    from credwallet.wallet.profile import save_profile

    state = state_of(ctx)
    profile = HolderProfile.create(
        name, email=email, url=url, photo=_read_photo(photo) if photo else None
    )
    with open_wallet(state) as wallet:
        save_profile(wallet.store, profile)
    state.output().success(
        f"Profile set: {clean(profile.name)} (shown on bundles, résumés and PDFs, "
        "and signed into presentations)"
    )


@profile_app.command("show")
def show(ctx: typer.Context, json_flag: JsonFlag = False) -> None:
    """Show your profile, or the name your credentials agree on when none is set."""
    from credwallet.share.profile import agreed_subject_name
    from credwallet.wallet.profile import load_profile

    state = state_of(ctx)
    out = state.output(json_flag=json_flag)
    with open_wallet(state) as wallet:
        profile = load_profile(wallet.store)
        suggestion = (
            None
            if profile is not None
            else agreed_subject_name(h.credential for h in wallet.credentials())
        )
    if out.json_mode:
        out.data(
            {
                "profile": profile.to_json(with_photo=False) if profile else None,
                "suggested_name": suggestion,
            }
        )
        return
    if profile is None:
        out.message("No profile set: shared files show your holder DID only.")
        if suggestion:
            out.message(
                f"Your credentials name you {clean(suggestion)!r}: {set_name_command(suggestion)}"
            )
        return
    out.line(f"Name:  {clean(profile.name)}")
    out.line(f"Email: {clean(profile.email) if profile.email else '-'}")
    out.line(f"URL:   {clean(profile.url) if profile.url else '-'}")
    photo = profile.to_json(with_photo=False)["photo"]
    out.line(
        f"Photo: {photo['type']}, {photo['bytes']} bytes" if isinstance(photo, dict) else "Photo: -"
    )


def set_name_command(name: str) -> str:
    """The `profile set` command for ``name``, quoted so that pasting it into a POSIX shell sets
    exactly that name (an apostrophe, a quote or a ``$`` in a name stays text)."""
    import shlex

    return f"credwallet profile set --name {shlex.quote(clean(name))}"


def register(app: typer.Typer) -> None:
    app.add_typer(profile_app, name="profile")
