"""An OB 2.0 assertion's ``@context``: wrong or missing is a ``format`` failure, not unknown
(issue 11: "an OB 2.0 assertion with a wrong @context" is malformed, not "could not check")."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_ob2 import ASSERTION, assertion, by_name, hosted_table, ob2_credential, options

from credwallet.formats import parse
from credwallet.models import CheckStatus, JSONObject, ReportStatus
from credwallet.verify.engine import VerifyOptions, verify_credential
from credwallet.verify.ob2 import verify_ob2

WRONG_CONTEXTS: list[Any] = [
    "https://www.w3.org/2018/credentials/v1",
    "https://w3id.org/openbadges/v3",
    ["https://example.org/my-context.json"],
    {"@vocab": "https://example.org/"},
    42,
]


def without_context(**changes: Any) -> JSONObject:
    document = assertion(**changes)
    del document["@context"]
    return document


class TestWrongContext:
    @pytest.mark.parametrize("context", WRONG_CONTEXTS, ids=repr)
    def test_a_wrong_context_fails_format_even_when_all_else_verifies(self, context: Any) -> None:
        """Served as is by its issuer, the assertion still fails format for its context."""
        wrong = assertion(**{"@context": context})
        opts, _ = options(hosted_table(**{ASSERTION: wrong}))
        checks = by_name(verify_ob2(ob2_credential(wrong), opts))
        assert checks["format"].status is CheckStatus.FAIL
        assert "Open Badges 2.0 context" in checks["format"].detail

    def test_offline_it_is_still_a_failure_not_unknown(self) -> None:
        """No network: the context problem is visible without fetching anything."""
        wrong = assertion(**{"@context": "https://example.org/ctx"})
        opts = VerifyOptions(now=options({})[0].now, fetcher=None)
        report = verify_credential(ob2_credential(wrong), source="a.json", options=opts)
        assert report.check("format").status is CheckStatus.FAIL  # type: ignore[union-attr]
        assert report.status is ReportStatus.INVALID

    def test_a_missing_context_on_an_ob2_assertion_fails(self) -> None:
        document = without_context()
        opts, _ = options(hosted_table(**{ASSERTION: document}))
        checks = by_name(verify_ob2(ob2_credential(document), opts))
        assert checks["format"].status is CheckStatus.FAIL
        assert "no @context" in checks["format"].detail

    def test_a_parsed_file_with_a_wrong_context_is_invalid(self) -> None:
        """Through the parser, as `verify FILE` reads it."""
        wrong = assertion(**{"@context": "https://example.org/ctx"})
        credential = parse(json.dumps(wrong).encode(), name="a.json")
        opts, _ = options(hosted_table(**{ASSERTION: wrong}))
        report = verify_credential(credential, source="a.json", options=opts)
        assert report.status is ReportStatus.INVALID

    def test_a_hosted_copy_with_a_wrong_context_fails(self) -> None:
        """A badge known only by its URL is judged by the copy its issuer serves."""
        served = assertion(**{"@context": "https://example.org/ctx"})
        opts, _ = options(hosted_table(**{ASSERTION: served}))
        checks = by_name(verify_ob2(ob2_credential({"id": ASSERTION}), opts))
        assert checks["format"].status is CheckStatus.FAIL
        assert checks["format"].detail.startswith("the hosted assertion:")


class TestAcceptedContexts:
    @pytest.mark.parametrize(
        "context",
        [
            "https://w3id.org/openbadges/v2",
            "https://openbadgespec.org/v2/context.json",
            ["https://w3id.org/openbadges/v2", "https://w3id.org/openbadges/extensions/x.json"],
            "https://w3id.org/openbadges/v1",
        ],
    )
    def test_the_open_badges_contexts_pass(self, context: Any) -> None:
        document = assertion(**{"@context": context})
        opts, _ = options(hosted_table(**{ASSERTION: document}))
        checks = by_name(verify_ob2(ob2_credential(document), opts))
        assert checks["format"].status is CheckStatus.PASS, checks["format"]

    def test_an_ob1_0_assertion_without_context_is_read(self) -> None:
        """Open Badges 1.0 predates JSON-LD: a `verify` object and no type, no context."""
        document = without_context(verify={"type": "hosted", "url": ASSERTION})
        del document["type"], document["verification"]
        opts, _ = options(hosted_table(**{ASSERTION: document}))
        checks = by_name(verify_ob2(ob2_credential(document), opts))
        assert "@context" not in checks["format"].detail
