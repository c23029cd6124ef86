"""Progress evaluation: node kinds, exclusivity, statuses, time windows, next steps."""

from __future__ import annotations

import importlib
import textwrap
from datetime import UTC, datetime

import pytest
from pathway_factory import ACH, ISSUER, ISSUER_NAME, NOW, expired, held, pending, revoked

from credwallet.errors import LimitExceeded
from credwallet.models import Alignment, ReportStatus
from credwallet.pathways import evaluate, load_pathway_toml
from credwallet.pathways.model import Pathway

# The package re-exports the function `evaluate`, which hides the module of the same name.
EVALUATE_MODULE = importlib.import_module("credwallet.pathways.evaluate")


def pw(body: str) -> Pathway:
    return load_pathway_toml('id = "p"\nname = "P"\n' + textwrap.dedent(body))


def node(progress_json: dict, key: str) -> dict:  # type: ignore[type-arg]
    stack = list(progress_json["components"])
    while stack:
        item = stack.pop()
        if item["key"] == key:
            return item  # type: ignore[no-any-return]
        stack.extend(item.get("children", []))
    raise KeyError(key)


TWO_LEAVES = """
[goal]
require = "all"
of = ["a", "b"]
[components.a]
match = { achievement = "%sa" }
[components.b]
match = { achievement = "%sb" }
""".replace("%s", ACH)


class TestLeaves:
    def test_a_matching_credential_fills_a_leaf(self) -> None:
        """A valid credential with the leaf's achievement id fills it."""
        result = evaluate(pw(TWO_LEAVES), [held("a")], now=NOW)
        assert result.progress == 0.5
        assert node(result.to_json(), "a")["credentials"] == ["a"]
        assert not result.complete

    def test_both_leaves_complete_the_goal(self) -> None:
        """All parts filled: progress 1 and complete."""
        result = evaluate(pw(TWO_LEAVES), [held("a"), held("b")], now=NOW)
        assert result.progress == 1.0 and result.complete
        assert result.missing == () and result.next == ()

    def test_a_leaf_with_count_needs_distinct_credentials(self) -> None:
        """count = 3 with two matching credentials gives 2/3."""
        p = pw("""
            [goal]
            match = { tag = "cloud" }
            count = 3
        """)
        creds = [held(f"c{i}", tags=("cloud",)) for i in range(2)]
        assert evaluate(p, creds, now=NOW).progress == pytest.approx(2 / 3)

    def test_copies_of_one_achievement_count_once(self) -> None:
        """Two wallet entries of the same achievement fill one slot, not two."""
        p = pw("""
            [goal]
            match = { tag = "cloud" }
            count = 2
        """)
        creds = [held(w, achievement=ACH + "same", tags=("cloud",)) for w in ("x1", "x2")]
        assert evaluate(p, creds, now=NOW).progress == 0.5

    def test_related_achievement_id_matches(self) -> None:
        """An achievement listing the wanted id under `related` is the same achievement."""
        p = pw(f'[goal]\nmatch = {{ achievement = "{ACH}sql" }}\n')
        other = held("sql-de", achievement=ACH + "sql-de", related=(ACH + "sql",))
        assert evaluate(p, [other], now=NOW).complete

    def test_alternatives_any_table_holds(self) -> None:
        """An array of match tables: the second table matching is enough."""
        p = pw(f"""
            [goal]
            match = [
                {{ achievement = "{ACH}nope" }},
                {{ name = " sql for DATA analysis ", issuer = "{ISSUER_NAME}" }},
            ]
        """)
        cred = held("s", name="SQL for Data Analysis")
        assert evaluate(p, [cred], now=NOW).complete

    def test_every_key_of_a_table_must_hold(self) -> None:
        """name matches but issuer does not: no match."""
        p = pw('[goal]\nmatch = { name = "SQL", issuer = "did:web:other.example" }\n')
        assert not evaluate(p, [held("s", name="SQL")], now=NOW).complete

    def test_issuer_matches_by_id(self) -> None:
        """The issuer key accepts the issuer's id."""
        p = pw(f'[goal]\nmatch = {{ issuer = "{ISSUER}" }}\n')
        assert evaluate(p, [held("s")], now=NOW).complete

    def test_alignment_matches_code_or_url_and_framework(self) -> None:
        """alignment matches a target code (a CTID) or URL; framework matches by name."""
        align = Alignment(
            target_code="ce-1234",
            target_url="http://data.europa.eu/esco/skill/abc",
            target_framework="ESCO",
        )
        cred = held("x", alignments=(align,))
        for match in (
            '{ alignment = "ce-1234" }',
            '{ alignment = "http://data.europa.eu/esco/skill/abc" }',
            '{ framework = "esco" }',
        ):
            assert evaluate(pw(f"[goal]\nmatch = {match}\n"), [cred], now=NOW).complete
        assert not evaluate(
            pw('[goal]\nmatch = { alignment = "ce-9" }\n'), [cred], now=NOW
        ).complete

    def test_type_matches_achievement_type(self) -> None:
        """type compares with the achievement's achievementType, ignoring case."""
        p = pw('[goal]\nmatch = { type = "certificate" }\n')
        assert evaluate(p, [held("c", achievement_type="Certificate")], now=NOW).complete
        assert not evaluate(p, [held("d", achievement_type="Badge")], now=NOW).complete


