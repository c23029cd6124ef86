"""Résumés label credentials nobody could fully check, and list each credential once."""

from __future__ import annotations

import json

import pytest
from share_helpers import NOW, OB3_SKILL, OB3_SMALL, item

from credwallet.share import resume
from credwallet.share.distinct import distinct_items

NOT_FULLY = "Not fully verified"


def unchecked():  # type: ignore[no-untyped-def]
    """A credential whose revocation could not be checked (offline)."""
    return item(
        OB3_SMALL, "w1", format="pass", proof="pass", issuer_key="pass", revocation="unknown"
    )


class TestNotFullyVerifiedEverywhere:
    def test_markdown_and_html(self) -> None:
        """Markdown and HTML sections say "Not fully verified" next to it."""
        assert f"*{NOT_FULLY}*" in resume.markdown_section([unchecked()], now=NOW)
        assert f'<em class="status">{NOT_FULLY}</em>' in resume.html_section([unchecked()], now=NOW)

    def test_linkedin_sheet_and_json(self) -> None:
        """The LinkedIn sheet and its JSON carry the label (the form itself has no field)."""
        (entry,) = resume.linkedin_entries([unchecked()], now=NOW)
        assert entry.status == NOT_FULLY
        assert "Status:" in resume.linkedin_sheet([entry])
        assert entry.to_json()["status"] == NOT_FULLY
        assert "status" not in entry.url.lower().split("?", 1)[1]

    def test_json_resume(self) -> None:
        """JSON Resume certificates get a `status` (additional properties are allowed)."""
        document = resume.json_resume([unchecked()], now=NOW)
        assert document["certificates"][0]["status"] == NOT_FULLY

    def test_valid_is_not_labelled(self) -> None:
        """A verified credential carries no label in any format."""
        valid = item(OB3_SMALL)
        assert resume.status_flag(valid, NOW) is None
        assert "status" not in resume.json_resume([valid], now=NOW)["certificates"][0]


class TestOnceWhateverContainers:
    def test_same_credential_twice_is_listed_once(self) -> None:
        """The same credential held twice (two records) appears once, the better-verified one."""
        first, second = unchecked(), item(OB3_SMALL, "w2")
        kept = distinct_items([first, second, item(OB3_SKILL, "w3")])
        assert [k.wallet_id for k in kept] == ["w2", "w3"]
        text = resume.markdown_section([first, second], now=NOW)
        assert text.count("**Text analysis**") == 1
        assert NOT_FULLY not in text

    def test_credentials_without_an_id_are_never_merged(self) -> None:
        """Without a credential id nothing says two items are one award: both stay."""
        first = item(OB3_SMALL, "w1")
        bare = type(first.credential)(**{
            f: getattr(first.credential, f) for f in first.credential.__dataclass_fields__
        } | {"credential_id": None})  # fmt: skip
        twin = type(first)(wallet_id="w2", credential=bare, report=first.report)
        same = type(first)(wallet_id="w3", credential=bare, report=first.report)
        assert len(distinct_items([twin, same])) == 2


class TestResumeCommandLabels:
    @pytest.mark.parametrize("fmt", ["jsonresume", "linkedin"])
    def test_json_formats_carry_status_key(self, run, fmt: str) -> None:  # type: ignore[no-untyped-def]
        """Through the CLI, --json output of every format has the status field."""
        result = run("share", "resume", "--format", fmt, "--json")
        assert result.exit_code == 0, result.output
        document = json.loads(result.stdout)
        entries = document.get("certificates") or document.get("entries")
        assert entries
        if fmt == "linkedin":
            assert all("status" in e for e in entries)


class TestHolderNameOnResumes:
    def test_json_resume_basics_and_sections(self) -> None:
        """The profile's name goes in JSON Resume `basics` and heads the Markdown/HTML sections."""
        from credwallet.share.profile import HolderProfile

        holder = HolderProfile.create("Ana Ćirić", email="ana@example.org")
        document = resume.json_resume([item(OB3_SMALL)], now=NOW, holder=holder)
        assert document["basics"] == {"name": "Ana Ćirić", "email": "ana@example.org"}
        markdown = resume.markdown_section([item(OB3_SMALL)], now=NOW, holder_name="Ana Ćirić")
        assert "*Ana Ćirić: credentials checked by their wallet on 2 December 2026.*" in markdown
        page = resume.html_section([item(OB3_SMALL)], now=NOW, holder_name="<Ana>")
        assert '<p class="holder">&lt;Ana&gt;: credentials' in page

    def test_cli_uses_the_profile(self, run) -> None:  # type: ignore[no-untyped-def]
        """`share resume --format markdown` names the holder set with `profile set`."""
        assert run("profile", "set", "--name", "Ana Ćirić").exit_code == 0
        result = run("share", "resume", "--format", "markdown")
        assert result.exit_code == 0, result.output
        assert "Ana Ćirić" in result.stdout
