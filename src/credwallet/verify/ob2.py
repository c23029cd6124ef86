"""Open Badges 2.0 verification: hosted and signed assertions.

- **Hosted** (``verification.type`` ``hosted``/``HostedBadge``): the assertion's ``id`` is an
  HTTPS URL that the issuer serves. The copy at that URL is fetched and must be the same
  assertion (same id, same badge, same recipient); a ``revoked: true`` answer (usually with
  HTTP 410) is a revocation. The URL must be in the scope the issuer allows: the issuer
  profile's ``verification.allowedOrigins`` / ``startsWith``, by default the host of the issuer
  profile's own id.
- **Signed** (``signed``/``SignedBadge``): a compact JWS whose payload is the assertion, RS256
  (ES256 also accepted; ``none`` and HMAC never). The key is the CryptographicKey at
  ``verification.creator``; it must be owned by the issuer and listed in the issuer profile's
  ``publicKey``.

The BadgeClass and the issuer Profile are fetched when given as URLs, and the BadgeClass's
issuer must be the Profile that was fetched. Checks returned: ``format``, ``proof``,
``issuer-key`` and ``revocation``; validity dates and recipient matching are the engine's.
No URL that is not HTTPS (``file:``, ``data:``, private or loopback hosts) is ever fetched.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from credwallet import _crypto
from credwallet.errors import BadInput, FetchError
from credwallet.formats.jose import CompactJws, decode_compact_jws
from credwallet.formats.jsonutil import loads_strict
from credwallet.models import Check, CheckStatus, Credential, JSONObject
from credwallet.net import HttpStatusError, check_url
from credwallet.verify.remote import as_of, cached_unfetchable, fetch_json
from credwallet.verify.status import CHECK_NAME as REVOCATION
from credwallet.verify.status import check_revocation_list

if TYPE_CHECKING:
    from credwallet.net import Fetched
    from credwallet.verify.engine import VerifyOptions

__all__ = ["ALLOWED_ALGORITHMS", "verify_ob2"]

#: JWS algorithms accepted for OB 2.0 signed assertions (the spec names RS256).
ALLOWED_ALGORITHMS = frozenset({"RS256", "ES256"})
_HOSTED = {"hosted", "hostedbadge"}
_SIGNED = {"signed", "signedbadge"}


class _Unavailable(Exception):
    """A document needed for a check could not be had; the check is unknown."""


class _Refused(Exception):
    """A document needed for a check is wrong (bad URL, not JSON, not the same); the check fails."""


@dataclass
class _State:
    """What verification has learnt so far; each step fills in a part."""

    options: VerifyOptions
    assertion: JSONObject
    checks: dict[str, Check] = field(default_factory=dict)
    badge: JSONObject | None = None
    issuer: JSONObject | None = None
    issuer_id: str | None = None
    notes: list[str] = field(default_factory=list)

    def set(self, name: str, status: CheckStatus, detail: str, **inputs: str) -> None:
        if name not in self.checks:  # the first verdict on a check is the one that stands
            pairs = tuple((k.replace("_", " "), v) for k, v in inputs.items())
            self.checks[name] = Check(name, status, detail, pairs)


def verify_ob2(credential: Credential, options: VerifyOptions) -> list[Check]:
    """The format, proof, issuer-key and revocation checks of an OB 2.0 assertion."""
    jws: CompactJws | None = None
    assertion = credential.document
    if credential.jws:
        try:
            jws = decode_compact_jws(credential.jws)
        except BadInput as exc:
            return _finish(_State(options, assertion), failed=f"signed assertion: {exc}")
        assertion = jws.payload
    state = _State(options, assertion)
    if assertion.get("revoked") is True:  # a revocation notice (what a 410 answer carries)
        reason = assertion.get("revocationReason")
        because = f": {reason}" if isinstance(reason, str) else ""
        state.set(REVOCATION, CheckStatus.FAIL, f"revoked by the issuer{because}")
    kind = _verification_kind(assertion, signed=jws is not None)
    if kind is None:
        return _finish(state, failed="the assertion has no hosted or signed verification")
    if jws is None and kind == "signed":
        return _finish(state, failed="a signed assertion must be verified from its JWS")
    bare = set(assertion) <= {"id", "@context"}  # known by URL only: judged once fetched
    problem = None if bare else _context_problem(assertion)
    if problem is not None:
        state.set("format", CheckStatus.FAIL, problem)
    if kind == "hosted":
        _verify_hosted(state)
        if bare and state.assertion is not assertion:
            problem = _context_problem(state.assertion)
            if problem is not None:
                state.set("format", CheckStatus.FAIL, f"the hosted assertion: {problem}")
    _load_badge_and_issuer(state)
    if kind == "hosted":
        _check_hosted_scope(state)
    elif jws is not None:
        _verify_signed(state, jws)
    _check_revocation(state)
    notes = f" ({'; '.join(state.notes)})" if state.notes else ""
    state.set("format", CheckStatus.PASS, f"Open Badges 2.0 {kind} assertion{notes}")
    return _ordered(state)


#: The Open Badges 2.0 JSON-LD context (the spec's URL, and the host it was first served from);
#: matched inside the string so that http:// and ``/context.json`` spellings count too.
_OB2_CONTEXTS = ("w3id.org/openbadges/v2", "openbadgespec.org/v2")
#: Open Badges 1.1 assertions carried the v1 context; 1.0 ones had none (see below).
_OB1_CONTEXTS = ("w3id.org/openbadges/v1", "openbadgespec.org/v1")


def _context_problem(assertion: Mapping[str, Any]) -> str | None:
    """Why the assertion's ``@context`` is not that of Open Badges, or None.

    Without the Open Badges context the terms of the assertion mean nothing defined, whatever
    the fields look like: that is a malformed assertion (``format`` fails), not something
    that could not be checked. Open Badges 1.0 assertions predate JSON-LD: one with no
    ``@context`` at all is read as 1.0 when it has 1.0's ``verify`` object and no 2.0 ``type``.
    """
    raw = assertion.get("@context")
    contexts = raw if isinstance(raw, list) else [raw]
    names = [c for c in contexts if isinstance(c, str)]
    if any(m in c for c in names for m in _OB2_CONTEXTS + _OB1_CONTEXTS):
        return None
    if raw is None:
        if "type" not in assertion and "verification" not in assertion:
            return None  # Open Badges 1.0
        return "the assertion has no @context: it must be https://w3id.org/openbadges/v2"
    shown = ", ".join(repr(c) for c in names[:3]) or "not a context URL"
    return f"the assertion's @context ({shown}) is not the Open Badges 2.0 context https://w3id.org/openbadges/v2"


def _finish(state: _State, *, failed: str) -> list[Check]:
    state.set("format", CheckStatus.FAIL, failed)
    for name in ("proof", "issuer-key", REVOCATION):
        state.set(name, CheckStatus.SKIP, "not checked: the assertion is not well-formed")
    return _ordered(state)


def _ordered(state: _State) -> list[Check]:
    order = ("format", "proof", "issuer-key", REVOCATION)
    return [state.checks[n] for n in order if n in state.checks]


def _verification_kind(assertion: Mapping[str, Any], *, signed: bool) -> str | None:
    verification = assertion.get("verification")
    if not isinstance(verification, Mapping):
        verification = assertion.get("verify")  # OB 1.x and the OB 2.0 spec's JWS example
    if not isinstance(verification, Mapping):
        if signed:
            return "signed"
        # A bare URL reference (a hosted badge known only by its id) is hosted by nature.
        return "hosted" if set(assertion) <= {"id", "@context"} else None
    kinds = {t.lower() for t in _strings(verification.get("type"))}
    if kinds & _SIGNED or signed:
        return "signed"
    if kinds & _HOSTED:
        return "hosted"
    return None


# --- hosted ------------------------------------------------------------------------------


def _hosted_url(assertion: Mapping[str, Any]) -> str | None:
    """OB 2.0: the assertion's id; OB 1.x: ``verify.url`` (its id was a bare uid)."""
    url = _ref(assertion.get("id"))
    if url is not None and url.startswith(("https:", "http:")):
        return url
    verification = assertion.get("verify")
    if isinstance(verification, Mapping):
        legacy = _ref(verification.get("url"))
        if legacy is not None:
            return legacy
    return url