class TestTimeWindows:
    def window(self, keys: str) -> Pathway:
        return pw(f'[goal]\nmatch = {{ tag = "t", {keys} }}\n')

    def test_earned_after_is_inclusive(self) -> None:
        """earned_after accepts a credential issued on that day."""
        p = self.window("earned_after = 2026-03-01")
        assert evaluate(p, [held("a", tags=("t",))], now=NOW).complete
        early = held("b", tags=("t",), issued=datetime(2026, 2, 28, tzinfo=UTC))
        assert not evaluate(p, [early], now=NOW).complete

    def test_earned_before_is_exclusive(self) -> None:
        """earned_before rejects a credential issued on that day."""
        p = self.window("earned_before = 2026-03-01")
        assert not evaluate(p, [held("a", tags=("t",))], now=NOW).complete
        early = held("b", tags=("t",), issued=datetime(2026, 2, 28, tzinfo=UTC))
        assert evaluate(p, [early], now=NOW).complete

    def test_earned_within_counts_back_from_now(self) -> None:
        """earned_within = "1y" accepts last spring, not three years ago."""
        p = self.window('earned_within = "1y"')
        assert evaluate(p, [held("a", tags=("t",))], now=NOW).complete
        old = held("b", tags=("t",), issued=datetime(2023, 3, 1, tzinfo=UTC))
        assert not evaluate(p, [old], now=NOW).complete

    def test_earned_within_months_and_days(self) -> None:
        """Months clamp to the month's end; days are exact."""
        cred = held("a", tags=("t",), issued=datetime(2026, 10, 2, tzinfo=UTC))
        assert evaluate(self.window('earned_within = "2m"'), [cred], now=NOW).complete
        assert not evaluate(self.window('earned_within = "30d"'), [cred], now=NOW).complete
        end_of_feb = held("b", tags=("t",), issued=datetime(2026, 2, 28, 13, tzinfo=UTC))
        march_31 = datetime(2026, 3, 31, 12, tzinfo=UTC)
        assert evaluate(self.window('earned_within = "1m"'), [end_of_feb], now=march_31).complete

    def test_no_issue_date_fails_a_window(self) -> None:
        """A credential without a date cannot satisfy a time window."""
        cred = held("a", tags=("t",), issued=None)
        assert not evaluate(self.window('earned_within = "5y"'), [cred], now=NOW).complete


