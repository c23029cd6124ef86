"""The protocol-neutral part of `present`: routing a request, and picking what to send."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from credwallet.errors import BadInput, UsageError
from credwallet.exchange.present import (
    Candidate,
    RequestItem,
    default_selection,
    is_oid4vp_request,
    open_request,
    select,
)


def _item(item_id: str, *ids: str, multiple: bool = False) -> RequestItem:
    found = tuple(Candidate(i, f"credential {i}", ("the whole credential",)) for i in ids)
    return RequestItem(item_id, "a credential", found, multiple=multiple)


class TestRouting:
    def test_openid4vp_links_are_recognised(self) -> None:
        assert is_oid4vp_request("openid4vp://?client_id=x&request_uri=https://v.example/r")
        assert is_oid4vp_request("https://v.example/auth?client_id=x&request_uri=https://v/r")
        assert not is_oid4vp_request("https://verifier.example/exchanges/1")
        assert not is_oid4vp_request("https://verifier.example/i?iuv=1")

    def test_openid4vp_goes_to_the_oid4vp_module(self, monkeypatch: pytest.MonkeyPatch) -> None:
        seen: list[str] = []
        fake: Any = types.ModuleType("credwallet.exchange.oid4vp")
        fake.open_oid4vp = lambda text, client: seen.append(text) or "opened"
        monkeypatch.setitem(sys.modules, "credwallet.exchange.oid4vp", fake)
        opened: Any = open_request(" openid4vp://?request_uri=x ", client=None)  # type: ignore[arg-type]
        assert opened == "opened"
        assert seen == ["openid4vp://?request_uri=x"]

    def test_an_empty_request_is_bad_input(self) -> None:
        with pytest.raises(BadInput):
            open_request("  ", client=None)  # type: ignore[arg-type]

    def test_a_non_url_is_bad_input(self) -> None:
        with pytest.raises(BadInput, match="not a verifier's request"):
            open_request("ftp://x", client=None)  # type: ignore[arg-type]


class TestSelection:
    def test_default_takes_the_first_candidate_of_each_item(self) -> None:
        items = [_item("a", "111", "222"), _item("b"), _item("c", "333")]
        assert default_selection(items) == {"a": ["111"], "c": ["333"]}

    def test_prefixes_pick_candidates(self) -> None:
        items = [_item("a", "111aa", "222bb", multiple=True), _item("b", "333cc")]
        assert select(items, ["22", "111"]) == {"a": ["111aa", "222bb"]}

    def test_one_credential_per_item_unless_several_are_allowed(self) -> None:
        items = [_item("a", "111aa", "111bb")]
        assert select(items, ["111"]) == {"a": ["111aa"]}

    def test_an_id_that_answers_nothing_is_refused(self) -> None:
        with pytest.raises(UsageError, match="--select 999"):
            select([_item("a", "111")], ["111", "999"])

    def test_no_id_at_all_is_refused(self) -> None:
        with pytest.raises(UsageError):
            select([_item("a", "111")], [" "])