def _verify_hosted(state: _State) -> None:
    url = _hosted_url(state.assertion)
    if url is None:
        state.set("proof", CheckStatus.FAIL, "hosted assertion has no id URL")
        return
    try:
        _refuse_unfetchable(state, url, "hosted assertion id")
        hosted, fetched = _fetch(state, url, "hosted assertion")
    except _Refused as exc:
        state.set("proof", CheckStatus.FAIL, str(exc), hosted_assertion=url)
        return
    except _HostedRevoked as revoked:
        state.set(
            "proof",
            CheckStatus.SKIP,
            f"not compared: the issuer reports {url} revoked",
            hosted_assertion=url,
        )
        state.set(REVOCATION, CheckStatus.FAIL, str(revoked), hosted_assertion=url)
        return
    except _Unavailable as exc:
        state.set("proof", CheckStatus.UNKNOWN, str(exc), hosted_assertion=url)
        return
    if hosted.get("revoked") is True:
        reason = hosted.get("revocationReason")
        state.set(
            REVOCATION,
            CheckStatus.FAIL,
            f"revoked by the issuer (hosted assertion {url}"
            + (f", reason: {reason}" if isinstance(reason, str) else "")
            + f", {as_of(fetched)})",
            hosted_assertion=url,
        )
        # A revocation notice (Badgr answers 200 with only id, revoked and the reason) no
        # longer carries the badge or recipient: there is nothing to compare, and a missing
        # badge there is not a forgery. Only its id must be this assertion's.
        hosted_id = _ref(hosted.get("id"))
        if hosted_id is not None and hosted_id != url:
            state.set(
                "proof",
                CheckStatus.FAIL,
                f"the hosted copy at {url} is not this assertion: its id is {hosted_id!r}",
                hosted_assertion=url,
            )
        else:
            state.set(
                "proof",
                CheckStatus.SKIP,
                f"not compared: the issuer reports {url} revoked",
                hosted_assertion=url,
            )
        return
    difference = _difference(state.assertion, hosted, url)
    if difference:
        state.set(
            "proof",
            CheckStatus.FAIL,
            f"the hosted copy at {url} is not this assertion: {difference}",
            hosted_assertion=url,
        )
        return
    if set(state.assertion) <= {"id", "@context"}:
        state.assertion = hosted  # known only by URL: the hosted copy is the assertion
    state.set(
        "proof",
        CheckStatus.PASS,
        f"hosted assertion fetched from {url} matches ({as_of(fetched)})",
        hosted_assertion=url,
    )


