"""The ``refresh`` check: does the issuer offer an updated version of this credential?

OB 3.0 section 9.1 step 3: a ``refreshService`` of type ``1EdTechCredentialRefresh`` names a URL
that answers with the issuer's current version of the credential. credwallet asks it once (a
refreshed credential is never refreshed again), verifies what comes back as fully as any other
credential, and reports it. It never replaces the stored credential: the user decides (the URL is
in the check's inputs; ``credwallet import URL`` keeps the new version). Advice
(``required=False``): the spec says to continue with the original when a refresh fails.

What comes back must be the same credential (same ``id`` and issuer); anything else is reported
as a failed refresh and ignored. Offline, a copy fetched earlier is used from the cache, and
nothing is asked otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from credwallet.errors import CredwalletError, FetchError
from credwallet.models import Check, CheckStatus, Credential, ReportStatus, VerificationReport

if TYPE_CHECKING:
    from credwallet.verify.engine import VerifyOptions

__all__ = ["CHECK_NAME", "REFRESH_TYPE", "check_refresh"]

CHECK_NAME: Final = "refresh"
REFRESH_TYPE: Final = "1EdTechCredentialRefresh"


def _service(document: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(URL of the first 1EdTechCredentialRefresh service, types seen) or (None, ...)."""
    value = document.get("refreshService")
    services = value if isinstance(value, list) else [value]
    seen: list[str] = []
    for service in services:
        if not isinstance(service, Mapping):
            continue
        kinds = service.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        seen += [str(k) for k in kinds]
        if REFRESH_TYPE in kinds and isinstance(service.get("id"), str) and service["id"]:
            return str(service["id"]), None
    return None, ", ".join(seen) or "(no type)"


def _issuer_id(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _skip(detail: str) -> Check:
    return Check(CHECK_NAME, CheckStatus.SKIP, detail, required=False)


def check_refresh(
    credential: Credential,
    options: VerifyOptions,
    verify: Callable[[Credential], VerificationReport],
) -> Check:
    """Fetch the refreshed credential once, verify it, compare it; never replace anything."""
    document = credential.document
    if "refreshService" not in document and isinstance(document.get("vc"), Mapping):
        document = document["vc"]
    if document.get("refreshService") is None:
        return _skip("the credential names no refresh service")
    url, seen = _service(document)
    if url is None:
        return _skip(f"refresh service type {seen} is not supported")
    if options.nested_depth > 0:
        return _skip(f"not asked: {url} belongs to a credential that is itself nested or refreshed")
    inputs: list[tuple[str, str]] = [("refresh service", url)]
    if options.fetcher is None:
        return _skip(f"not asked: no network (refresh service {url})")
    from credwallet.formats import parse
    from credwallet.verify.remote import as_of

    try:
        fetched = options.fetcher.fetch(url, accept="application/json, application/vc+jwt")
    except FetchError as exc:
        if options.offline:
            return Check(
                CHECK_NAME,
                CheckStatus.SKIP,
                f"offline: the refresh service {url} was not asked",
                tuple(inputs),
                required=False,
            )
        return Check(
            CHECK_NAME,
            CheckStatus.UNKNOWN,
            f"the refresh service did not answer: {exc.message}",
            tuple(inputs),
            required=False,
        )
    inputs.append(("refreshed", as_of(fetched)))
    try:
        fresh = parse(fetched.body, name=url)
    except CredwalletError as exc:
        return Check(
            CHECK_NAME,
            CheckStatus.FAIL,
            f"the refresh service answered with no readable credential ({exc.message}); ignored",
            tuple(inputs),
            required=False,
        )
    fresh_doc = fresh.document
    if isinstance(fresh_doc.get("vc"), Mapping):
        fresh_doc = fresh_doc["vc"]
    same_id = fresh_doc.get("id") == document.get("id")
    same_issuer = _issuer_id(fresh_doc) == _issuer_id(document)
    if not (same_id and same_issuer):
        what = "id" if not same_id else "issuer"
        return Check(
            CHECK_NAME,
            CheckStatus.FAIL,
            f"the refresh service returned a credential with another {what}; ignored",
            tuple(inputs),
            required=False,
        )
    report = verify(fresh)
    inputs.append(("refreshed status", str(report.status)))
    for field in ("validFrom", "issuanceDate", "validUntil", "expirationDate"):
        if isinstance(fresh_doc.get(field), str):
            inputs.append((f"refreshed {field}", fresh_doc[field]))
    if report.status is ReportStatus.INVALID:
        bad = next(c for c in report.checks if c.required and c.status is CheckStatus.FAIL)
        return Check(
            CHECK_NAME,
            CheckStatus.FAIL,
            f"the refreshed credential does not verify ({bad.name}: {bad.detail}); ignored",
            tuple(inputs),
            required=False,
        )
    if _unsigned(fresh_doc) == _unsigned(document):
        return Check(
            CHECK_NAME,
            CheckStatus.PASS,
            f"the issuer's current version is the same as this one ({as_of(fetched)})",
            tuple(inputs),
            required=False,
        )
    if report.status is ReportStatus.VALID:
        return Check(
            CHECK_NAME,
            CheckStatus.PASS,
            f"the issuer offers an updated version that verifies; it was not applied: "
            f"`credwallet import {url}` keeps it",
            tuple(inputs),
            required=False,
        )
    return Check(
        CHECK_NAME,
        CheckStatus.UNKNOWN,
        f"the issuer offers an updated version that could not be fully checked "
        f"({report.status}); it was not applied",
        tuple(inputs),
        required=False,
    )


def _unsigned(document: Mapping[str, Any]) -> str:
    """The credential's claims without its proofs, for comparing two versions."""
    return json.dumps({k: v for k, v in document.items() if k != "proof"}, sort_keys=True)
