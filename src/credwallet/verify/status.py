"""The ``revocation`` check: has the issuer revoked or suspended this credential?

Four mechanisms, one check (the 1EdTech Revocation List of OB 3.0 / CLR 2.0 is in
revocation_1edtech.py):

- **Bitstring Status List** (VC 2.0, ``BitstringStatusListEntry``) and its predecessor
  **StatusList2021** (VC 1.1, ``StatusList2021Entry``): the entry names a status list credential
  and an index. The list credential is fetched, verified as a credential in its own right
  (``options.verify_embedded``: proof, issuer key, validity window), its type and purpose are
  checked, then the GZIP-compressed bitstring is read. Bit 0 is the left-most (most significant)
  bit of the first byte; an entry with ``statusSize`` > 1 reads that many bits as a number.
- **OB 2.0 revocationList**: the issuer profile names a RevocationList whose
  ``revokedAssertions`` holds assertion ids (strings) or objects with ``id``/``uid`` and a
  ``revocationReason``. Blockcerts v2/v3 issuer profiles use the same list.

A list must come from the credential's issuer: a status list credential issued by the same
DID (or URL), or signed only with keys of the issuer's DID; an OB 2.0 / Blockcerts list that
names an ``issuer`` must name the credential's. Anyone can place a document at a status URL or
in the cache, so a list by someone else can neither revoke nor clear: ``unknown``, saying whose
list it is.

Outcomes: no status information -> ``skip``; list says revoked/suspended -> ``fail`` (revoked and
suspended are told apart in the detail); list unusable (bad proof, expired, not yet valid, wrong
type or purpose, index outside the list) -> ``fail``, because the Bitstring Status List spec makes
those verification errors; list unreachable or unverifiable -> ``unknown`` naming the URL.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from credwallet.errors import BadInput, FetchError
from credwallet.formats.dates import parse_datetime
from credwallet.models import Check, CheckStatus, Credential, JSONObject, ReportStatus
from credwallet.verify.remote import as_of, fetch_json

if TYPE_CHECKING:
    from credwallet.verify.engine import VerifyOptions

__all__ = [
    "CHECK_NAME",
    "MAX_STATUS_LIST_BYTES",
    "StatusListError",
    "check_revocation_list",
    "check_status",
    "decode_status_list",
    "quote_assertion_id",
    "read_status",
]

CHECK_NAME = "revocation"
#: Largest decompressed status list accepted (the spec's minimum is 16 KB; 16 MiB is 128M entries).
MAX_STATUS_LIST_BYTES = 16 * 1024 * 1024
_MAX_STATUS_SIZE = 32
_ENTRY_TYPES = {"BitstringStatusListEntry", "StatusList2021Entry"}
# A list of either family serves an entry of either family: the bit semantics are the same, and
# Blockcerts publishes BitstringStatusListCredentials behind StatusList2021Entry references.
_LIST_TYPES = {"BitstringStatusListCredential", "StatusList2021Credential"}
_SUBJECT_TYPES = {"BitstringStatusList", "StatusList2021"}
_GZIP_MAGIC = b"\x1f\x8b"
_1EDTECH = "1EdTechRevocationList"  # revocation_1edtech.py


class StatusListError(BadInput):
    """Raised when: a status list's encodedList cannot be decoded or the index is outside it."""


@dataclass(frozen=True, slots=True)
class _Outcome:
    status: CheckStatus
    detail: str
    inputs: tuple[tuple[str, str], ...] = ()