class _HostedRevoked(Exception):
    """The hosted assertion URL answered that the assertion is revoked."""


def _difference(local: Mapping[str, Any], hosted: Mapping[str, Any], url: str) -> str | None:
    hosted_id = _ref(hosted.get("id"))
    legacy_match = hosted_id is None and local.get("uid") is not None
    if legacy_match and hosted.get("uid") != local.get("uid"):
        return "its uid differs"
    if hosted_id != url and not legacy_match:
        return f"its id is {hosted_id!r}"
    if set(local) <= {"id", "@context"}:
        return None
    if _ref(local.get("badge")) != _ref(hosted.get("badge")):
        return "the badge differs"
    if _recipient_key(local.get("recipient")) != _recipient_key(hosted.get("recipient")):
        return "the recipient differs"
    return None


def _recipient_key(value: object) -> tuple[object, ...] | None:
    if not isinstance(value, Mapping):
        return None
    hashed = value.get("hashed")
    return (
        value.get("identity"),
        value.get("type"),
        hashed is True or hashed == "true",
        value.get("salt"),
    )


def _check_hosted_scope(state: _State) -> None:
    """The hosted URL must be in the scope the issuer's verification policy allows."""
    url = _hosted_url(state.assertion)
    if state.issuer is None or state.issuer_id is None or url is None:
        if "issuer-key" not in state.checks:
            state.set("issuer-key", CheckStatus.UNKNOWN, "the issuer profile is not available")
        return
    policy = state.issuer.get("verification")
    policy = policy if isinstance(policy, Mapping) else {}
    origins = _strings(policy.get("allowedOrigins"))
    prefixes = _strings(policy.get("startsWith"))
    host = _host(url)
    allowed_hosts = {o.lower() for o in origins} or {_host(state.issuer_id)}
    if host not in allowed_hosts:
        state.set(
            "issuer-key",
            CheckStatus.FAIL,
            f"hosted assertion host {host!r} is not allowed by issuer {state.issuer_id} "
            f"(allowed: {', '.join(sorted(allowed_hosts))})",
            issuer=state.issuer_id,
        )
        return
    if prefixes and not any(url.startswith(p) for p in prefixes):
        state.set(
            "issuer-key",
            CheckStatus.FAIL,
            f"hosted assertion {url} does not start with an allowed prefix of issuer "
            f"{state.issuer_id}",
            issuer=state.issuer_id,
        )
        return
    state.set(
        "issuer-key",
        CheckStatus.PASS,
        f"hosted at {host}, which issuer {state.issuer_id} allows",
        issuer=state.issuer_id,
    )


# --- signed ------------------------------------------------------------------------------