class TestStatuses:
    P = '[goal]\nmatch = { tag = "t" }\n'

    def test_revoked_never_counts(self) -> None:
        """A revoked credential is neither progress nor pending."""
        result = evaluate(pw(self.P), [revoked("r", tags=("t",))], now=NOW)
        assert result.progress == 0 and result.progress_pending == 0

    def test_revoked_never_counts_even_with_allow_expired(self) -> None:
        """allow = ["expired"] does not let a revoked credential in."""
        p = pw(self.P + 'allow = ["expired"]\n')
        assert evaluate(p, [revoked("r", tags=("t",))], now=NOW).progress_pending == 0

    def test_pending_counts_only_in_progress_pending(self) -> None:
        """An indeterminate credential is pending: progress 0, progress_pending 1."""
        result = evaluate(pw(self.P), [pending("q", tags=("t",))], now=NOW)
        assert (result.progress, result.progress_pending) == (0.0, 1.0)
        assert result.to_json()["components"][0]["pending_credentials"] == ["q"]
        assert result.missing == ()

    def test_unverified_is_pending(self) -> None:
        """A credential never verified counts like an indeterminate one."""
        cred = held("u", tags=("t",), status=ReportStatus.UNVERIFIED)
        result = evaluate(pw(self.P), [cred], now=NOW)
        assert (result.progress, result.progress_pending) == (0.0, 1.0)

    def test_expired_does_not_count_without_allow(self) -> None:
        """An expired credential does not count by default."""
        assert evaluate(pw(self.P), [expired("e", tags=("t",))], now=NOW).progress_pending == 0

    def test_expired_counts_with_allow(self) -> None:
        """allow = ["expired"] counts a credential invalid only because it expired."""
        result = evaluate(
            pw(self.P + 'allow = ["expired"]\n'), [expired("e", tags=("t",))], now=NOW
        )
        assert result.complete
        assert result.to_json()["components"][0]["expired_credentials"] == ["e"]

    def test_valid_report_but_expired_by_now(self) -> None:
        """A report that said valid, checked before the expiry date, no longer counts."""
        cred = held("v", tags=("t",), valid_until=datetime(2026, 6, 1, tzinfo=UTC))
        assert not evaluate(pw(self.P), [cred], now=NOW).complete
        assert evaluate(pw(self.P + 'allow = ["expired"]\n'), [cred], now=NOW).complete

    def test_invalid_without_report_never_counts(self) -> None:
        """Invalid with no report to show why: it cannot be an expired-only case."""
        cred = held("i", tags=("t",), status=ReportStatus.INVALID, checks=None)
        cred = type(cred)(cred.wallet_id, cred.credential, cred.status, None, cred.tags)
        result = evaluate(pw(self.P + 'allow = ["expired"]\n'), [cred], now=NOW)
        assert result.progress_pending == 0

    def test_verified_copy_beats_pending_copy(self) -> None:
        """Of two copies of one achievement, the verified one is counted."""
        p = pw(self.P)
        creds = [
            pending("a1", achievement=ACH + "x", tags=("t",)),
            held("a2", achievement=ACH + "x", tags=("t",)),
        ]
        assert evaluate(p, creds, now=NOW).complete


