"""The 1EdTech Revocation List Status Method (``credentialStatus.type: 1EdTechRevocationList``).

OB 3.0 / CLR 2.0 section 9.1 step 4: a GET of the entry's ``id`` answers with a list
``{id, issuer, revokedCredentials: [{id, revoked?, revocationReason?}]}``. The credential is
revoked when its ``id`` is listed and ``revoked`` is true or absent.

The list must come from the credential's issuer, as every status list must: a list that names
another ``issuer`` says nothing about this credential, and a list served as a signed credential
is verified like a status list credential (proof, and the signer must be the issuer). A plain
JSON list carries no signature; the check says so and names the URL it trusted. Outcomes:
revoked -> ``fail``; not listed -> ``pass``; list unreachable, malformed or not the issuer's ->
``unknown`` (``fail`` only for a list that is present and says "revoked").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from credwallet.errors import BadInput, FetchError
from credwallet.models import CheckStatus, Credential, ReportStatus

if TYPE_CHECKING:
    from credwallet.verify.engine import VerifyOptions

__all__ = ["STATUS_TYPE", "check_1edtech_entry"]

STATUS_TYPE: Final = "1EdTechRevocationList"

Outcome = tuple[CheckStatus, str, tuple[tuple[str, str], ...]]


def _id_of(value: object) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def _credential_parts(credential: Credential) -> tuple[str | None, str | None]:
    document: Mapping[str, Any] = credential.document
    if isinstance(document.get("vc"), Mapping) and "credentialStatus" not in document:
        document = document["vc"]
    return _id_of(document.get("id")), credential.issuer.id or _id_of(document.get("issuer"))


def check_1edtech_entry(
    entry: Mapping[str, Any], credential: Credential, options: VerifyOptions
) -> Outcome:
    """(status, detail, inputs) for one 1EdTechRevocationList entry."""
    from credwallet.verify.remote import as_of, fetch_json

    url = entry.get("id")
    if not isinstance(url, str) or not url:
        return CheckStatus.FAIL, "a 1EdTechRevocationList entry has no id (the list's URL)", ()
    inputs: tuple[tuple[str, str], ...] = (("revocation list", url),)
    credential_id, issuer = _credential_parts(credential)
    if credential_id is None:
        return (
            CheckStatus.UNKNOWN,
            "the credential has no id to look up in its revocation list",
            inputs,
        )
    try:
        revocations, fetched = fetch_json(options.fetcher, url, what="revocation list")
    except FetchError as exc:
        return CheckStatus.UNKNOWN, f"revocation list unavailable: {exc.message}", inputs
    except BadInput as exc:
        return CheckStatus.UNKNOWN, f"revocation list unusable: {exc.message}", inputs
    inputs = (*inputs, ("revocation list fetched", as_of(fetched)))
    list_issuer = _id_of(revocations.get("issuer"))
    if list_issuer is not None:
        inputs = (*inputs, ("revocation list issuer", list_issuer))
    if list_issuer is not None and issuer is not None and list_issuer != issuer:
        return (
            CheckStatus.UNKNOWN,
            f"the revocation list {url} is issued by {list_issuer}, not by the credential's "
            f"issuer {issuer}: it cannot say whether this credential is revoked",
            inputs,
        )
    signed = revocations.get("proof") is not None
    if signed:
        problem = _verify_signed_list(revocations, options)
        if problem is not None:
            return CheckStatus.UNKNOWN, f"revocation list {url}: {problem}", inputs
    entries = revocations.get("revokedCredentials", revocations.get("revokedCredential", []))
    if not isinstance(entries, list):
        return CheckStatus.UNKNOWN, f"revocation list {url} has no revokedCredentials list", inputs
    for item in entries:
        if not isinstance(item, Mapping) or item.get("id") != credential_id:
            continue
        if item.get("revoked", True) is False:
            continue
        reason = item.get("revocationReason")
        because = f", reason: {reason}" if isinstance(reason, str) and reason else ""
        return (
            CheckStatus.FAIL,
            f"revoked by the issuer (1EdTech revocation list {url}{because}, {as_of(fetched)})",
            inputs,
        )
    how = "signed list" if signed else "unsigned list, trusted as served from that URL"
    return (
        CheckStatus.PASS,
        f"not revoked (1EdTech revocation list {url}, {how}, {as_of(fetched)})",
        inputs,
    )


def _verify_signed_list(document: dict[str, Any], options: VerifyOptions) -> str | None:
    """Why a signed list cannot be relied on, or None when its proof verifies."""
    if options.verify_embedded is None:
        return "no verifier for a signed list"
    report = options.verify_embedded(document)
    if report.status is ReportStatus.VALID:
        return None
    for check in report.checks:
        if (
            check.required
            and check.status is not CheckStatus.PASS
            and check.status is not CheckStatus.SKIP
        ):
            return f"its {check.name} check is {check.status}: {check.detail}"
    return f"it is {report.status}"