def check_status(credential: Credential, options: VerifyOptions) -> Check:
    """The ``revocation`` check for a credential's ``credentialStatus`` entries.

    OB 2.0 and Blockcerts revocation lists come through :func:`check_revocation_list`, which
    their verifiers call with the list the issuer profile names.
    """
    document = credential.document
    if "credentialStatus" not in document and isinstance(document.get("vc"), Mapping):
        document = document["vc"]  # a VC 1.1 JWT keeps the credential in its vc claim
    entries = document.get("credentialStatus")
    if entries is None or entries == []:
        return Check(CHECK_NAME, CheckStatus.SKIP, "the credential has no status information")
    if isinstance(entries, Mapping):
        entries = [entries]
    if not isinstance(entries, list):
        return Check(CHECK_NAME, CheckStatus.FAIL, "credentialStatus is not an object or a list")
    top = credential.document
    issuer = (
        credential.issuer.id
        or _id_of(document.get("issuer"))
        or _id_of(top.get("issuer"))
        or _id_of(top.get("iss"))  # a VC 1.1 JWT names its issuer in the iss claim
    )
    outcomes = [
        _check_1edtech(entry, credential, options)
        if isinstance(entry, Mapping) and _1EDTECH in _types(entry)
        else _check_entry(entry, options, issuer)
        for entry in entries
    ]
    return _combine(outcomes)


def _combine(outcomes: list[_Outcome]) -> Check:
    for wanted in (CheckStatus.FAIL, CheckStatus.UNKNOWN, CheckStatus.PASS):
        chosen = [o for o in outcomes if o.status is wanted]
        if chosen:
            detail = "; ".join(o.detail for o in chosen)
            inputs = tuple(pair for o in outcomes for pair in o.inputs)
            return Check(CHECK_NAME, wanted, detail, inputs)
    return Check(CHECK_NAME, CheckStatus.SKIP, "no status entry applies to this credential")


def _check_1edtech(
    entry: Mapping[str, Any], credential: Credential, options: VerifyOptions
) -> _Outcome:
    from credwallet.verify.revocation_1edtech import check_1edtech_entry

    return _Outcome(*check_1edtech_entry(entry, credential, options))


def _check_entry(entry: Any, options: VerifyOptions, issuer: str | None) -> _Outcome:
    if not isinstance(entry, Mapping):
        return _Outcome(CheckStatus.FAIL, "a credentialStatus entry is not an object")
    types = _types(entry)
    if types & _ENTRY_TYPES:
        return _check_status_list_entry(entry, options, issuer)
    shown = ", ".join(sorted(types)) or "(no type)"
    return _Outcome(CheckStatus.UNKNOWN, f"status type {shown} is not supported")


# --- Bitstring Status List / StatusList2021 -------------------------------------------------


def _id_of(value: object) -> str | None:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, Mapping):
        inner = value.get("id")
        return inner if isinstance(inner, str) and inner else None
    return None


def _not_the_issuers(list_doc: JSONObject, issuer: str | None) -> str | None:
    """Why a status list credential cannot speak for ``issuer``'s credential, or None.

    Accepted: the list's issuer is the credential's issuer; or the credential's issuer is a DID
    and every proof on the list is by a key of that DID (a key its DID document lists; the
    list's own verification then checks the signature and the key).
    """
    list_issuer = _id_of(list_doc.get("issuer"))
    if issuer is None:
        return "the credential names no issuer to compare the status list's issuer with"
    if list_issuer == issuer:
        return None
    if issuer.startswith("did:"):
        proofs = list_doc.get("proof")
        proofs = [proofs] if isinstance(proofs, Mapping) else proofs
        methods = [p.get("verificationMethod") for p in proofs or [] if isinstance(p, Mapping)]
        if methods and all(isinstance(m, str) and m.partition("#")[0] == issuer for m in methods):
            return None
    return (
        f"it is issued by {list_issuer or '(no issuer)'}, not by the credential's issuer "
        f"{issuer}: it cannot say whether this credential is revoked"
    )


def _check_status_list_entry(
    entry: Mapping[str, Any], options: VerifyOptions, issuer: str | None
) -> _Outcome:
    url = entry.get("statusListCredential")
    purpose = entry.get("statusPurpose")
    if not isinstance(url, str) or not url:
        return _Outcome(CheckStatus.FAIL, "status entry has no statusListCredential URL")
    if not isinstance(purpose, str) or not purpose:
        return _Outcome(CheckStatus.FAIL, f"status entry for {url} has no statusPurpose")
    index = _non_negative_int(entry.get("statusListIndex"))
    if index is None:
        return _Outcome(CheckStatus.FAIL, f"status entry for {url} has no valid statusListIndex")
    size = _non_negative_int(entry.get("statusSize", 1))
    if size is None or not 1 <= size <= _MAX_STATUS_SIZE:
        return _Outcome(CheckStatus.FAIL, f"status entry for {url} has an invalid statusSize")
    inputs: tuple[tuple[str, str], ...] = (
        ("status list", url),
        ("status index", str(index)),
        ("status purpose", purpose),
    )
    try:
        list_doc, fetched = fetch_json(options.fetcher, url, what="status list")
    except FetchError as exc:
        return _Outcome(CheckStatus.UNKNOWN, f"status list {url} unavailable: {exc}", inputs)
    except BadInput as exc:
        return _Outcome(CheckStatus.FAIL, str(exc), inputs)
    where = f"status list {url} index {index}, {as_of(fetched)}"
    inputs = (*inputs, ("status list fetched", as_of(fetched)))
    stranger = _not_the_issuers(list_doc, issuer)
    if stranger is not None:
        return _Outcome(CheckStatus.UNKNOWN, f"status list {url} not used: {stranger}", inputs)

    problem = _list_problem(list_doc, purpose, options.now)
    if problem is not None:
        return _Outcome(CheckStatus.FAIL, f"status list unusable: {problem} ({where})", inputs)
    proof_status, proof_detail = _verify_list_credential(list_doc, options)
    if proof_status is CheckStatus.FAIL:
        return _Outcome(CheckStatus.FAIL, f"status list unusable: {proof_detail} ({where})", inputs)
    subject = _subject(list_doc)
    try:
        bits = decode_status_list(subject.get("encodedList") if subject else None)
        value = read_status(bits, index, size)
    except StatusListError as exc:
        return _Outcome(CheckStatus.FAIL, f"status list unusable: {exc} ({where})", inputs)
    inputs = (*inputs, ("status value", str(value)))

    outcome = _interpret(purpose, value, entry, where, inputs)
    if proof_status is not CheckStatus.UNKNOWN:
        return outcome
    # The list's own proof could not be checked. A "revoked" answer from the list the issuer's
    # signed credential points at is believed (a forgery could only deny service); a "not
    # revoked" answer is not, since a forged list could hide a revocation.
    if outcome.status is CheckStatus.FAIL:
        return _Outcome(
            CheckStatus.FAIL,
            f"{outcome.detail}; the status list's own proof could not be checked: {proof_detail}",
            inputs,
        )
    return _Outcome(
        CheckStatus.UNKNOWN,
        f"status list {url} could not be verified: {proof_detail}",
        inputs,
    )


def _interpret(
    purpose: str,
    value: int,
    entry: Mapping[str, Any],
    where: str,
    inputs: tuple[tuple[str, str], ...],
) -> _Outcome:
    if purpose == "revocation":
        if value:
            return _Outcome(CheckStatus.FAIL, f"revoked by the issuer ({where})", inputs)
        return _Outcome(CheckStatus.PASS, f"not revoked ({where})", inputs)
    if purpose == "suspension":
        if value:
            return _Outcome(CheckStatus.FAIL, f"suspended by the issuer ({where})", inputs)
        return _Outcome(CheckStatus.PASS, f"not suspended ({where})", inputs)
    if purpose == "message":
        message = _status_message(entry, value)
        # A status message informs; it does not change whether the credential is valid.
        return _Outcome(CheckStatus.PASS, f"status message {message!r} ({where})", inputs)
    return _Outcome(
        CheckStatus.PASS, f"status purpose {purpose!r} does not affect validity ({where})", inputs
    )


def _status_message(entry: Mapping[str, Any], value: int) -> str:
    messages = entry.get("statusMessage")
    if isinstance(messages, list):
        for item in messages:
            if not isinstance(item, Mapping):
                continue
            code = item.get("status")
            if isinstance(code, str) and _non_negative_int(code, base=16) == value:
                return str(item.get("message", hex(value)))
    return hex(value)