class TestGroups:
    def test_all_is_the_mean(self) -> None:
        """all of three with one filled gives 1/3."""
        p = pw(f"""
            [goal]
            require = "all"
            of = ["a", "b", "c"]
            [components.a]
            match = {{ achievement = "{ACH}a" }}
            [components.b]
            match = {{ achievement = "{ACH}b" }}
            [components.c]
            match = {{ achievement = "{ACH}c" }}
        """)
        assert evaluate(p, [held("a")], now=NOW).progress == pytest.approx(1 / 3)

    def test_any_is_the_best_part(self) -> None:
        """any of a leaf at 1/2 and an empty one gives 1/2."""
        p = pw(f"""
            [goal]
            require = "any"
            of = ["two", "b"]
            [components.two]
            match = {{ tag = "t" }}
            count = 2
            [components.b]
            match = {{ achievement = "{ACH}b" }}
        """)
        assert evaluate(p, [held("x", tags=("t",))], now=NOW).progress == 0.5

    def test_at_least_sums_the_best_parts(self) -> None:
        """at-least 2 of three leaves with one filled gives 1/2; two filled complete it."""
        p = pw(f"""
            [goal]
            require = "at-least"
            count = 2
            of = ["a", "b", "c"]
            [components.a]
            match = {{ achievement = "{ACH}a" }}
            [components.b]
            match = {{ achievement = "{ACH}b" }}
            [components.c]
            match = {{ achievement = "{ACH}c" }}
        """)
        assert evaluate(p, [held("c")], now=NOW).progress == 0.5
        assert evaluate(p, [held("c"), held("a")], now=NOW).complete

    def test_nested_groups(self) -> None:
        """all of [any of [a, b], at-least 1 of [c, d]]: b and d complete it."""
        p = pw(f"""
            [goal]
            require = "all"
            of = ["either", "one"]
            [components.either]
            require = "any"
            of = ["a", "b"]
            [components.one]
            require = "at-least"
            count = 1
            of = ["c", "d"]
            [components.a]
            match = {{ achievement = "{ACH}a" }}
            [components.b]
            match = {{ achievement = "{ACH}b" }}
            [components.c]
            match = {{ achievement = "{ACH}c" }}
            [components.d]
            match = {{ achievement = "{ACH}d" }}
        """)
        assert evaluate(p, [held("b")], now=NOW).progress == 0.5
        assert evaluate(p, [held("b"), held("d")], now=NOW).complete

    def test_completed_by_completes_whatever_the_parts(self) -> None:
        """Holding the programme's certificate completes the goal with no parts held."""
        p = pw(
            TWO_LEAVES.replace(
                'of = ["a", "b"]',
                f'of = ["a", "b"]\ncompleted_by = {{ achievement = "{ACH}cert" }}',
            )
        )
        result = evaluate(p, [held("cert")], now=NOW)
        assert result.complete
        assert result.to_json()["components"][0]["completed_by"] == "cert"

    def test_completed_by_pending_only_completes_pending(self) -> None:
        """A pending certificate completes progress_pending, not progress."""
        p = pw(
            TWO_LEAVES.replace(
                'of = ["a", "b"]',
                f'of = ["a", "b"]\ncompleted_by = {{ achievement = "{ACH}cert" }}',
            )
        )
        result = evaluate(p, [pending("cert"), held("a")], now=NOW)
        assert (result.progress, result.progress_pending) == (0.5, 1.0)


