"""One credential, one entry in what is shared, whatever containers the wallet holds it in.

The same credential can sit in a wallet twice: as JSON and as a VC-JWT, or as a baked PNG and
the JSON inside it. The wallet is learning to keep one record for them; until every wallet has
been through that, sharing lists each credential once here. Two items are the same credential
when they have the same issuer, the same credential id and the same name (a credential without
an id is never merged: two such items could be two different awards; the name guards against
issuers, sample data included, that reuse one id for several awards). The first item of a group
is kept unless a later one is in a better state (verified beats not fully verified beats
failed).
"""

from __future__ import annotations

from collections.abc import Iterable

from credwallet.models import ReportStatus
from credwallet.share.items import SharedItem

__all__ = ["distinct_items", "same_credential_key"]

_RANK = {
    ReportStatus.VALID: 0,
    ReportStatus.INDETERMINATE: 1,
    ReportStatus.UNVERIFIED: 2,
    ReportStatus.INVALID: 3,
}


def same_credential_key(item: SharedItem) -> tuple[str, str, str] | None:
    """(issuer id, credential id, name) when the ids are known, else None (never merged)."""
    credential = item.credential
    issuer, cid = credential.issuer.id, credential.credential_id
    if not issuer or not cid:
        return None
    return issuer, cid, credential.display_name


def _rank(item: SharedItem) -> int:
    return _RANK.get(item.report.status, 2) if item.report is not None else 2


def distinct_items(items: Iterable[SharedItem]) -> list[SharedItem]:
    """``items`` with each credential once, in first-seen order."""
    kept: list[SharedItem] = []
    index: dict[tuple[str, str, str], int] = {}
    for item in items:
        key = same_credential_key(item)
        if key is None:
            kept.append(item)
            continue
        position = index.get(key)
        if position is None:
            index[key] = len(kept)
            kept.append(item)
        elif _rank(item) < _rank(kept[position]):
            pathways = tuple(dict.fromkeys(kept[position].pathway_names + item.pathway_names))
            kept[position] = SharedItem(item.wallet_id, item.credential, item.report, pathways)
    return kept
