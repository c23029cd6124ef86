"""The parsed view of a credential, kept in its record so that listing needs no re-parsing.

Parsing an original (strict JSON with duplicate-key checks, format detection, normalisation)
is most of what `show` spends per credential. The record therefore keeps the parsed
:class:`~credwallet.models.Credential` as plain JSON (everything but the original bytes, which
the record holds anyway) and views are rebuilt from it.

A view is only as good as the parser that made it: each one carries a fingerprint of the parsing
code (the source of ``credwallet.formats`` and ``credwallet.models``). A view from other code,
or one that does not rebuild, is ignored and the original parsed again, so a newer credwallet
never shows what an older parser made of a credential. ``verify --all`` and ``check`` write
fresh views.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from credwallet.models import (
    Achievement,
    Alignment,
    Container,
    Credential,
    CredentialFormat,
    Evidence,
    JSONObject,
    Party,
    Recipient,
)

__all__ = ["credential_from_view", "credential_view", "parser_fingerprint", "view_is_current"]


@cache
def parser_fingerprint() -> str:
    """A short digest of the code that turns originals into credentials (read once)."""
    import credwallet.models

    # The formats package sits beside models.py; found by path, not imported (a listing that
    # only reads views never needs the parsers).
    digest = hashlib.sha256()
    package = Path(credwallet.models.__file__).parent / "formats"
    sources = [*sorted(package.rglob("*.py")), Path(credwallet.models.__file__)]
    for path in sources:
        digest.update(str(path.relative_to(package.parent)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def view_is_current(view: Any) -> bool:
    """True for a view made by this very parsing code."""
    return isinstance(view, dict) and view.get("parser") == parser_fingerprint()


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


# By value, as a dict: calling the enum is a slow path run twice per credential listed.
_FORMATS = {str(f): f for f in CredentialFormat}
_CONTAINERS = {str(c): c for c in Container}


def _date(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _party(p: Party) -> list[str | None]:
    return [p.id, p.name, p.url, p.email, p.image]


def credential_view(credential: Credential) -> JSONObject | None:
    """``credential`` as JSON, without its original bytes; see :func:`credential_from_view`.

    None when the view would not rebuild the same credential (a document JSON cannot carry
    exactly): such a credential is parsed each time, as before views existed."""
    view = _view(credential)
    parsed = _original_document(credential)
    if parsed is not None:
        view["document"] = None  # read back from the original: not stored twice
        view["document_is_original"] = True
    try:
        text = json.dumps(view, allow_nan=False)
    except (TypeError, ValueError):
        return None
    # The original parsed and compared above stands in for parsing it once more here.
    again = credential_from_view(json.loads(text), credential.original, parsed_original=parsed)
    if again != credential or (parsed is None and again.document != credential.document):
        return None
    return view


def _original_document(credential: Credential) -> Any:
    """The original parsed as JSON when that is the document (a plain JSON credential), else
    None."""
    if credential.original[:64].lstrip()[:1] != b"{":
        return None
    try:
        document = json.loads(credential.original)
        return document if document == credential.document else None
    except (ValueError, RecursionError):
        return None


def _view(credential: Credential) -> JSONObject:
    ach = credential.achievement
    return {
        "parser": parser_fingerprint(),
        "format": str(credential.format),
        "container": str(credential.container),
        "document": credential.document,
        "credential_id": credential.credential_id,
        "name": credential.name,
        "description": credential.description,
        "issuer": _party(credential.issuer),
        "subject": _party(credential.subject),
        "recipients": [[r.identity, r.type, r.hashed, r.salt] for r in credential.recipients],
        "achievement": None
        if ach is None
        else [
            ach.id,
            ach.name,
            ach.description,
            ach.criteria,
            ach.criteria_url,
            ach.image,
            ach.achievement_type,
            [
                [a.target_name, a.target_url, a.target_code, a.target_framework, a.target_type]
                for a in ach.alignments
            ],
            list(ach.related),
            ach.credits_available,
            list(ach.tags),
        ],
        "image": credential.image,
        "tags": list(credential.tags),
        "issued": _iso(credential.issued),
        "valid_from": _iso(credential.valid_from),
        "valid_until": _iso(credential.valid_until),
        "evidence": [[e.id, e.name, e.description, e.narrative] for e in credential.evidence],
        "credits_earned": credential.credits_earned,
        "public_url": credential.public_url,
        "jws": credential.jws,
        "types": list(credential.types),
    }


def credential_from_view(
    view: Any, original: bytes, *, parsed_original: Any = None
) -> Credential | None:
    """The credential a view describes, or None when it is from other parsing code or
    malformed (the caller then parses the original). ``parsed_original``: the original
    already parsed as JSON, if the caller has it."""
    if not view_is_current(view):
        return None
    try:
        ach = view["achievement"]
        return Credential(
            format=_FORMATS[view["format"]],
            container=_CONTAINERS[view["container"]],
            original=original,
            document=(json.loads(original) if parsed_original is None else parsed_original)
            if view.get("document_is_original") is True
            else view["document"],
            credential_id=view["credential_id"],
            name=view["name"],
            description=view["description"],
            issuer=Party(*view["issuer"]),
            subject=Party(*view["subject"]),
            recipients=tuple([Recipient(*r) for r in view["recipients"]]),
            achievement=None
            if ach is None
            else Achievement(
                id=ach[0],
                name=ach[1],
                description=ach[2],
                criteria=ach[3],
                criteria_url=ach[4],
                image=ach[5],
                achievement_type=ach[6],
                alignments=tuple([Alignment(*a) for a in ach[7]]),
                related=tuple(ach[8]),
                credits_available=ach[9],
                tags=tuple(ach[10]),
            ),
            image=view["image"],
            tags=tuple(view["tags"]),
            issued=_date(view["issued"]),
            valid_from=_date(view["valid_from"]),
            valid_until=_date(view["valid_until"]),
            evidence=tuple([Evidence(*e) for e in view["evidence"]]),
            credits_earned=view["credits_earned"],
            public_url=view["public_url"],
            jws=view["jws"],
            types=tuple(view["types"]),
        )
    except (KeyError, TypeError, ValueError, IndexError, RecursionError):
        return None
