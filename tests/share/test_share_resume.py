"""Résumé exports, checked field by field against the credentials they come from."""

from __future__ import annotations

import dataclasses
import html.parser
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from share_helpers import (
    NOW,
    OB3_DEGREE,
    OB3_EXPIRED,
    OB3_SKILL,
    OB3_SMALL,
    VALID,
    VC1_OB3,
    VC2_EDDSA,
    item,
)

from credwallet.formats import parse
from credwallet.models import Party
from credwallet.share.items import SharedItem
from credwallet.share.resume import (
    LINKEDIN_ADD_URL,
    SECTION_TITLE,
    clean_text,
    html_section,
    json_resume,
    linkedin_entries,
    linkedin_sheet,
    markdown_section,
    resume_items,
)

Export = Callable[..., str]


def fields_of(url: str) -> list[tuple[str, str]]:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == LINKEDIN_ADD_URL
    return parse_qsl(parts.query, keep_blank_values=True, strict_parsing=True)


def renamed(shared: SharedItem, **changes: object) -> SharedItem:
    credential = dataclasses.replace(shared.credential, **changes)  # type: ignore[arg-type]
    return dataclasses.replace(shared, credential=credential)


class TestLinkedInUrl:
    def test_every_field_of_a_full_credential(self) -> None:
        """A credential with all fields gives all of them, in LinkedIn's order, decoded exactly."""
        shared = item(OB3_DEGREE)
        (entry,) = linkedin_entries([shared])
        credential = shared.credential
        assert credential.issued is not None and credential.valid_until is not None
        assert fields_of(entry.url) == [
            ("startTask", "CERTIFICATION_NAME"),
            ("name", credential.display_name),
            ("organizationName", credential.issuer.name),
            ("issueYear", str(credential.issued.year)),
            ("issueMonth", str(credential.issued.month)),
            ("expirationYear", str(credential.valid_until.year)),
            ("expirationMonth", str(credential.valid_until.month)),
            ("certUrl", credential.public_url),
            ("certId", credential.credential_id),
        ]
        assert dict(fields_of(entry.url))["name"] == "1EdTech University Degree"

    def test_missing_fields_are_left_out(self) -> None:
        """No expiry, no issuer name and no public URL: those parameters are absent."""
        shared = item(VC2_EDDSA)
        assert shared.credential.valid_until is None
        assert shared.credential.issuer.name is None
        names = [key for key, _ in fields_of(linkedin_entries([shared])[0].url)]
        assert "expirationYear" not in names and "expirationMonth" not in names
        assert "organizationName" not in names
        assert "certUrl" not in names
        assert names[:2] == ["startTask", "name"]

    def test_urn_uuid_is_never_a_cert_url(self) -> None:
        """A urn:uuid credential id may be the certId but never the certUrl."""
        shared = item(VC2_EDDSA)
        assert shared.credential.credential_id is not None
        assert shared.credential.credential_id.startswith("urn:uuid:")
        forced = renamed(shared, public_url=shared.credential.credential_id)
        for candidate in (shared, forced):
            fields = dict(fields_of(linkedin_entries([candidate])[0].url))
            assert "certUrl" not in fields
            assert fields["certId"] == shared.credential.credential_id

    def test_wallet_id_is_never_sent(self) -> None:
        """The wallet's internal id appears in no LinkedIn field."""
        shared = item(VC2_EDDSA, wallet_id="internal-7f3a")
        assert "internal-7f3a" not in linkedin_entries([shared])[0].url

    def test_reserved_characters_are_encoded(self) -> None:
        """&, =, #, +, spaces and non-ASCII in a name survive the round trip intact."""
        tricky = "C++ & Data = Love #1 / Über 50%?"
        shared = renamed(item(OB3_DEGREE), name=tricky, achievement=None)
        url = linkedin_entries([shared])[0].url
        assert " " not in url and "#" not in url.split("?", 1)[1]
        assert dict(fields_of(url))["name"] == tricky

    def test_control_characters_are_removed(self) -> None:
        """Newlines and bidi overrides in a name do not reach the form."""
        shared = renamed(item(OB3_DEGREE), name="Safe\n\u202eName\t", achievement=None)
        assert dict(fields_of(linkedin_entries([shared])[0].url))["name"] == "Safe Name"

    def test_month_is_one_to_twelve(self) -> None:
        """Issue months come as 1-12, as the credential gives them."""
        shared = renamed(item(OB3_DEGREE), issued=datetime(2024, 12, 31, 23, 0, tzinfo=UTC))
        fields = dict(fields_of(linkedin_entries([shared])[0].url))
        assert (fields["issueYear"], fields["issueMonth"]) == ("2024", "12")


