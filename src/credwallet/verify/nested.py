"""Credentials inside a credential: OB 3.0 endorsements and the credentials a CLR 2.0 holds.

Each inner credential is verified in full by the engine (``options.verify_nested``) and listed
in the check's inputs, one line per credential, so ``explain`` shows every one.

``endorsement``  OB 3.0 section 9.1 step 6: every EndorsementCredential embedded in the
                 credential, its issuer or its achievement (``endorsement`` objects and
                 ``endorsementJwt`` compact JWS strings). Advice (``required=False``): an
                 endorsement is a third party's statement about the issuer or the achievement;
                 a bad one must not be shown as genuine, but it does not make the badge itself
                 forged. It is reported per endorsement.
``credentials``  CLR 2.0: every credential in ``credentialSubject.verifiableCredential`` of a
                 ``ClrCredential``. Required: a transcript vouching for an achievement that is
                 forged or revoked is not a valid transcript.

Nesting is bounded (``MAX_DEPTH``): an endorsement of an endorsement is verified, deeper ones
are not, so a hostile document cannot make verification recurse without end.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from credwallet.models import Check, CheckStatus, JSONObject, ReportStatus, VerificationReport

if TYPE_CHECKING:
    from credwallet.verify.engine import VerifyOptions

__all__ = [
    "ENDORSEMENT_CHECK",
    "MAX_DEPTH",
    "MAX_NESTED",
    "NESTED_CHECK",
    "check_endorsements",
    "check_nested_credentials",
    "combine_reports",
    "endorsements_of",
    "is_clr",
]

ENDORSEMENT_CHECK: Final = "endorsement"
NESTED_CHECK: Final = "credentials"
MAX_DEPTH: Final = 2
MAX_NESTED: Final = 200  # a transcript of more credentials is reported as not fully checked

# (label, entry) -> the entry's report; the engine supplies it (it knows every format)
VerifyNested = Callable[[str, object], VerificationReport]


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _types(node: Mapping[str, Any]) -> set[str]:
    return {t for t in _as_list(node.get("type")) if isinstance(t, str)}


def is_clr(document: Mapping[str, Any]) -> bool:
    return "ClrCredential" in _types(document)


def endorsements_of(document: Mapping[str, Any]) -> list[tuple[str, object]]:
    """(where, entry) for every embedded endorsement: objects and compact JWS strings."""
    places: list[tuple[str, object]] = [("credential", document)]
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        places.append(("issuer", issuer))
    for subject in _as_list(document.get("credentialSubject")):
        if isinstance(subject, Mapping) and isinstance(subject.get("achievement"), Mapping):
            places.append(("achievement", subject["achievement"]))
    found: list[tuple[str, object]] = []
    for where, node in places:
        if not isinstance(node, Mapping):
            continue
        found += [(where, e) for e in _as_list(node.get("endorsement"))]
        found += [(where, e) for e in _as_list(node.get("endorsementJwt"))]
    return found


def _who(report: VerificationReport, entry: object) -> str:
    issuer: object = None
    if isinstance(entry, Mapping):
        issuer = entry.get("issuer")
        if isinstance(issuer, Mapping):
            issuer = issuer.get("name") or issuer.get("id")
    key = report.check("issuer-key")
    text = str(issuer) if isinstance(issuer, str) and issuer else ""
    if not text and key is not None:
        text = dict(key.inputs).get("issuer", "")
    return text or "an unnamed issuer"


def _combine(
    name: str,
    reports: list[tuple[str, VerificationReport, object]],
    noun: str,
    *,
    required: bool,
    extra: str = "",
) -> Check:
    inputs = tuple(
        (label, f"{report.status}: {_who(report, entry)}" + _first_problem(report))
        for label, report, entry in reports
    )
    statuses = [r.status for _, r, _ in reports]
    count = len(reports)
    plural = noun if count == 1 else noun + "s"
    if ReportStatus.INVALID in statuses:
        bad = statuses.count(ReportStatus.INVALID)
        status, detail = CheckStatus.FAIL, f"{bad} of {count} {plural} did not verify"
        detail += _first_of(reports, ReportStatus.INVALID)
    elif ReportStatus.INDETERMINATE in statuses or ReportStatus.UNVERIFIED in statuses:
        open_ = count - statuses.count(ReportStatus.VALID)
        status, detail = CheckStatus.UNKNOWN, f"{open_} of {count} {plural} could not be checked"
        detail += _first_of(reports, ReportStatus.INDETERMINATE, ReportStatus.UNVERIFIED)
    else:
        status, detail = CheckStatus.PASS, f"{count} {plural} verified"
    return Check(name, status, detail + extra, inputs, required=required)


def combine_reports(
    name: str,
    reports: list[tuple[str, VerificationReport, object]],
    noun: str,
    *,
    required: bool,
) -> Check:
    """One check summing up the reports of credentials held by another document (a CLR, a
    presentation): fail if any is invalid, unknown if any is not fully verified, and the
    first such credential's own reason in the detail, so the holder's verdict shows it."""
    return _combine(name, reports, noun, required=required)


def _first_of(reports: list[tuple[str, VerificationReport, object]], *wanted: ReportStatus) -> str:
    """``: credential 2 (proof: signature does not match)``: the first report in ``wanted``."""
    for label, report, _entry in reports:
        if report.status in wanted:
            return f": {label}{_first_problem(report)}"
    return ""


def _first_problem(report: VerificationReport) -> str:
    for wanted in (CheckStatus.FAIL, CheckStatus.UNKNOWN):
        for check in report.checks:
            if check.required and check.status is wanted:
                return f" ({check.name}: {check.detail})" if check.detail else f" ({check.name})"
    return ""


def check_endorsements(document: JSONObject, options: VerifyOptions, verify: VerifyNested) -> Check:
    """The ``endorsement`` check (advice): each embedded endorsement verified on its own."""
    found = endorsements_of(document)
    if not found:
        return Check(
            ENDORSEMENT_CHECK, CheckStatus.SKIP, "no embedded endorsements", required=False
        )
    if options.nested_depth >= MAX_DEPTH:
        return Check(
            ENDORSEMENT_CHECK,
            CheckStatus.SKIP,
            f"{len(found)} endorsements nested too deep to verify here",
            required=False,
        )
    reports = []
    for index, (where, entry) in enumerate(found[:MAX_NESTED]):
        label = f"endorsement {index + 1} ({where})"
        report = verify(label, entry)
        if isinstance(entry, Mapping) and "EndorsementCredential" not in _types(entry):
            report = _with_extra_failure(report, "it is not typed EndorsementCredential")
        reports.append((label, report, entry))
    return _combine(ENDORSEMENT_CHECK, reports, "endorsement", required=False)


def _with_extra_failure(report: VerificationReport, why: str) -> VerificationReport:
    extra = Check("format", CheckStatus.FAIL, why)
    return VerificationReport(
        report.source, report.format, (*report.checks, extra), report.checked_at
    )


def check_nested_credentials(
    document: JSONObject, options: VerifyOptions, verify: VerifyNested
) -> Check:
    """The ``credentials`` check of a CLR 2.0 ClrCredential: every credential it holds."""
    entries: list[object] = []
    for subject in _as_list(document.get("credentialSubject")):
        if isinstance(subject, Mapping):
            entries += _as_list(subject.get("verifiableCredential"))
    if not entries:
        return Check(NESTED_CHECK, CheckStatus.SKIP, "the CLR holds no credentials")
    if options.nested_depth >= MAX_DEPTH:
        return Check(
            NESTED_CHECK,
            CheckStatus.UNKNOWN,
            f"{len(entries)} credentials nested too deep to verify here",
        )
    reports = []
    for index, entry in enumerate(entries[:MAX_NESTED]):
        label = f"credential {index + 1}"
        reports.append((label, verify(label, entry), entry))
    check = _combine(NESTED_CHECK, reports, "credential", required=True)
    if len(entries) > MAX_NESTED:
        return Check(
            NESTED_CHECK,
            CheckStatus.UNKNOWN if check.status is not CheckStatus.FAIL else CheckStatus.FAIL,
            check.detail + f"; {len(entries) - MAX_NESTED} more were not checked",
            check.inputs,
        )
    return check