def _verify_signed(state: _State, jws: CompactJws) -> None:
    alg = jws.alg
    if alg is None or alg not in ALLOWED_ALGORITHMS:
        shown = alg if alg is not None else "(none given)"
        state.set("proof", CheckStatus.FAIL, f"JWS algorithm {shown} is not allowed for OB 2.0")
        state.set("issuer-key", CheckStatus.SKIP, "no acceptable signature to bind to a key")
        return
    verification = state.assertion.get("verification")
    if not isinstance(verification, Mapping):
        verification = state.assertion.get("verify")
    creator = _ref(verification.get("creator")) if isinstance(verification, Mapping) else None
    if creator is None:
        creator = _issuer_single_key(state)
    if creator is None:
        state.set("proof", CheckStatus.FAIL, "signed assertion names no verification.creator key")
        state.set("issuer-key", CheckStatus.FAIL, "no signing key to bind to the issuer")
        return
    try:
        _refuse_unfetchable(state, creator, "signing key")
        key_doc, fetched = _fetch(state, creator, "signing key")
    except _Refused as exc:
        state.set("proof", CheckStatus.FAIL, str(exc), key=creator)
        state.set("issuer-key", CheckStatus.FAIL, str(exc), key=creator)
        return
    except (_Unavailable, _HostedRevoked) as exc:
        state.set("proof", CheckStatus.UNKNOWN, str(exc), key=creator)
        state.set("issuer-key", CheckStatus.UNKNOWN, str(exc), key=creator)
        return
    pem = key_doc.get("publicKeyPem")
    try:
        if not isinstance(pem, str):
            raise ValueError("no publicKeyPem")
        key = _crypto.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        state.set(
            "proof", CheckStatus.FAIL, f"signing key {creator} is unusable: {exc}", key=creator
        )
        state.set("issuer-key", CheckStatus.FAIL, f"signing key {creator} is unusable", key=creator)
        return
    if _crypto.verify_signature(key, alg, jws.signature, jws.signing_input):
        state.set(
            "proof",
            CheckStatus.PASS,
            f"{alg} signature verified with {creator} ({as_of(fetched)})",
            key=creator,
            algorithm=alg,
        )
    else:
        state.set(
            "proof",
            CheckStatus.FAIL,
            f"{alg} signature does not verify with {creator}",
            key=creator,
        )
    _check_key_owner(state, creator, key_doc)


def _issuer_single_key(state: _State) -> str | None:
    """OB 2.0: without a creator, the issuer's (only) publicKey is the key to use."""
    if state.issuer is None:
        return None
    keys = [k for k in _key_ids(state.issuer.get("publicKey")) if k]
    return keys[0] if len(keys) == 1 else None


def _check_key_owner(state: _State, creator: str, key_doc: Mapping[str, Any]) -> None:
    key_id = _ref(key_doc.get("id"))
    owner = _ref(key_doc.get("owner"))
    if key_id is not None and key_id != creator:
        state.set(
            "issuer-key",
            CheckStatus.FAIL,
            f"the key at {creator} calls itself {key_id}",
            key=creator,
        )
        return
    if state.issuer_id is None or state.issuer is None:
        state.set(
            "issuer-key",
            CheckStatus.UNKNOWN,
            f"key {creator} is owned by {owner}, but the issuer profile is not available",
            key=creator,
        )
        return
    if owner != state.issuer_id:
        state.set(
            "issuer-key",
            CheckStatus.FAIL,
            f"key {creator} is owned by {owner!r}, not by the issuer {state.issuer_id}",
            key=creator,
            issuer=state.issuer_id,
        )
        return
    if creator not in _key_ids(state.issuer.get("publicKey")):
        state.set(
            "issuer-key",
            CheckStatus.FAIL,
            f"issuer {state.issuer_id} does not list key {creator} in its publicKey",
            key=creator,
            issuer=state.issuer_id,
        )
        return
    state.set(
        "issuer-key",
        CheckStatus.PASS,
        f"key {creator} belongs to issuer {state.issuer_id}",
        key=creator,
        issuer=state.issuer_id,
    )


