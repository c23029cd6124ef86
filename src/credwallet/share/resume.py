"""Résumé exports: LinkedIn add-to-profile links, JSON Resume, Markdown and HTML sections.

LinkedIn's "Add license or certification" link is de-facto, not documented (see
../notes/pathways-and-sharing.md B1): ``https://www.linkedin.com/profile/add`` with
``startTask=CERTIFICATION_NAME`` and the fields ``name``, ``organizationName``, ``issueYear``,
``issueMonth``, ``expirationYear``, ``expirationMonth``, ``certUrl`` and ``certId``. A field the
credential lacks is left out, every value is percent-encoded, and ``certUrl`` is only ever a
public http(s) URL (never a ``urn:uuid`` or any other identifier a browser cannot open).
Dates are the credential's own: issue and expiry month and year, no time-zone shifting.

What goes on a résumé (:func:`resume_items`): by default only credentials a reader can rely on.
One whose verification failed for a reason other than its dates (forged, tampered, signed by the
wrong key, revoked) is left out unless ``include_invalid``; an expired one stays, labelled.
In the Markdown and HTML sections each credential appears once: under the first pathway it
counts toward (in the order the wallet gives), otherwise under "Other credentials", by issuer.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

from credwallet.models import Credential, JSONObject
from credwallet.share.distinct import distinct_items
from credwallet.share.items import SharedItem, ShareStatus, expires_on, issued_on, share_status
from credwallet.share.profile import HolderProfile

__all__ = [
    "LINKEDIN_ADD_URL",
    "SECTION_TITLE",
    "LinkedInEntry",
    "clean_text",
    "html_section",
    "json_resume",
    "linkedin_entries",
    "linkedin_sheet",
    "markdown_section",
    "public_url",
    "resume_items",
    "status_flag",
]

LINKEDIN_ADD_URL = "https://www.linkedin.com/profile/add"
JSON_RESUME_SCHEMA = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
SECTION_TITLE = "Licenses & certifications"
OTHER_GROUP = "Other credentials"
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&!#])")
# Statuses a reader of a résumé must see next to the credential.
_FLAGGED = {
    ShareStatus.EXPIRED,
    ShareStatus.REVOKED,
    ShareStatus.SUSPENDED,
    ShareStatus.FORGED,
    ShareStatus.INVALID,
    ShareStatus.NOT_YET_VALID,
}
# Statuses that mean the credential is not genuine (or no longer stands): off a résumé by default.
_NOT_GENUINE = {ShareStatus.INVALID, ShareStatus.FORGED, ShareStatus.REVOKED}
# Statuses that are not failures but not a clean bill either: labelled in every format, so that
# a résumé never presents a credential nobody could check as verified.
_UNCONFIRMED = {ShareStatus.INDETERMINATE, ShareStatus.UNVERIFIED}


def status_flag(item: SharedItem, now: datetime) -> str | None:
    """The label a résumé shows next to ``item`` ("Expired", "Not fully verified"), or None."""
    status = share_status(item, now)
    if status in _FLAGGED or status in _UNCONFIRMED:
        return status.label
    return None


def clean_text(text: str | None) -> str | None:
    """One line of display text: control and bidi-override characters removed, spaces folded."""
    if text is None:
        return None
    folded = " ".join(_CONTROL.sub(" ", text).split())
    return folded or None


def public_url(credential: Credential) -> str | None:
    """The credential's public http(s) URL, if it has one a browser can open."""
    url = credential.public_url
    if url and url.startswith(("https://", "http://")) and not any(c.isspace() for c in url):
        return url
    return None


def resume_items(
    items: Iterable[SharedItem], *, now: datetime, include_invalid: bool = False
) -> list[SharedItem]:
    """The items a résumé export shows, in the order given.

    Without ``include_invalid``, credentials that failed verification for any reason other than
    their dates (a bad proof or key, revoked) are dropped; expired and not-yet-valid ones stay,
    and the Markdown and HTML sections label them.
    """
    chosen = distinct_items(items)
    if include_invalid:
        return chosen
    return [item for item in chosen if share_status(item, now) not in _NOT_GENUINE]