class TestLinkedInSheet:
    def test_sheet_lists_the_same_fields(self) -> None:
        """The copy-paste sheet shows each field the URL carries, in words."""
        entries = linkedin_entries([item(OB3_DEGREE), item(VC2_EDDSA, "w2")])
        sheet = linkedin_sheet(entries)
        assert "Name:                  1EdTech University Degree" in sheet
        assert "Issuing organization:  1EdTech University" in sheet
        assert "Issue date:            January 2010" in sheet
        assert "Expiration date:       January 2030" in sheet
        assert "Credential URL:        http://1edtech.edu/credentials/3732" in sheet
        assert entries[0].url in sheet and entries[1].url in sheet
        second = sheet.split("2. ", 1)[1]
        assert "Expiration date" not in second and "Issuing organization" not in second

    def test_json_form_has_the_url(self) -> None:
        """The machine form carries every field and the finished URL."""
        (entry,) = linkedin_entries([item(OB3_DEGREE)])
        data = entry.to_json()
        assert data["url"] == entry.url
        assert data["issueYear"] == 2010 and data["expirationYear"] == 2030


class TestJsonResume:
    def test_certificates_field_by_field(self) -> None:
        """Each certificate has name, ISO date, issuer and url from the credential."""
        document = json_resume([item(OB3_DEGREE), item(VC2_EDDSA, "w2")])
        first, second = document["certificates"]
        assert first == {
            "name": "1EdTech University Degree",
            "date": "2010-01-01",
            "issuer": "1EdTech University",
            "url": "http://1edtech.edu/credentials/3732",
        }
        assert second == {"name": "Alumni Credential", "date": "2023-01-01"}
        assert document["$schema"].endswith("schema.json")

    def test_no_issue_date_means_no_date(self) -> None:
        """A credential without dates has no date key."""
        shared = renamed(item(VC2_EDDSA), issued=None, valid_from=None)
        assert "date" not in json_resume([shared])["certificates"][0]