def _key_ids(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    ids = []
    for item in items:
        ref = _ref(item)
        if ref is not None:
            ids.append(ref)
    return ids


# --- BadgeClass, issuer and revocation ---------------------------------------------------


def _load_badge_and_issuer(state: _State) -> None:
    badge_value = state.assertion.get("badge")
    try:
        badge = _resolve(state, badge_value, "BadgeClass")
    except _Refused as exc:
        state.set("issuer-key", CheckStatus.FAIL, str(exc))
        return
    except (_Unavailable, _HostedRevoked) as exc:
        state.notes.append(str(exc))
        return
    state.badge = badge
    issuer_value = badge.get("issuer")
    issuer_ref = _ref(issuer_value)
    try:
        issuer = _resolve(state, issuer_value, "issuer profile")
    except _Refused as exc:
        state.set("issuer-key", CheckStatus.FAIL, str(exc))
        return
    except (_Unavailable, _HostedRevoked) as exc:
        state.notes.append(str(exc))
        return
    issuer_id = _ref(issuer.get("id"))
    if isinstance(issuer_value, str) and issuer_id != issuer_ref:
        state.set(
            "issuer-key",
            CheckStatus.FAIL,
            f"the issuer profile at {issuer_ref} calls itself {issuer_id!r}",
            issuer=str(issuer_ref),
        )
        return
    state.issuer = issuer
    state.issuer_id = issuer_id


def _resolve(state: _State, value: object, what: str) -> JSONObject:
    """An embedded object as is, or the document its URL points to."""
    if isinstance(value, Mapping):
        return dict(value)
    if not isinstance(value, str) or not value:
        raise _Refused(f"the assertion has no {what}")
    _refuse_unfetchable(state, value, what)
    document, _fetched = _fetch(state, value, what)
    return document


def _check_revocation(state: _State) -> None:
    if REVOCATION in state.checks:
        return
    if state.issuer is None:
        state.set(REVOCATION, CheckStatus.UNKNOWN, "the issuer profile is not available")
        return
    list_url = _ref(state.issuer.get("revocationList"))
    if list_url is not None:
        try:
            _refuse_unfetchable(state, list_url, "revocation list")
        except _Refused as exc:
            state.set(REVOCATION, CheckStatus.FAIL, str(exc))
            return
        except _Unavailable as exc:  # e.g. an http:// list not in the cache: not checked
            state.set(REVOCATION, CheckStatus.UNKNOWN, str(exc), revocation_list=list_url)
            return
    uid = state.assertion.get("uid")
    check = check_revocation_list(
        _ref(state.assertion.get("id")),
        list_url,
        state.options,
        extra_ids=(uid,) if isinstance(uid, str) else (),
        issuer_id=state.issuer_id,
    )
    state.checks[REVOCATION] = check


# --- fetching ----------------------------------------------------------------------------


def _refuse_unfetchable(state: _State, url: str, what: str) -> None:
    """Refuse non-HTTPS, file:, data:, private or loopback URLs before anything is fetched.

    A copy the user put in the cache is used whatever the URL (see remote.cached_unfetchable).
    """
    fetcher = state.options.fetcher
    if cached_unfetchable(fetcher, url) is not None:
        return
    allow_loopback = bool(fetcher is not None and fetcher.allow_loopback)
    try:
        check_url(url, allow_loopback=allow_loopback)
    except FetchError as exc:
        reason = _reason(exc)
        if url.lower().startswith(("http://", "https://")):
            # An old badge hosted over plain http, or on an intranet address, may well be
            # genuine: credwallet will not fetch it, so the check could not be done (unknown).
            # Only what can never be a hosted badge (file:, data:, ...) is a failure.
            raise _Unavailable(f"{what} {url} was not fetched: {reason}") from None
        raise _Refused(f"{what} {url!r} is not fetched: {reason}") from None


def _fetch(state: _State, url: str, what: str) -> tuple[JSONObject, Fetched]:
    try:
        return fetch_json(
            state.options.fetcher, url, what=what, accept="application/ld+json, application/json"
        )
    except HttpStatusError as exc:
        if exc.status == 410:
            raise _HostedRevoked(_gone_detail(url, exc.body)) from None
        if exc.status == 404:  # the issuer says there is no such document
            raise _Refused(f"{what} {url} does not exist (HTTP 404)") from None
        raise _Unavailable(f"{what} {url} unavailable: {exc}") from None
    except FetchError as exc:
        raise _Unavailable(f"{what} {url} unavailable: {exc}") from None
    except BadInput as exc:
        raise _Refused(str(exc)) from None


def _gone_detail(url: str, body: bytes) -> str:
    reason = None
    try:
        value = loads_strict(body)
    except BadInput:
        value = None
    if isinstance(value, dict) and isinstance(value.get("revocationReason"), str):
        reason = value["revocationReason"]
    return f"revoked by the issuer ({url} answered 410 Gone" + (
        f", reason: {reason})" if reason else ")"
    )


def _reason(exc: FetchError) -> str:
    text = str(exc)
    return text.split(": ", 1)[1] if text.startswith("refused to fetch") and ": " in text else text


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _ref(value: object) -> str | None:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, Mapping):
        inner = value.get("id")
        return inner if isinstance(inner, str) and inner else None
    return None


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []
