"""The verification engine: every check on a credential, one report, whatever the format.

Checks, in the order a report lists them:

``format``      the document is a well-formed credential of its kind (contexts, type, ids)
``proof``       every proof / the JWS signature verifies (a proof set: all of them)
``issuer-key``  each signing key was resolved AND belongs to the issuer (a key of anyone else,
                a did:web method the issuer's DID document does not list under
                ``assertionMethod``, or a key nothing ties to the issuer: fail or unknown)
``validity``    validFrom/validUntil, issuanceDate/expirationDate, JWT nbf/exp against ``now``
``revocation``  status list / revocation list (status.py)
``recipient``   issued to one of the user's identities (never required)
``trust``       issuer registered / pinned / unknown / blocked (trust.py; advice, except that a
                blocked issuer is a required failure)

A presentation gets its own report (holder proof, challenge, domain) and one report per
credential in it; its own report ends with a required ``credentials`` check summing up those
(so a bad credential inside is never hidden behind a "valid" presentation), and an unsigned
presentation's ``proof`` is ``unknown``: as a presentation it proves nothing, so it is never
``valid``. An EnvelopedVerifiableCredential (a VC-JWT or an SD-JWT VC in a data: URL, see
formats/enveloped.py) is unwrapped and verified like the stand-alone credential. A Blockcerts
presentation (a MerkleProof2019 of its own) is verified by blockcerts.py, which also covers the
credentials inside it.

A sub-step that raises a CredwalletError becomes a check (BadInput: fail; VerificationIncomplete:
unknown), so a hostile or broken credential gives a report, never a traceback.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from credwallet.errors import BadInput, CredwalletError, VerificationIncomplete
from credwallet.formats import enveloped
from credwallet.models import (
    Check,
    CheckStatus,
    Container,
    Credential,
    CredentialFormat,
    JSONObject,
    VerificationReport,
)
from credwallet.verify import dataintegrity, validity
from credwallet.verify.keys import ResolvedKey, resolve_verification_method
from credwallet.verify.recipient import check_recipient

if TYPE_CHECKING:
    from credwallet.net import Fetcher
    from credwallet.verify.jsonld import DocumentLoader
    from credwallet.verify.trust import TrustConfig

__all__ = [
    "VerifyOptions",
    "verify_credential",
    "verify_document",
    "verify_presentation",
    "verify_presentation_jwt",
]

VC_V1_CONTEXT: Final = "https://www.w3.org/2018/credentials/v1"
VC_V2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
_URI: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")
#: Types only Open Badges 3.0 / CLR 2.0 define: a credential of one needs their @context.
_OB_TYPES: Final = frozenset(
    {"OpenBadgeCredential", "AchievementCredential", "EndorsementCredential", "ClrCredential"}
)
#: Every published OB 3.0 / CLR 2.0 context, and the drafts early issuers used, start so.
_OB_CONTEXT_PREFIXES: Final = (
    "https://purl.imsglobal.org/spec/ob/",
    "https://purl.imsglobal.org/spec/clr/",
    "https://imsglobal.github.io/openbadges-specification/",
    "https://dc.imsglobal.org/draft/",
)


@dataclass(frozen=True)
class VerifyOptions:
    """Everything a verification depends on besides the credential itself.

    Time and the network are parameters so that a verification is reproducible: ``now`` is the
    instant validity is judged at; ``fetcher`` None means no network and no cache at all.
    """

    now: datetime
    fetcher: Fetcher | None = None
    loader: DocumentLoader | None = None
    identities: tuple[str, ...] = ()
    trusted_issuers: tuple[str, ...] = ()
    offline: bool = False
    expected_proof_purpose: str = "assertionMethod"
    challenge: str | None = None
    domain: str | None = None
    # Set by the engine so status.py can verify an embedded status list credential.
    verify_embedded: Callable[[JSONObject], VerificationReport] | None = None
    # How deep inside another credential this one sits (an endorsement, a CLR's credential, a
    # refreshed copy): nested.py and refresh.py bound the recursion with it.
    nested_depth: int = 0
    # The user's registries, pins and blocks (wallet/trust.py); None: none chosen.
    trust: TrustConfig | None = None


# --- small helpers ------------------------------------------------------------------------------


def _failure(name: str, exc: CredwalletError, *, required: bool = True) -> Check:
    status = CheckStatus.UNKNOWN if isinstance(exc, VerificationIncomplete) else CheckStatus.FAIL
    inputs: tuple[tuple[str, str], ...] = ()
    url = getattr(exc, "url", None)
    if isinstance(url, str):
        inputs = (("url", url),)
    return Check(name, status, exc.message, inputs, required=required)


def _guarded(name: str, step: Callable[[], Check], *, required: bool = True) -> Check:
    try:
        return step()
    except CredwalletError as exc:
        return _failure(name, exc, required=required)


def _id_of(value: object) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _is_uri(value: str) -> bool:
    return _URI.fullmatch(value) is not None


def _worst(statuses: list[CheckStatus]) -> CheckStatus:
    for status in (CheckStatus.FAIL, CheckStatus.UNKNOWN):
        if status in statuses:
            return status
    return CheckStatus.PASS


def _loader_for(options: VerifyOptions) -> DocumentLoader:
    if options.loader is not None:
        return options.loader
    if options.fetcher is None or options.offline:
        return dataintegrity.default_loader()
    from credwallet.verify.jsonld import DocumentLoader

    fetcher = options.fetcher

    def fetch(url: str) -> bytes:
        return fetcher.fetch(url, accept="application/ld+json, application/json").body

    return DocumentLoader(fetcher=fetch, offline=False)


def _resolver(options: VerifyOptions) -> Callable[[str], ResolvedKey]:
    memo: dict[str, ResolvedKey] = {}

    def resolve(vm: str) -> ResolvedKey:
        if vm not in memo:
            memo[vm] = resolve_verification_method(vm, fetcher=options.fetcher)
        return memo[vm]

    return resolve


# --- format -------------------------------------------------------------------------------------


def _format_check(
    document: Mapping[str, Any], *, kind: str, issuer: str | None, label: str
) -> Check:
    """Structural rules of the VC data model the signature does not enforce by itself."""
    contexts = _as_list(document.get("@context"))
    if not contexts:
        return Check("format", CheckStatus.FAIL, "no @context: this is not a JSON-LD credential")
    first = contexts[0]
    if first not in (VC_V1_CONTEXT, VC_V2_CONTEXT):
        return Check(
            "format",
            CheckStatus.FAIL,
            f"the first @context is {first!r}, not the Verifiable Credentials context",
        )
    types = _as_list(document.get("type"))
    if kind not in types:
        return Check("format", CheckStatus.FAIL, f"the type does not include {kind}")
    identifier = document.get("id")
    if identifier is not None and (not isinstance(identifier, str) or not _is_uri(identifier)):
        return Check("format", CheckStatus.FAIL, f"the {label} id {identifier!r} is not a URI")
    if kind == "VerifiableCredential":
        if issuer is None:
            return Check("format", CheckStatus.FAIL, "the credential names no issuer")
        if not _is_uri(issuer):
            return Check("format", CheckStatus.FAIL, f"the issuer id {issuer!r} is not a URI")
        if not isinstance(document.get("credentialSubject"), dict | list):
            return Check("format", CheckStatus.FAIL, "the credential has no credentialSubject")
        ob_types = sorted(_OB_TYPES & {t for t in types if isinstance(t, str)})
        if ob_types and not any(
            isinstance(c, str) and c.startswith(_OB_CONTEXT_PREFIXES) for c in contexts
        ):
            # Without the Open Badges (or CLR) context, OB terms such as "achievement" mean
            # nothing defined (VC 2.0's @vocab makes them issuer-dependent): malformed.
            return Check(
                "format",
                CheckStatus.FAIL,
                f"{ob_types[0]} needs the Open Badges 3.0 @context "
                "(https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json or an earlier "
                "version); this one has none",
            )
    version = "VC 2.0" if first == VC_V2_CONTEXT else "VC 1.1"
    return Check(
        "format",
        CheckStatus.PASS,
        f"well-formed {label} ({version})",
        (("data model", version), ("types", ", ".join(str(t) for t in types))),
    )


# --- proof and key binding ----------------------------------------------------------------------


def _binding(
    role: str, owner: str | None, key: ResolvedKey, purpose: str
) -> tuple[CheckStatus, str]:
    """Whether ``key`` belongs to ``owner`` (the issuer, or a presentation's holder)."""
    vm = key.verification_method
    if owner is None:
        return CheckStatus.FAIL, f"the {role} is not named, so {vm} cannot be tied to it"
    if key.controller != owner.split("#", 1)[0] and not owner.startswith("did:"):
        # The one binding rule: a DID owner's keys are listed in its DID document, so a key of
        # anyone else is a proven mismatch (below, fail). Any other owner (a web address, a
        # urn:uuid, a mailto:) publishes no key list a verifier can read by a standard rule,
        # so a key of some DID is neither proven theirs nor proven a forgery: unknown, which
        # keeps the credential from ever being "valid" on that key alone.
        if owner.startswith(("https://", "http://")):
            what = "a web address, not a DID"
        else:
            what = "an identifier that publishes no keys, not a DID"
        return (
            CheckStatus.UNKNOWN,
            f"signed by {vm}, a key of {key.controller}; nothing published by the {role} "
            f"{owner} ({what}) confirms that this key is theirs",
        )
    if key.controller != owner.split("#", 1)[0]:
        return (
            CheckStatus.FAIL,
            f"signed by {vm}, a key of {key.controller}, not of the {role} {owner}",
        )
    if key.purposes is None:
        return (
            CheckStatus.UNKNOWN,
            f"{vm} is only named by its id ({key.source}); nothing confirms that the {role} "
            f"{owner} lists this key",
        )
    if purpose not in key.purposes:
        return (
            CheckStatus.FAIL,
            f"{vm} is not listed under {purpose} of {owner} ({key.source})",
        )
    return CheckStatus.PASS, f"{vm} is the {role}'s {purpose} key ({key.source})"


def _proof_checks(
    outcomes: list[dataintegrity.ProofOutcome], *, role: str, owner: str | None, purpose: str
) -> tuple[Check, Check]:
    """(proof check, issuer-key check) for a proof set."""
    if not outcomes:
        return (
            Check(
                "proof",
                CheckStatus.FAIL,
                "no proof: nothing shows who issued it or that it is unchanged",
            ),
            Check("issuer-key", CheckStatus.FAIL, "no proof, so no key to check"),
        )
    many = len(outcomes) > 1

    def prefix(o: dataintegrity.ProofOutcome) -> str:
        return f"proof {o.index + 1} of {len(outcomes)} ({o.suite}): " if many else ""

    proof_status = _worst([o.status for o in outcomes])
    inputs: list[tuple[str, str]] = []
    for o in outcomes:
        tag = f"proof {o.index + 1} " if many else ""
        inputs.extend((tag + k, v) for k, v in o.inputs)
    if proof_status is CheckStatus.PASS:
        suites = ", ".join(o.suite for o in outcomes)
        detail = f"{len(outcomes)} proofs verify ({suites})" if many else outcomes[0].detail
    else:
        bad = next(o for o in outcomes if o.status is proof_status)
        detail = prefix(bad) + bad.detail
    proof = Check("proof", proof_status, detail, tuple(inputs))

    key_results: list[tuple[CheckStatus, str]] = []
    key_inputs: list[tuple[str, str]] = []
    for o in outcomes:
        if o.key is not None:
            status, text = _binding(role, owner, o.key, purpose)
            key_inputs.append(("verification method", o.key.verification_method))
            key_inputs.append(("key source", o.key.source))
            if o.key.as_of is not None:
                key_inputs.append(("fetched at", o.key.as_of.isoformat()))
        elif o.key_status is not None:
            status, text = o.key_status, o.key_error or "the key could not be resolved"
        elif o.status is CheckStatus.UNKNOWN:
            status, text = CheckStatus.UNKNOWN, "the key was not looked up: " + o.detail
        else:
            status, text = CheckStatus.FAIL, "no key: " + o.detail
        key_results.append((status, (prefix(o) + text)))
    key_status = _worst([s for s, _ in key_results])
    if owner is not None:
        key_inputs.insert(0, (role, owner))
    chosen = next(text for status, text in key_results if status is key_status)
    if key_status is CheckStatus.PASS and many:
        chosen = f"all {len(outcomes)} keys are the {role}'s {purpose} keys"
    return proof, Check("issuer-key", key_status, chosen, tuple(key_inputs))


def _trust_check(issuer: str | None, claimed: str | None, options: VerifyOptions) -> Check:
    if options.trust is not None:
        from credwallet.verify.trust import trust_check

        return trust_check(issuer, claimed, options.trust, now=options.now)
    if not options.trusted_issuers:
        return Check("trust", CheckStatus.SKIP, "no trusted issuers chosen", required=False)
    if issuer is not None and issuer in options.trusted_issuers:
        return Check(
            "trust", CheckStatus.PASS, f"{issuer} is one of your trusted issuers", required=False
        )
    # Not required: an issuer you have not chosen is unknown to you, not a forger.
    return Check(
        "trust",
        CheckStatus.UNKNOWN,
        f"issuer {issuer or '(unnamed)'} is not one of your trusted issuers",
        (("issuer", issuer or ""),),
        required=False,
    )


def _revocation_check(credential: Credential, options: VerifyOptions, proof: Check) -> Check:
    if proof.status is CheckStatus.FAIL:
        return Check("revocation", CheckStatus.SKIP, "not checked: the proof failed")
    from credwallet.verify.status import check_status

    return _guarded("revocation", lambda: check_status(credential, options))


def _embedded_verifier(options: VerifyOptions) -> Callable[[JSONObject], VerificationReport]:
    inner = replace(options, verify_embedded=None, challenge=None, domain=None)

    def verify(document: JSONObject) -> VerificationReport:
        return verify_document(document, source="(embedded credential)", options=inner)

    return verify


def _with_embedded(options: VerifyOptions) -> VerifyOptions:
    if options.verify_embedded is not None:
        return options
    return replace(options, verify_embedded=_embedded_verifier(options))


# --- the formats --------------------------------------------------------------------------------


def _data_integrity_checks(credential: Credential, options: VerifyOptions) -> list[Check]:
    document = credential.document
    issuer = _id_of(document.get("issuer"))
    label = (
        "Open Badges 3.0 credential" if credential.format is CredentialFormat.OB3 else "credential"
    )
    fmt = _guarded(
        "format",
        lambda: _format_check(document, kind="VerifiableCredential", issuer=issuer, label=label),
    )
    try:
        outcomes = dataintegrity.verify_proofs(
            document,
            resolve=_resolver(options),
            now=options.now,
            loader=_loader_for(options),
            expected_purpose=options.expected_proof_purpose,
            challenge=options.challenge,
            domain=options.domain,
        )
        proof, key = _proof_checks(
            outcomes, role="issuer", owner=issuer, purpose=options.expected_proof_purpose
        )
    except CredwalletError as exc:
        proof, key = _failure("proof", exc), _failure("issuer-key", exc)
    checks = [fmt, proof, key]
    checks.append(_guarded("validity", lambda: validity.check_validity(document, now=options.now)))
    checks.append(_revocation_check(credential, options, proof))
    return checks


def _jwt_checks(credential: Credential, options: VerifyOptions) -> list[Check]:
    from credwallet.verify import jwt

    token = credential.jws or credential.original.decode("ascii", "replace")
    try:
        outcome = jwt.verify_vc_jwt(token, resolve=_resolver(options))
    except CredwalletError as exc:
        return [_failure("format", exc), _failure("proof", exc), _failure("issuer-key", exc)]
    document = jwt.credential_of(outcome.claims)
    issuer = jwt.issuer_of_claims(outcome.claims, document)
    fmt = _guarded(
        "format",
        lambda: _format_check(document, kind="VerifiableCredential", issuer=issuer, label="VC-JWT"),
    )
    proof = Check("proof", outcome.status, outcome.detail, outcome.inputs)
    if outcome.key is not None:
        status, text = _binding("issuer", issuer, outcome.key, "assertionMethod")
        key = Check(
            "issuer-key",
            status,
            text,
            (("issuer", issuer or ""), ("verification method", outcome.key.verification_method)),
        )
    else:
        key = Check(
            "issuer-key",
            outcome.key_status or CheckStatus.FAIL,
            outcome.key_detail or outcome.detail,
            (("issuer", issuer or ""),),
        )
    dates = _guarded(
        "validity",
        lambda: validity.check_validity(document, now=options.now, jwt_claims=outcome.claims),
    )
    return [fmt, proof, key, dates, _revocation_check(credential, options, proof)]


def _delegate(
    module: str, function: str, credential: Credential, options: VerifyOptions
) -> list[Check]:
    """Run a format-specific verifier (OB 2.0, Blockcerts) that lives in its own module."""
    try:
        verifier: Any = getattr(importlib.import_module(f"credwallet.verify.{module}"), function)
    except (ImportError, AttributeError):
        return [
            Check(
                "format",
                CheckStatus.UNKNOWN,
                f"{credential.format} verification is not available in this build",
            )
        ]
    try:
        checks: list[Check] = list(verifier(credential, options))
    except CredwalletError as exc:
        return [_failure("proof", exc)]
    names = {c.name for c in checks}
    if "validity" not in names:
        checks.append(
            _guarded(
                "validity",
                lambda: validity.check_validity(
                    credential.document, now=options.now, extra=validity.OB2_DATES
                ),
            )
        )
    return checks


def verify_credential(
    credential: Credential, *, source: str, options: VerifyOptions
) -> VerificationReport:
    """Verify one credential of any supported format; never raises for a bad credential."""
    options = _with_embedded(options)
    # The format decides, not the container: an OB 2.0 signed assertion is a JWS too.
    if credential.format is CredentialFormat.OB2:
        checks = _delegate("ob2", "verify_ob2", credential, options)
    elif credential.format is CredentialFormat.BLOCKCERTS:
        checks = _delegate("blockcerts", "verify_blockcerts", credential, options)
    elif credential.format is CredentialFormat.EDC:
        checks = _delegate("edc", "verify_edc", credential, options)
    elif credential.format is CredentialFormat.SD_JWT_VC:
        checks = _delegate("sdjwt", "verify_sd_jwt_vc", credential, options)
    elif credential.format is CredentialFormat.VC_JWT or credential.jws:
        checks = _jwt_checks(credential, options)
    else:
        checks = _data_integrity_checks(credential, options)
    if credential.format not in (CredentialFormat.OB2, CredentialFormat.EDC):
        checks += _ob3_algorithm_checks(credential, options)
    names = {c.name for c in checks}
    if "recipient" not in names:
        checks.append(
            _guarded(
                "recipient",
                lambda: check_recipient(credential, options.identities),
                required=False,
            )
        )
    if "trust" not in names:
        issuer = credential.issuer.id or _id_of(credential.document.get("issuer"))
        checks.append(_trust_check(issuer, credential.issuer.name, options))
    return VerificationReport(
        source=source, format=str(credential.format), checks=tuple(checks), checked_at=options.now
    )


def _nested_options(options: VerifyOptions) -> VerifyOptions:
    return replace(
        options,
        challenge=None,
        domain=None,
        expected_proof_purpose="assertionMethod",
        verify_embedded=None,
        nested_depth=options.nested_depth + 1,
    )


def _nested_verifier(options: VerifyOptions) -> Callable[[str, object], VerificationReport]:
    """Verifies a credential found inside another one (any format: object or compact JWS)."""
    inner = _nested_options(options)

    def verify(label: str, entry: object) -> VerificationReport:
        return _embedded_reports([entry], inner, label, labels=[label])[0]

    return verify


def _ob3_algorithm_checks(credential: Credential, options: VerifyOptions) -> list[Check]:
    """OB 3.0 section 9 / CLR 2.0 steps beyond proof, dates and status, each only when the
    credential carries what it checks: credentialSchema, refreshService, endorsements, and a
    ClrCredential's own credentials (schema.py, refresh.py, nested.py)."""
    from credwallet.verify import nested, refresh, schema

    document = credential.document
    if isinstance(document.get("vc"), dict) and credential.format is CredentialFormat.VC_JWT:
        document = document["vc"]
    checks: list[Check] = []
    # Blockcerts checks its credentialSchema itself (blockcerts.py, part of its format check).
    if (
        document.get("credentialSchema") is not None
        and credential.format is not CredentialFormat.BLOCKCERTS
    ):
        checks.append(_guarded(schema.CHECK_NAME, lambda: schema.check_schemas(document, options)))
    if document.get("refreshService") is not None:
        inner = _nested_options(options)
        checks.append(
            _guarded(
                refresh.CHECK_NAME,
                lambda: refresh.check_refresh(
                    credential,
                    options,
                    lambda fresh: verify_credential(fresh, source="(refreshed)", options=inner),
                ),
                required=False,
            )
        )
    verify_nested = _nested_verifier(options)
    if nested.endorsements_of(document):
        checks.append(
            _guarded(
                nested.ENDORSEMENT_CHECK,
                lambda: nested.check_endorsements(document, options, verify_nested),
                required=False,
            )
        )
    if nested.is_clr(document):
        checks.append(
            _guarded(
                nested.NESTED_CHECK,
                lambda: nested.check_nested_credentials(document, options, verify_nested),
            )
        )
    return checks


def verify_document(
    document: JSONObject, *, source: str, options: VerifyOptions
) -> VerificationReport:
    """Verify a JSON-LD credential given as a decoded document (e.g. a status list credential)."""
    from credwallet.formats import vc

    if not isinstance(document, dict):
        raise BadInput("a credential must be a JSON object")
    original = json.dumps(document, ensure_ascii=False).encode("utf-8")
    try:
        credential = vc.from_credential(document, container=Container.JSON, original=original)
    except CredwalletError as exc:
        return VerificationReport(
            source=source, format="vc", checks=(_failure("format", exc),), checked_at=options.now
        )
    return verify_credential(credential, source=source, options=options)


# --- presentations ------------------------------------------------------------------------------


def _presentation_options(options: VerifyOptions) -> VerifyOptions:
    purpose = options.expected_proof_purpose
    return replace(
        options,
        expected_proof_purpose="authentication" if purpose == "assertionMethod" else purpose,
    )


def _embedded_reports(
    entries: list[object],
    options: VerifyOptions,
    source: str,
    *,
    labels: list[str] | None = None,
) -> list[VerificationReport]:
    from credwallet.formats import parse

    inner = replace(options, challenge=None, domain=None, expected_proof_purpose="assertionMethod")
    reports = []
    for index, entry in enumerate(entries):
        label = labels[index] if labels else f"{source} [credential {index + 1}]"
        try:
            if isinstance(entry, str):
                credential = parse(entry.strip().encode("ascii", "replace"))
            elif enveloped.is_enveloped(entry):
                credential = _unwrap_enveloped(entry)
            elif isinstance(entry, dict):
                credential = parse(json.dumps(entry, ensure_ascii=False).encode("utf-8"))
            else:
                raise BadInput("an embedded credential is neither an object nor a JWT")
        except CredwalletError as exc:
            reports.append(
                VerificationReport(label, "unknown", (_failure("format", exc),), options.now)
            )
            continue
        reports.append(verify_credential(credential, source=label, options=inner))
    return reports


def _unwrap_enveloped(entry: Mapping[str, object]) -> Credential:
    """The VC-JWT or SD-JWT VC inside an EnvelopedVerifiableCredential, parsed as stand-alone."""
    from credwallet.formats.parse import parse_enveloped

    return parse_enveloped(entry)


def verify_presentation(
    document: JSONObject, *, source: str, options: VerifyOptions
) -> tuple[VerificationReport, list[VerificationReport]]:
    """The presentation's own report (holder proof, challenge, domain) and one per credential."""
    if not isinstance(document, dict):
        raise BadInput("a presentation must be a JSON object")
    vp_options = _with_embedded(_presentation_options(options))
    entries = _as_list(document.get("verifiableCredential"))
    inner = _embedded_reports(entries, options, source) + _resume_evidence(entries, options, source)
    if _has_merkle_proof(document):
        report = _blockcerts_presentation_report(document, source, vp_options)
        return _with_credentials_check(report, inner), inner
    holder = _id_of(document.get("holder"))
    checks: list[Check] = [
        _guarded(
            "format",
            lambda: _format_check(
                document, kind="VerifiablePresentation", issuer=holder, label="presentation"
            ),
        )
    ]
    if not entries and document.get("proof") is None:
        # Neither a holder proof (DID authentication) nor credentials: nothing to trust, and a
        # "valid" answer would suggest otherwise.
        checks.append(
            Check("contents", CheckStatus.FAIL, "unsigned, and holds no credentials: empty")
        )
    if document.get("proof") is None and options.challenge is None and options.domain is None:
        # Without a holder proof nothing shows who put these credentials together or that the
        # presentation is as they sent it: as a presentation it is never "valid" (the
        # credentials in it are still judged one by one, and summed up under "credentials").
        checks.append(
            Check(
                "proof",
                CheckStatus.UNKNOWN,
                "unsigned presentation: no holder proof, so nothing shows who presented these "
                "credentials; each credential is verified on its own",
            )
        )
    else:
        try:
            outcomes = dataintegrity.verify_proofs(
                document,
                resolve=_resolver(vp_options),
                now=vp_options.now,
                loader=_loader_for(vp_options),
                expected_purpose=vp_options.expected_proof_purpose,
                challenge=vp_options.challenge,
                domain=vp_options.domain,
            )
            proof, key = _proof_checks(
                outcomes,
                role="holder",
                owner=holder or _single_signer(outcomes),
                purpose=vp_options.expected_proof_purpose,
            )
        except CredwalletError as exc:
            proof, key = _failure("proof", exc), _failure("issuer-key", exc)
        checks.extend([proof, key])
    report = VerificationReport(source, "vp", tuple(checks), options.now)
    return _with_credentials_check(report, inner), inner


def _with_credentials_check(
    report: VerificationReport, inner: list[VerificationReport]
) -> VerificationReport:
    """The presentation's report with a required ``credentials`` check summing up the reports
    of the credentials it holds: a presentation is only as good as what it presents, so a
    forged, revoked or unreadable credential inside shows in the presentation's own verdict."""
    from credwallet.verify.nested import NESTED_CHECK, combine_reports

    if not inner:
        check = Check(NESTED_CHECK, CheckStatus.SKIP, "the presentation holds no credentials")
    else:
        labelled: list[tuple[str, VerificationReport, object]] = [
            (f"credential {index + 1}", r, None) for index, r in enumerate(inner)
        ]
        check = combine_reports(NESTED_CHECK, labelled, "credential", required=True)
    return VerificationReport(
        report.source, report.format, (*report.checks, check), report.checked_at
    )


def _resume_evidence(
    entries: list[object], options: VerifyOptions, source: str
) -> list[VerificationReport]:
    """A report for each credential an LER-RS résumé in the presentation embeds as evidence:
    the holder's signature covers the résumé's claims, only the issuers' cover the credentials
    (see lerrs.py)."""
    from credwallet.verify import lerrs

    reports: list[VerificationReport] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not lerrs.is_ler_rs(entry):
            continue
        found = lerrs.embedded_credentials(entry)
        labels = [f"{source} [credential {index + 1}] {label}" for label, _ in found]
        reports += _embedded_reports(
            [e for _, e in found], _nested_options(options), source, labels=labels
        )
    return reports


def _has_merkle_proof(document: Mapping[str, Any]) -> bool:
    """Whether a proof of the document is a Blockcerts Merkle receipt (MerkleProof2019)."""
    for proof in _as_list(document.get("proof")):
        if not isinstance(proof, Mapping):
            continue
        kind = proof.get("type")
        if (
            kind == "MerkleProof2019"
            or (kind == "DataIntegrityProof" and proof.get("cryptosuite") == "merkle-proof-2019")
            or (kind == "ChainedProof2021" and proof.get("chainedProofType") == "MerkleProof2019")
        ):
            return True
    return False


def _blockcerts_presentation_report(
    document: JSONObject, source: str, options: VerifyOptions
) -> VerificationReport:
    """A Blockcerts presentation, verified as blockcerts.py does: its Merkle receipt, the
    issuer profile key and every credential in it, as one report."""
    credential = Credential(
        format=CredentialFormat.BLOCKCERTS,
        container=Container.JSON,
        original=json.dumps(document, ensure_ascii=False).encode("utf-8"),
        document=document,
        credential_id=_id_of(document),
    )
    checks = _delegate("blockcerts", "verify_blockcerts", credential, options)
    # A Merkle receipt anchors the presentation as it was issued; it carries no challenge or
    # domain, so it cannot answer a verifier that asked for one (it could be a replay).
    for label, wanted in (("challenge", options.challenge), ("domain", options.domain)):
        if wanted is not None:
            checks.append(
                Check(
                    "format",
                    CheckStatus.FAIL,
                    f"a Blockcerts presentation's Merkle proof binds no {label}, "
                    f"so it does not answer the requested {label}",
                )
            )
    return VerificationReport(source, "vp", tuple(checks), options.now)


def _single_signer(outcomes: list[dataintegrity.ProofOutcome]) -> str | None:
    """With no holder stated, the signer of a one-proof presentation is its holder."""
    if len(outcomes) == 1 and outcomes[0].key is not None:
        return outcomes[0].key.controller
    return None


def verify_presentation_jwt(
    token: str, *, source: str, options: VerifyOptions
) -> tuple[VerificationReport, list[VerificationReport]]:
    """A VP-JWT: the token's signature by the holder (``iss``), then each credential inside."""
    from credwallet.verify import jwt

    try:
        outcome = jwt.verify_vc_jwt(token, resolve=_resolver(options), claim="vp")
        document = jwt.credential_of(outcome.claims, "vp")
    except CredwalletError as exc:
        return VerificationReport(source, "vp-jwt", (_failure("format", exc),), options.now), []
    holder = jwt.issuer_of_claims(outcome.claims, document)
    checks = [
        _guarded(
            "format",
            lambda: _format_check(
                document, kind="VerifiablePresentation", issuer=holder, label="presentation"
            ),
        ),
        Check("proof", outcome.status, outcome.detail, outcome.inputs),
    ]
    if outcome.key is not None:
        status, text = _binding("holder", holder, outcome.key, "authentication")
        checks.append(Check("issuer-key", status, text))
    else:
        checks.append(
            Check(
                "issuer-key",
                outcome.key_status or CheckStatus.FAIL,
                outcome.key_detail or outcome.detail,
            )
        )
    if options.challenge is not None and outcome.claims.get("nonce") != options.challenge:
        checks.append(
            Check("format", CheckStatus.FAIL, "the token's nonce does not match the challenge")
        )
    if options.domain is not None and options.domain not in _as_list(outcome.claims.get("aud")):
        checks.append(
            Check("format", CheckStatus.FAIL, "the token's aud does not include the domain")
        )
    checks.append(
        _guarded(
            "validity",
            lambda: validity.check_validity({}, now=options.now, jwt_claims=outcome.claims),
        )
    )
    report = VerificationReport(source, "vp-jwt", tuple(checks), options.now)
    inner = _embedded_reports(_as_list(document.get("verifiableCredential")), options, source)
    return _with_credentials_check(report, inner), inner