# -- LinkedIn ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkedInEntry:
    """The fields LinkedIn's add-certification form takes, for one credential."""

    wallet_id: str
    name: str
    organization: str | None = None
    issue_year: int | None = None
    issue_month: int | None = None
    expiration_year: int | None = None
    expiration_month: int | None = None
    cert_url: str | None = None
    cert_id: str | None = None
    status: str | None = None  # "Not fully verified", "Expired", ...: not part of the link

    @property
    def url(self) -> str:
        """The one-click link: LinkedIn's form pre-filled with the fields this entry has."""
        fields: list[tuple[str, str | int | None]] = [
            ("startTask", "CERTIFICATION_NAME"),
            ("name", self.name),
            ("organizationName", self.organization),
            ("issueYear", self.issue_year),
            ("issueMonth", self.issue_month),
            ("expirationYear", self.expiration_year),
            ("expirationMonth", self.expiration_month),
            ("certUrl", self.cert_url),
            ("certId", self.cert_id),
        ]
        present = [(key, str(value)) for key, value in fields if value is not None]
        return f"{LINKEDIN_ADD_URL}?{urlencode(present, quote_via=quote)}"

    def to_json(self) -> JSONObject:
        return {
            "id": self.wallet_id,
            "name": self.name,
            "organizationName": self.organization,
            "issueYear": self.issue_year,
            "issueMonth": self.issue_month,
            "expirationYear": self.expiration_year,
            "expirationMonth": self.expiration_month,
            "certUrl": self.cert_url,
            "certId": self.cert_id,
            "status": self.status,
            "url": self.url,
        }


def linkedin_entries(
    items: Iterable[SharedItem], *, now: datetime | None = None
) -> list[LinkedInEntry]:
    """One LinkedIn entry per credential, in the order given (with its status label when
    ``now`` is given; LinkedIn's form has no field for it, the sheet and JSON show it)."""
    entries = []
    for item in items:
        credential = item.credential
        issued, expires = issued_on(credential), expires_on(credential)
        entries.append(
            LinkedInEntry(
                wallet_id=item.wallet_id,
                name=clean_text(credential.display_name) or "(unnamed credential)",
                organization=clean_text(credential.issuer.name),
                issue_year=issued.year if issued else None,
                issue_month=issued.month if issued else None,
                expiration_year=expires.year if expires else None,
                expiration_month=expires.month if expires else None,
                cert_url=public_url(credential),
                cert_id=clean_text(credential.credential_id),
                status=status_flag(item, now) if now is not None else None,
            )
        )
    return entries


def _month_year(year: int | None, month: int | None) -> str | None:
    if year is None:
        return None
    return f"{_MONTHS[month - 1]} {year}" if month else str(year)


def linkedin_sheet(entries: Sequence[LinkedInEntry]) -> str:
    """The same fields as plain text, to copy into LinkedIn's form by hand."""
    lines = [
        f"{SECTION_TITLE} for LinkedIn ({len(entries)})",
        "On your profile: Add profile section > Recommended > Add licenses & certifications.",
        "",
    ]
    for number, entry in enumerate(entries, start=1):
        rows = [
            ("Name", entry.name),
            ("Status", entry.status),
            ("Issuing organization", entry.organization),
            ("Issue date", _month_year(entry.issue_year, entry.issue_month)),
            ("Expiration date", _month_year(entry.expiration_year, entry.expiration_month)),
            ("Credential ID", entry.cert_id),
            ("Credential URL", entry.cert_url),
            ("Pre-filled form", entry.url),
        ]
        indent = f"{number}. "
        for label, value in rows:
            if value is not None:
                lines.append(f"{indent}{label + ':':<22} {value}")
                indent = " " * len(indent)
        lines.append("")
    return "\n".join(lines)


# -- JSON Resume -------------------------------------------------------------------------------


def json_resume(
    items: Iterable[SharedItem],
    *,
    now: datetime | None = None,
    holder: HolderProfile | None = None,
) -> JSONObject:
    """A JSON Resume document whose ``certificates`` list has name, date, issuer and url.

    With ``now``, a credential that is not plainly valid also gets ``status`` ("Expired", "Not
    fully verified"): the schema allows additional properties on a certificate.
    """
    certificates: list[JSONObject] = []
    for item in items:
        credential = item.credential
        issued = issued_on(credential)
        entry: JSONObject = {"name": clean_text(credential.display_name) or "(unnamed credential)"}
        if issued is not None:
            entry["date"] = issued.isoformat()
        if issuer := clean_text(credential.issuer.name):
            entry["issuer"] = issuer
        if url := public_url(credential):
            entry["url"] = url
        if now is not None and (flag := status_flag(item, now)):
            entry["status"] = flag
        certificates.append(entry)
    document: JSONObject = {"$schema": JSON_RESUME_SCHEMA}
    if holder is not None:
        basics: JSONObject = {"name": holder.name}
        if holder.email:
            basics["email"] = holder.email
        if holder.url:
            basics["url"] = holder.url
        document["basics"] = basics
    document["certificates"] = certificates
    return document


# -- Markdown and HTML -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    name: str
    issued: str | None
    expires: str | None
    url: str | None
    cert_id: str | None
    flag: str | None  # "Expired", "Revoked", ... or None when nothing needs saying