def _list_problem(list_doc: JSONObject, purpose: str, now: datetime) -> str | None:
    """Why a fetched status list credential cannot be used, or None."""
    types = _types(list_doc)
    if not types & _LIST_TYPES:
        return "it is not a BitstringStatusListCredential or StatusList2021Credential"
    subject = _subject(list_doc)
    if subject is None:
        return "it has no credentialSubject"
    subject_types = _types(subject)
    if subject_types and not subject_types & _SUBJECT_TYPES:
        return "its credentialSubject is not a BitstringStatusList"
    list_purposes = subject.get("statusPurpose")
    if isinstance(list_purposes, str):
        list_purposes = [list_purposes]
    # A list without statusPurpose (seen in Blockcerts samples) serves the entry's purpose.
    if isinstance(list_purposes, list) and list_purposes and purpose not in list_purposes:
        return f"its statusPurpose {list_purposes} does not match the entry's {purpose!r}"
    starts = parse_datetime(list_doc.get("validFrom") or list_doc.get("issuanceDate"))
    ends = parse_datetime(list_doc.get("validUntil") or list_doc.get("expirationDate"))
    if starts is not None and now < starts:
        return f"it is not valid until {starts.isoformat()}"
    if ends is not None and now > ends:
        return f"it expired on {ends.isoformat()}"
    return None


def _verify_list_credential(
    list_doc: JSONObject, options: VerifyOptions
) -> tuple[CheckStatus, str]:
    if options.verify_embedded is None:
        return CheckStatus.UNKNOWN, "no verifier for the status list credential"
    report = options.verify_embedded(list_doc)
    status = report.status
    if status is ReportStatus.VALID:
        return CheckStatus.PASS, "status list credential verified"
    failing = [c for c in report.checks if c.required and c.status is CheckStatus.FAIL]
    unknown = [c for c in report.checks if c.required and c.status is CheckStatus.UNKNOWN]
    if status is ReportStatus.INVALID and failing:
        first = failing[0]
        return CheckStatus.FAIL, f"its {first.name} check failed: {first.detail}".rstrip(": ")
    if unknown:
        first = unknown[0]
        return CheckStatus.UNKNOWN, f"its {first.name} check is unknown: {first.detail}".rstrip(
            ": "
        )
    return CheckStatus.UNKNOWN, f"the status list credential is {status}"


def decode_status_list(encoded: object) -> bytes:
    """The bitstring of an ``encodedList``: multibase ``u`` base64url (or bare) of GZIP data."""
    if not isinstance(encoded, str) or not encoded:
        raise StatusListError("encodedList is missing")
    candidates = [encoded[1:], encoded] if encoded.startswith("u") else [encoded]
    for text in candidates:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            continue
        if raw.startswith(_GZIP_MAGIC):
            return _gunzip(raw)
    raise StatusListError("encodedList is not base64url-encoded GZIP data")


def _gunzip(raw: bytes) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(raw, MAX_STATUS_LIST_BYTES)
    except zlib.error as exc:
        raise StatusListError(f"encodedList does not decompress: {exc}") from None
    if inflater.unconsumed_tail:
        raise StatusListError(f"status list is larger than {MAX_STATUS_LIST_BYTES} bytes")
    if not inflater.eof:
        raise StatusListError("encodedList is truncated")
    return data