class TestExclusivity:
    def test_overlapping_matches_are_assigned_exactly(self) -> None:
        """at-least 2 of leaves whose matches overlap: a greedy pick would fail, exact succeeds."""
        # x matches both `broad` and `narrow`; y matches only `broad`. Greedy (x -> broad)
        # leaves `narrow` empty; the exact search puts y in broad and x in narrow.
        p = pw(f"""
            [goal]
            require = "all"
            of = ["broad", "narrow"]
            [components.broad]
            match = {{ tag = "data" }}
            [components.narrow]
            match = {{ achievement = "{ACH}x" }}
        """)
        creds = [held("x", tags=("data",)), held("y", tags=("data",))]
        result = evaluate(p, creds, now=NOW)
        assert result.complete
        assert node(result.to_json(), "narrow")["credentials"] == ["x"]
        assert node(result.to_json(), "broad")["credentials"] == ["y"]

    def test_one_credential_fills_one_leaf(self) -> None:
        """A credential matching two leaves fills only one of them."""
        p = pw("""
            [goal]
            require = "all"
            of = ["a", "b"]
            [components.a]
            match = { tag = "t" }
            [components.b]
            match = { tag = "t" }
        """)
        assert evaluate(p, [held("x", tags=("t",))], now=NOW).progress == 0.5

    def test_credit_pool_competes_with_a_leaf(self) -> None:
        """A course filling `core` does not also feed the electives credit pool."""
        p = pw(f"""
            [goal]
            require = "all"
            of = ["core", "electives"]
            [components.core]
            match = {{ achievement = "{ACH}core" }}
            [components.electives]
            require = "credits"
            min = 10
            from = {{ tag = "data" }}
        """)
        core = held("core", tags=("data",), credits=5)
        other = held("e1", tags=("data",), credits=5)
        result = evaluate(p, [core, other], now=NOW)
        assert node(result.to_json(), "core")["credentials"] == ["core"]
        assert node(result.to_json(), "electives")["credit_sum"] == 5
        assert result.progress == pytest.approx(0.75)

    def test_exact_search_prefers_the_pool_when_that_is_better(self) -> None:
        """A credential that fits a leaf and a pool goes where the goal gains most."""
        p = pw("""
            [goal]
            require = "all"
            of = ["leaf", "pool"]
            [components.leaf]
            match = { tag = "data" }
            [components.pool]
            require = "credits"
            min = 10
            from = { tag = "data" }
        """)
        creds = [held("big", tags=("data",), credits=10), held("small", tags=("data",))]
        result = evaluate(p, creds, now=NOW)
        assert result.complete
        assert node(result.to_json(), "pool")["credentials"] == ["big"]

    def test_shared_opts_out(self) -> None:
        """shared = true lets the pool count credentials that also fill leaves."""
        p = pw(f"""
            [goal]
            require = "all"
            of = ["core", "ects"]
            [components.core]
            match = {{ achievement = "{ACH}core" }}
            [components.ects]
            require = "credits"
            min = 5
            from = {{ tag = "data" }}
            shared = true
        """)
        assert evaluate(p, [held("core", tags=("data",), credits=5)], now=NOW).complete

    def test_credit_sum_uses_credits_earned_first(self) -> None:
        """creditsEarned on the subject wins over the achievement's creditsAvailable."""
        p = pw('[goal]\nrequire = "credits"\nmin = 4\nfrom = { tag = "t" }\n')
        cred = held("x", tags=("t",), credits=10, credits_earned=2)
        assert evaluate(p, [cred], now=NOW).progress == 0.5

    def test_a_credential_without_credits_does_not_feed_a_pool(self) -> None:
        """No credits: the pool stays empty."""
        p = pw('[goal]\nrequire = "credits"\nmin = 4\nfrom = { tag = "t" }\n')
        assert evaluate(p, [held("x", tags=("t",))], now=NOW).progress == 0

    def test_a_small_step_limit_stops_a_wide_search(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """With the limit lowered, a search needing more steps raises LimitExceeded."""
        monkeypatch.setitem(vars(EVALUATE_MODULE), "MAX_SEARCH_STEPS", 3)
        keys = [f"l{i}" for i in range(6)]
        body = f'[goal]\nrequire = "all"\nof = {keys!r}\n'.replace("'", '"')
        body += "".join(f'[components.{k}]\nmatch = {{ tag = "t" }}\n' for k in keys)
        creds = [held(f"c{i}", tags=("t",)) for i in range(3)]
        creds += [held(f"d{i}", tags=("t", "u")) for i in range(3)]
        body = body.replace(
            '[components.l5]\nmatch = { tag = "t" }', '[components.l5]\nmatch = { tag = "u" }'
        )
        with pytest.raises(LimitExceeded):
            evaluate(pw(body), creds, now=NOW)


class TestManualAndNext:
    P = f"""
        [goal]
        require = "all"
        of = ["course", "capstone", "internship"]
        [components.course]
        name = "Course"
        match = {{ achievement = "{ACH}course" }}
        [components.capstone]
        name = "Capstone"
        match = {{ achievement = "{ACH}capstone" }}
        after = ["course"]
        [components.internship]
        name = "Internship"
        manual = true
        after = ["capstone"]
    """

    def test_manual_is_never_verified_progress(self) -> None:
        """A ticked manual step counts in progress_pending only, shown as ticked."""
        result = evaluate(
            pw(self.P), [held("course"), held("capstone")], now=NOW, ticks=frozenset({"internship"})
        )
        assert result.progress == pytest.approx(2 / 3)
        assert result.progress_pending == 1.0
        assert node(result.to_json(), "internship")["ticked"] is True
        assert result.next == ()

    def test_unticked_manual_is_missing_and_next(self) -> None:
        """An unticked manual step is missing and appears among the next steps."""
        result = evaluate(pw(self.P), [held("course"), held("capstone")], now=NOW)
        assert result.missing == ("Internship",)
        assert result.next == ("Internship (a manual step: tick it when done)",)

    def test_next_respects_after(self) -> None:
        """With nothing held, next lists course, capstone, internship in `after` order."""
        p = pw(
            self.P.replace(
                'of = ["course", "capstone", "internship"]',
                'of = ["internship", "capstone", "course"]',
            )
        )
        result = evaluate(p, [], now=NOW)
        assert [s.split(" (")[0] for s in result.next] == ["Course", "Capstone", "Internship"]

    def test_next_is_the_fewest_steps(self) -> None:
        """any of [one course, three badges]: next is the single course."""
        p = pw(f"""
            [goal]
            require = "any"
            of = ["three", "one"]
            [components.three]
            name = "Three badges"
            match = {{ tag = "t" }}
            count = 3
            [components.one]
            name = "One course"
            match = {{ achievement = "{ACH}one" }}
        """)
        assert evaluate(p, [], now=NOW).next == ("One course",)
        assert evaluate(p, [held("b1", tags=("t",)), held("b2", tags=("t",))], now=NOW).next == (
            "Three badges (1 more)",
        )

    def test_next_for_a_credit_pool_says_how_many(self) -> None:
        """A credit pool short of its minimum asks for the missing amount in the unit."""
        p = load_pathway_toml(
            'id = "p"\nunit = "ECTS"\n[goal]\nrequire = "credits"\nmin = 15\n'
            'from = { tag = "t" }\nname = "ECTS"\n'
        )
        result = evaluate(p, [held("x", tags=("t",), credits=5)], now=NOW)
        assert result.next == ("ECTS: 10 more ECTS",)


class TestJsonAndExpiring:
    def test_json_shape(self) -> None:
        """pathway show --json has exactly the contract's keys."""
        data = evaluate(pw(TWO_LEAVES), [held("a")], now=NOW).to_json()
        assert set(data) == {
            "id",
            "name",
            "progress",
            "progress_pending",
            "complete",
            "components",
            "missing",
            "next",
            "expiring",
        }
        root = data["components"][0]
        assert {"key", "name", "kind", "progress", "complete", "credentials"} <= set(root)
        assert [c["key"] for c in root["children"]] == ["a", "b"]

    def test_expiring_lists_counted_credentials_expiring_soon(self) -> None:
        """A counted credential expiring within 90 days is listed; a later one is not."""
        soon = held("a", valid_until=datetime(2027, 1, 15, tzinfo=UTC))
        later = held("b", valid_until=datetime(2028, 1, 15, tzinfo=UTC))
        data = evaluate(pw(TWO_LEAVES), [soon, later], now=NOW).to_json()
        assert [e["wallet_id"] for e in data["expiring"]] == ["a"]
        assert data["expiring"][0]["valid_until"] == "2027-01-15T00:00:00Z"

    def test_naive_now_is_utc(self) -> None:
        """A naive `now` is read as UTC rather than failing."""
        assert evaluate(pw(TWO_LEAVES), [held("a")], now=datetime(2026, 12, 1)).progress == 0.5


class TestScale:
    def test_a_large_wallet_against_broad_overlapping_nodes(self) -> None:
        """300 credentials over overlapping tag leaves and a credit pool stay within the limit."""
        keys = ["data", "cloud", "prog", "ects"]
        body = f'[goal]\nrequire = "all"\nof = {keys!r}\n'.replace("'", '"')
        body += '[components.data]\nmatch = { tag = "data" }\ncount = 12\n'
        body += '[components.cloud]\nmatch = { tag = "cloud" }\ncount = 3\n'
        body += '[components.prog]\nmatch = { tag = "programming" }\ncount = 2\n'
        body += '[components.ects]\nrequire = "credits"\nmin = 60\nfrom = { tag = "data" }\n'
        tag_sets = [("data",), ("data", "cloud"), ("cloud", "programming"), ("data", "programming")]
        creds = [
            held(f"c{i:03}", tags=tag_sets[i % 4], credits=(None, 3, 5, 6)[i % 3])
            for i in range(300)
        ]
        result = evaluate(pw(body), creds, now=NOW)
        assert result.complete
        assert result.search_steps < EVALUATE_MODULE.MAX_SEARCH_STEPS