def _grouped(
    items: Sequence[SharedItem], now: datetime
) -> list[tuple[str | None, list[tuple[str, list[_Line]]]]]:
    """[(pathway or None, [(issuer, lines)])]: pathways in first-seen order, issuers sorted.

    Each credential is listed once, under the first of its pathways (a résumé that lists one
    course twice looks padded); credentials outside every pathway go last under "Other
    credentials" (or, if no credential has a pathway, ungrouped by pathway).
    """
    any_pathway = any(item.pathway_names for item in items)
    order: list[str | None] = []
    groups: dict[str | None, dict[str, list[_Line]]] = {}
    for item in items:
        credential = item.credential
        issued, expires = issued_on(credential), expires_on(credential)
        line = _Line(
            name=clean_text(credential.display_name) or "(unnamed credential)",
            issued=_month_year(issued.year, issued.month) if issued else None,
            expires=_month_year(expires.year, expires.month) if expires else None,
            url=public_url(credential),
            cert_id=clean_text(credential.credential_id),
            flag=status_flag(item, now),
        )
        pathway: str | None
        if item.pathway_names:
            pathway = clean_text(item.pathway_names[0]) or "(unnamed pathway)"
        else:
            pathway = OTHER_GROUP if any_pathway else None
        issuer = clean_text(credential.issuer.name) or "Unknown issuer"
        if pathway not in groups:
            order.append(pathway)
            groups[pathway] = {}
        groups[pathway].setdefault(issuer, []).append(line)
    if OTHER_GROUP in order:  # keep "Other credentials" after the real pathways
        order.remove(OTHER_GROUP)
        order.append(OTHER_GROUP)
    return [
        (pathway, sorted(groups[pathway].items(), key=lambda pair: pair[0].casefold()))
        for pathway in order
    ]


def _day(moment: datetime) -> str:
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def _md(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _md_url(url: str) -> str:
    # Inside <...> a link destination may hold anything but spaces, < and > (CommonMark).
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")


def markdown_section(
    items: Sequence[SharedItem],
    *,
    now: datetime,
    include_invalid: bool = False,
    holder_name: str | None = None,
) -> str:
    """A Markdown "Licenses & certifications" section grouped by pathway, then issuer.

    Credentials that failed verification are left out unless ``include_invalid`` (see
    :func:`resume_items`).
    """
    shown = resume_items(items, now=now, include_invalid=include_invalid)
    out = [f"## {SECTION_TITLE}", ""]
    if holder_name:
        out += [f"*{_md(holder_name)}: credentials checked by their wallet on {_day(now)}.*", ""]
    for pathway, issuers in _grouped(shown, now):
        if pathway is not None:
            out += [f"### {_md(pathway)}", ""]
        heading = "####" if pathway is not None else "###"
        for issuer, lines in issuers:
            out += [f"{heading} {_md(issuer)}", ""]
            for line in lines:
                parts = [f"**{_md(line.name)}**"]
                if line.flag:
                    parts.append(f"*{line.flag}*")
                if line.issued:
                    parts.append(f"Issued {line.issued}")
                if line.expires:
                    parts.append(f"Expires {line.expires}")
                if line.cert_id:
                    parts.append(f"Credential ID {_md(line.cert_id)}")
                if line.url:
                    parts.append(f"[Show credential](<{_md_url(line.url)}>)")
                out.append("- " + " · ".join(parts))
            out.append("")
    return "\n".join(out)


def html_section(
    items: Sequence[SharedItem],
    *,
    now: datetime,
    include_invalid: bool = False,
    holder_name: str | None = None,
) -> str:
    """An HTML "Licenses & certifications" section (a fragment), grouped by pathway, then issuer.

    Credentials that failed verification are left out unless ``include_invalid`` (see
    :func:`resume_items`).
    """
    shown = resume_items(items, now=now, include_invalid=include_invalid)

    def esc(text: str) -> str:
        return html.escape(text, quote=True)

    out = ['<section class="licenses-certifications">', f"<h2>{esc(SECTION_TITLE)}</h2>"]
    if holder_name:
        out.append(
            f'<p class="holder">{esc(holder_name)}: credentials checked by their wallet on '
            f"{esc(_day(now))}.</p>"
        )
    for pathway, issuers in _grouped(shown, now):
        if pathway is not None:
            out.append(f"<h3>{esc(pathway)}</h3>")
        heading = "h4" if pathway is not None else "h3"
        for issuer, lines in issuers:
            out += [f"<{heading}>{esc(issuer)}</{heading}>", "<ul>"]
            for line in lines:
                parts = [f"<strong>{esc(line.name)}</strong>"]
                if line.flag:
                    parts.append(f'<em class="status">{esc(line.flag)}</em>')
                if line.issued:
                    parts.append(f"Issued {esc(line.issued)}")
                if line.expires:
                    parts.append(f"Expires {esc(line.expires)}")
                if line.cert_id:
                    parts.append(f"Credential ID {esc(line.cert_id)}")
                if line.url:
                    parts.append(f'<a href="{esc(line.url)}">Show credential</a>')
                out.append("<li>" + " · ".join(parts) + "</li>")
            out.append("</ul>")
    out.append("</section>")
    return "\n".join(out) + "\n"