def read_status(bits: bytes, index: int, size: int = 1) -> int:
    """The ``size``-bit value at entry ``index``; bit 0 is the left-most bit of byte 0."""
    start = index * size
    if start + size > len(bits) * 8:
        raise StatusListError(
            f"index {index} is outside the list ({len(bits) * 8 // size} entries)"
        )
    value = 0
    for position in range(start, start + size):
        bit = (bits[position // 8] >> (7 - position % 8)) & 1
        value = (value << 1) | bit
    return value


# --- OB 2.0 / Blockcerts revocation lists ---------------------------------------------------


def check_revocation_list(
    assertion_id: str | None,
    list_url: str | None,
    options: VerifyOptions,
    *,
    query_id: str | None = None,
    extra_ids: tuple[str, ...] = (),
    issuer_id: str | None = None,
) -> Check:
    """The ``revocation`` check against an OB 2.0 RevocationList.

    ``list_url`` must be the one the issuer's own profile names (callers take it from there).
    ``query_id``, when given, is appended as ``assertionId`` (Blockcerts issuers answer per
    assertion). ``extra_ids`` are other identifiers of the same assertion (OB 2.0 ``uid``).
    ``issuer_id`` is the issuer profile's id: a list that names an ``issuer`` on another origin
    is not used. (Same origin is enough: issuing platforms serve one organisation's profiles
    and lists from one host, and Blockcerts' own samples name a sibling profile there.)
    """
    if not list_url:
        return Check(CHECK_NAME, CheckStatus.SKIP, "the issuer publishes no revocation list")
    url = list_url
    if query_id is not None:
        url = f"{list_url}{'&' if '?' in list_url else '?'}assertionId={query_id}"
    inputs: tuple[tuple[str, str], ...] = (("revocation list", url),)
    if not assertion_id and not extra_ids:
        return Check(CHECK_NAME, CheckStatus.UNKNOWN, "the assertion has no id to look up", inputs)
    try:
        revocations, fetched = fetch_json(options.fetcher, url, what="revocation list")
    except FetchError as exc:
        return Check(CHECK_NAME, CheckStatus.UNKNOWN, f"revocation list unavailable: {exc}", inputs)
    except BadInput as exc:
        return Check(CHECK_NAME, CheckStatus.FAIL, str(exc), inputs)
    inputs = (*inputs, ("revocation list fetched", as_of(fetched)))
    list_issuer = _id_of(revocations.get("issuer"))
    if (
        list_issuer is not None
        and issuer_id is not None
        and _origin(list_issuer) != _origin(issuer_id)
    ):
        return Check(
            CHECK_NAME,
            CheckStatus.UNKNOWN,
            f"revocation list {url} not used: it is issued by {list_issuer}, not by the "
            f"credential's issuer {issuer_id}: it cannot say whether this credential is revoked",
            inputs,
        )
    revoked = revocations.get("revokedAssertions", [])
    if not isinstance(revoked, list):
        return Check(
            CHECK_NAME, CheckStatus.FAIL, f"revocation list {url} has no revokedAssertions list"
        )
    wanted = {i for i in (assertion_id, *extra_ids) if i}
    for item in revoked:
        ids, reason = _revoked_ids(item)
        if ids & wanted:
            because = f", reason: {reason}" if reason else ""
            return Check(
                CHECK_NAME,
                CheckStatus.FAIL,
                f"revoked by the issuer (revocation list {url}{because}, {as_of(fetched)})",
                inputs,
            )
    return Check(
        CHECK_NAME,
        CheckStatus.PASS,
        f"not revoked (revocation list {url}, {as_of(fetched)})",
        inputs,
    )


def _origin(url: str) -> tuple[str, str]:
    """(scheme, host) of a URL, lower-cased; a non-URL id is its own origin."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return ("", url)
    return (parts.scheme.lower(), parts.netloc.lower())


def _revoked_ids(item: object) -> tuple[set[str], str | None]:
    if isinstance(item, str):
        return {item}, None
    if isinstance(item, Mapping):
        ids = {str(item[k]) for k in ("id", "uid") if isinstance(item.get(k), str)}
        reason = item.get("revocationReason")
        return ids, reason if isinstance(reason, str) else None
    return set(), None


def quote_assertion_id(assertion_id: str) -> str:
    """Percent-encode an id for an ``assertionId`` query (as Blockcerts v3 issuers expect)."""
    return quote(assertion_id, safe="")


# --- small helpers -------------------------------------------------------------------------


def _types(node: Mapping[str, Any]) -> set[str]:
    value = node.get("type", node.get("@type"))
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {t for t in value if isinstance(t, str)}
    return set()


def _subject(document: Mapping[str, Any]) -> Mapping[str, Any] | None:
    subject = document.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    return subject if isinstance(subject, Mapping) else None


def _non_negative_int(value: object, *, base: int = 10) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and 0 < len(value) <= 20:
        text = value[2:] if base == 16 and value.lower().startswith("0x") else value
        try:
            number = int(text, base)
        except ValueError:
            return None
        return number if number >= 0 and text.isalnum() else None
    return None