class _Collect(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def sample() -> list[SharedItem]:
    return [
        item(OB3_DEGREE, "w1", pathways=("Data Science",)),
        item(OB3_SKILL, "w2", pathways=("Data Science", "Robotics")),
        item(OB3_SMALL, "w3"),
        item(OB3_EXPIRED, "w4", pathways=("Robotics",), proof="pass", validity="fail"),
    ]


class TestMarkdown:
    def test_grouped_by_pathway_then_issuer(self) -> None:
        """Pathways in first-seen order, each with its issuers, other credentials last."""
        text = markdown_section(sample(), now=NOW)
        headings = [line for line in text.splitlines() if line.startswith("#")]
        assert headings == [
            "## Licenses & certifications",
            "### Data Science",
            "#### 1EdTech University",
            "### Robotics",
            "#### Example Corp",
            "### Other credentials",
            "#### Example University",
        ]

    def test_each_credential_once_under_its_first_pathway(self) -> None:
        """A credential counting toward two pathways is listed once, under the first."""
        text = markdown_section(sample(), now=NOW)
        assert text.count("**Robot Programming**") == 1
        data_science = text.split("### Robotics")[0]
        assert "**Robot Programming**" in data_science
        lines = [line for line in text.splitlines() if line.startswith("- ")]
        assert len(lines) == len(sample())

    def test_first_pathway_follows_the_wallet_order(self) -> None:
        """The pathway a credential is listed under is the first one the wallet names."""
        shared = item(OB3_SKILL, pathways=("Robotics", "Data Science"))
        text = markdown_section([shared], now=NOW)
        assert "### Robotics" in text and "Data Science" not in text

    def test_lines_carry_dates_link_and_status(self) -> None:
        """Each line has the name, issue and expiry month, the link, and an expired flag."""
        text = markdown_section(sample(), now=NOW)
        assert (
            "- **1EdTech University Degree** · Issued January 2010 · Expires January 2030 · "
            "Credential ID http://1edtech.edu/credentials/3732 · "
            "[Show credential](<http://1edtech.edu/credentials/3732>)"
        ) in text
        assert "- **Teamwork** · *Expired* · Issued January 2010 · Expires January 2011" in text

    def test_without_pathways_issuers_are_the_groups(self) -> None:
        """When no credential is in a pathway, issuers are the only level."""
        text = markdown_section([item(OB3_DEGREE), item(VC1_OB3, "w2")], now=NOW)
        assert "### 1EdTech University" in text
        assert "### Digital Credentials Consortium Test Issuer" in text
        assert "Other credentials" not in text

    def test_markdown_and_html_in_names_are_escaped(self) -> None:
        """Markup in a credential's strings stays literal text."""
        hostile = renamed(
            item(OB3_DEGREE),
            issuer=Party(name="<img src=x onerror=alert(1)>"),
            achievement=None,
            name="**bold** [link](javascript:alert(1))",
        )
        text = markdown_section([hostile], now=NOW)
        assert re.search(r"(?<!\\)<img", text) is None  # only ever as escaped text
        assert r"### \<img src=x onerror=alert(1)\>" in text
        assert r"\*\*bold\*\* \[link\](javascript:alert(1))" in text


class TestHtml:
    def test_grouped_and_escaped(self) -> None:
        """The HTML section has the same groups and no markup from credential strings."""
        hostile = renamed(
            item(OB3_DEGREE, pathways=("<b>Path</b>",)),
            name="<script>alert(1)</script>",
            achievement=None,
        )
        fragment = html_section([hostile, *sample()[1:]], now=NOW)
        parser = _Collect()
        parser.feed(fragment)
        assert "script" not in parser.tags and "b" not in parser.tags
        text = "".join(parser.text)
        assert "<script>alert(1)</script>" in text
        assert "<b>Path</b>" in text
        assert parser.tags.count("h3") == 4  # three pathways (one hostile) + other credentials

    def test_revoked_is_flagged_when_included(self) -> None:
        """A revoked credential, included on request, carries a visible Revoked label."""
        revoked = item(OB3_DEGREE, proof="pass", revocation="fail")
        fragment = html_section([revoked], now=NOW, include_invalid=True)
        assert '<em class="status">Revoked</em>' in fragment

    def test_each_credential_once(self) -> None:
        """The HTML section lists a credential of two pathways once, too."""
        fragment = html_section(sample(), now=NOW)
        assert fragment.count("<strong>Robot Programming</strong>") == 1
        assert fragment.count("<li>") == len(sample())


FORGED = {"format": "pass", "proof": "fail", "issuer_key": "pass", "validity": "pass"}
WRONG_KEY = {"format": "pass", "proof": "pass", "issuer_key": "fail", "validity": "pass"}
REVOKED = {**VALID, "revocation": "fail"}
EXPIRED = {**VALID, "validity": "fail"}


class TestFailedVerification:
    @pytest.mark.parametrize(
        "checks", [FORGED, WRONG_KEY, REVOKED], ids=["forged", "wrong-key", "revoked"]
    )
    @pytest.mark.parametrize("export", [markdown_section, html_section])
    def test_left_out_by_default(self, checks: dict[str, str], export: Export) -> None:
        """A forged, wrongly signed or revoked credential is not on the résumé by default."""
        bad = item(OB3_DEGREE, "w1", **checks)
        good = item(OB3_SMALL, "w2")
        text = export([bad, good], now=NOW)
        assert "1EdTech University Degree" not in text
        assert "Text analysis" in text

    @pytest.mark.parametrize(
        ("checks", "label"),
        [(FORGED, "Forged"), (WRONG_KEY, "Forged"),
         (REVOKED, "Revoked")],
    )  # fmt: skip
    @pytest.mark.parametrize("export", [markdown_section, html_section])
    def test_included_on_request_with_a_label(
        self, checks: dict[str, str], label: str, export: Export
    ) -> None:
        """With include_invalid the credential is listed, labelled with what went wrong."""
        text = export([item(OB3_DEGREE, **checks)], now=NOW, include_invalid=True)
        assert "1EdTech University Degree" in text and label in text

    @pytest.mark.parametrize("export", [markdown_section, html_section])
    def test_expired_stays_labelled(self, export: Export) -> None:
        """An expired credential stays on the résumé by default, marked Expired."""
        text = export([item(OB3_EXPIRED, **EXPIRED)], now=NOW)
        assert "Teamwork" in text and "Expired" in text

    def test_resume_items_keeps_order_and_drops_only_failures(self) -> None:
        """resume_items keeps valid, expired and unverified items in order, drops the rest."""
        items = [
            item(OB3_DEGREE, "w1", **FORGED),
            item(OB3_EXPIRED, "w2", **EXPIRED),
            SharedItem("w3", item(OB3_SMALL).credential),  # never verified
            item(OB3_SKILL, "w4", **REVOKED),
            item(VC2_EDDSA, "w5"),
        ]
        kept = resume_items(items, now=NOW)
        assert [i.wallet_id for i in kept] == ["w2", "w3", "w5"]
        assert resume_items(items, now=NOW, include_invalid=True) == items

    def test_empty_input_gives_an_empty_section(self) -> None:
        """No credentials: the section has its heading and no entries."""
        assert markdown_section([], now=NOW) == f"## {SECTION_TITLE}\n"
        assert "<li>" not in html_section([], now=NOW)


class TestLinkedInProperties:
    @settings(max_examples=100, deadline=None)
    @given(st.text(min_size=1, max_size=120), st.one_of(st.none(), st.text(max_size=60)))
    def test_any_name_and_issuer_round_trip(self, name: str, issuer: str | None) -> None:
        """Whatever the strings, the URL parses back to exactly the cleaned values."""
        shared = renamed(item(OB3_DEGREE), name=name, achievement=None, issuer=Party(name=issuer))
        (entry,) = linkedin_entries([shared])
        fields = dict(fields_of(entry.url))
        assert fields["name"] == (clean_text(name) or "(unnamed credential)")
        assert fields.get("organizationName") == clean_text(issuer)


class TestCalendarDates:
    def test_dates_as_the_credential_writes_them(self) -> None:
        """Months come from the credential's own dates, not from their UTC instants."""
        document = {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "https://issuer.example", "type": ["Profile"], "name": "Issuer"},
            "validFrom": "2024-04-01T00:00:00+02:00",  # 31 March in UTC
            "validUntil": "2027-01-01T00:30:00+01:00",  # 31 December 2026 in UTC
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "achievement": {"type": ["Achievement"], "name": "Zoned", "criteria": {}},
            },
        }
        credential = parse(json.dumps(document).encode())
        assert credential.valid_from is not None and credential.valid_from.month == 3
        shared = SharedItem("w1", credential)
        fields = dict(fields_of(linkedin_entries([shared])[0].url))
        assert (fields["issueYear"], fields["issueMonth"]) == ("2024", "4")
        assert (fields["expirationYear"], fields["expirationMonth"]) == ("2027", "1")
        assert json_resume([shared])["certificates"][0]["date"] == "2024-04-01"
        assert "Issued April 2024 · Expires January 2027" in markdown_section([shared], now=NOW)
