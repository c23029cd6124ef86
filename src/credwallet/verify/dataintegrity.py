"""W3C Data Integrity proofs: sign and verify, for the suites an OB 3.0 wallet meets.

Suites (VC Data Integrity 1.0, vc-di-eddsa 1.0, vc-di-ecdsa 1.0):

==========================  =================  ==================  ===========================
proof                       canonicalisation   hash                key
==========================  =================  ==================  ===========================
eddsa-rdfc-2022             RDFC-1.0           SHA-256             Ed25519
eddsa-jcs-2022              JCS (RFC 8785)     SHA-256             Ed25519
Ed25519Signature2020        RDFC-1.0           SHA-256             Ed25519
ecdsa-rdfc-2019             RDFC-1.0 (+hash)   SHA-256 / SHA-384   P-256 / P-384
ecdsa-jcs-2019              JCS                SHA-256 / SHA-384   P-256 / P-384
==========================  =================  ==================  ===========================

For every suite the signed bytes are ``hash(canonical proof configuration) ||
hash(canonical document without its proof)``, where the proof configuration is the proof
without ``proofValue`` and with the document's ``@context``. The signature is the
multibase base58btc (``z``) ``proofValue``: Ed25519 signs the 64 bytes as they are; ECDSA signs
them with the curve's hash and gives raw ``r || s``.

A document may carry several proofs: a *set* (independent proofs, all of which must verify)
or a *chain* (a proof naming ``previousProof`` signs the document together with the proofs it
names). Each proof gets its own :class:`ProofOutcome`; the engine turns them into checks.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from credwallet import _crypto
from credwallet.errors import BadInput, CredwalletError, VerificationIncomplete
from credwallet.models import CheckStatus, JSONObject
from credwallet.verify import jcs
from credwallet.verify.keys import ResolvedKey, SigningKey, base58_decode, base58_encode

if TYPE_CHECKING:
    from credwallet.verify.jsonld import DocumentLoader

__all__ = [
    "ED25519_2020_CONTEXT",
    "SUITES",
    "ProofOutcome",
    "default_loader",
    "proofs_of",
    "sign_document",
    "suite_of",
    "verify_proofs",
]

ED25519_2020_CONTEXT: Final = "https://w3id.org/security/suites/ed25519-2020/v1"
DATA_INTEGRITY_V2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
SIGNATURE_MISMATCH: Final = (
    "signature does not match: the document was changed after signing, or signed by another key"
)
_MAX_PROOFS: Final = 16  # more proofs than this on one credential is an attack, not a use


@dataclass(frozen=True, slots=True)
class _Suite:
    name: str
    canonicalization: str  # "rdfc" or "jcs"
    curves: tuple[str, ...]
    legacy_type: bool = False  # Ed25519Signature2020: the suite is the proof's "type"


SUITES: Final[Mapping[str, _Suite]] = {
    s.name: s
    for s in (
        _Suite("eddsa-rdfc-2022", "rdfc", ("Ed25519",)),
        _Suite("eddsa-jcs-2022", "jcs", ("Ed25519",)),
        _Suite("Ed25519Signature2020", "rdfc", ("Ed25519",), legacy_type=True),
        _Suite("ecdsa-rdfc-2019", "rdfc", ("P-256", "P-384")),
        _Suite("ecdsa-jcs-2019", "jcs", ("P-256", "P-384")),
    )
}
_HASH_FOR_CURVE: Final = {"Ed25519": "sha256", "P-256": "sha256", "P-384": "sha384"}
_SIG_ALG_FOR_CURVE: Final = {"Ed25519": "Ed25519", "P-256": "ES256", "P-384": "ES384"}
_SIG_SIZE_FOR_CURVE: Final = {"Ed25519": 64, "P-256": 64, "P-384": 96}


@dataclass(frozen=True, slots=True)
class ProofOutcome:
    """The verdict on one proof of a document.

    ``status`` is PASS (signature verifies, purpose and options match), FAIL (it definitely
    does not) or UNKNOWN (it could not be checked: a context or the key was unavailable, or the
    suite is not supported). ``key`` is set whenever the verification method was resolved.
    """

    index: int
    suite: str
    verification_method: str | None
    status: CheckStatus
    detail: str
    key: ResolvedKey | None = None
    key_error: str | None = None  # why the key could not be resolved, if it could not
    key_status: CheckStatus | None = None  # FAIL or UNKNOWN when key_error is set
    inputs: tuple[tuple[str, str], ...] = ()


def proofs_of(document: Mapping[str, Any]) -> list[object]:
    """The document's proofs as a list (a single proof object is a set of one)."""
    proof = document.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


def suite_of(proof: Mapping[str, Any]) -> str | None:
    """The suite name of a proof: its cryptosuite, or its type for the pre-2022 suites."""
    kind = proof.get("type")
    if kind == "DataIntegrityProof":
        suite = proof.get("cryptosuite")
        return suite if isinstance(suite, str) else None
    return kind if isinstance(kind, str) else None


@lru_cache(maxsize=4)
def _loader_for(contexts_env: str) -> DocumentLoader:
    from credwallet.verify.jsonld import DocumentLoader

    del contexts_env  # the key of the cache: a changed CREDWALLET_CONTEXTS gets a new loader
    return DocumentLoader(offline=True)


def default_loader() -> DocumentLoader:
    """An offline loader over the pinned contexts and ``CREDWALLET_CONTEXTS`` (shared, memoised)."""
    return _loader_for(os.environ.get("CREDWALLET_CONTEXTS", ""))


# --- hashing ------------------------------------------------------------------------------------


def _digest(data: bytes, algorithm: str) -> bytes:
    return hashlib.new(algorithm, data).digest()


def _canonical(
    document: Mapping[str, Any],
    suite: _Suite,
    hash_alg: str,
    loader: DocumentLoader,
    javascript: bool = False,
) -> bytes:
    """The canonical bytes; ``javascript`` reads integers above 2^53 as JavaScript signers do
    (doubles: RFC 8785's rule for JCS), otherwise they keep every digit (numbers.py)."""
    if suite.canonicalization == "jcs":
        return jcs.canonicalize(document, exact_integers=not javascript)
    from credwallet.verify.jsonld import canonical_document

    if javascript:
        from credwallet.verify.numbers import as_javascript

        converted = as_javascript(document)
        assert isinstance(converted, dict)
        document = converted
    return canonical_document(document, loader, hash_algorithm=hash_alg).encode("utf-8")


def _hash_data(
    proof_config: Mapping[str, Any],
    unsecured: Mapping[str, Any],
    suite: _Suite,
    hash_alg: str,
    loader: DocumentLoader,
    memo: dict[str, bytes] | None = None,
    memo_key: str = "",
    *,
    javascript: bool = False,
) -> tuple[bytes, bytes]:
    """(proof config hash, document hash); the document hash is memoised across a proof set."""
    config_hash = _digest(_canonical(proof_config, suite, hash_alg, loader, javascript), hash_alg)
    # The document a proof signs depends on the chain it names and, for JCS suites, on the
    # @context the proof substituted: both are part of the memo key, as is the number reading.
    context = json.dumps(unsecured.get("@context"), sort_keys=True)
    key = f"{suite.canonicalization}/{hash_alg}/{memo_key}/{context}/{javascript}"
    doc_hash = memo.get(key) if memo is not None else None
    if doc_hash is None:
        doc_hash = _digest(_canonical(unsecured, suite, hash_alg, loader, javascript), hash_alg)
        if memo is not None:
            memo[key] = doc_hash
    return config_hash, doc_hash


def _proof_config(
    proof: Mapping[str, Any], unsecured: JSONObject, suite: _Suite
) -> tuple[JSONObject, JSONObject]:
    """(proof configuration, unsecured document) as the verify algorithms build them."""
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    document = unsecured
    if "@context" in config and suite.canonicalization == "jcs":
        # eddsa-jcs-2022 / ecdsa-jcs-2019: the document's @context must start with the proof's,
        # and the proof's then stands for the document's.
        proof_ctx = _as_list(config["@context"])
        doc_ctx = _as_list(unsecured.get("@context"))
        if doc_ctx[: len(proof_ctx)] != proof_ctx:
            raise BadInput("the proof's @context is not a prefix of the document's @context")
        document = dict(unsecured)
        document["@context"] = config["@context"]
    if "@context" in document:
        config["@context"] = document["@context"]
    return config, document


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


# --- verification -------------------------------------------------------------------------------

Resolver = Callable[[str], ResolvedKey]


def _date(value: object, what: str) -> datetime | None:
    from credwallet.formats.dates import parse_datetime

    if value is None:
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise BadInput(f"the proof's {what} {value!r} is not a date-time")
    return parsed


def _check_options(
    proof: Mapping[str, Any],
    *,
    expected_purpose: str,
    challenge: str | None,
    domain: str | None,
    now: datetime,
) -> str | None:
    """The reason the proof's purpose, dates, challenge or domain are wrong; None if they fit."""
    purpose = proof.get("proofPurpose")
    if purpose != expected_purpose:
        return f"proof purpose is {purpose!r}, expected {expected_purpose!r}"
    created = _date(proof.get("created"), "created")
    expires = _date(proof.get("expires"), "expires")
    if expires is not None and now > expires:
        return f"the proof expired on {expires.date().isoformat()}"
    if created is not None and expires is not None and expires < created:
        return "the proof expires before it was created"
    if challenge is not None and proof.get("challenge") != challenge:
        return f"proof challenge {proof.get('challenge')!r} does not match the expected challenge"
    if domain is not None:
        given = _as_list(proof.get("domain"))
        if domain not in given:
            return f"proof domain {proof.get('domain')!r} does not include {domain!r}"
    return None


def _vm_of(proof: Mapping[str, Any]) -> str:
    vm = proof.get("verificationMethod")
    if isinstance(vm, Mapping):
        vm = vm.get("id")
    if not isinstance(vm, str) or not vm:
        raise BadInput("the proof names no verificationMethod")
    return vm


def _previous(
    proof: Mapping[str, Any], all_proofs: list[object]
) -> tuple[list[object] | None, str]:
    """(the proofs a chained proof names, a memo key); (None, "") for an unchained proof."""
    wanted = proof.get("previousProof")
    if wanted is None:
        return None, ""
    ids = _as_list(wanted)
    if not ids or not all(isinstance(i, str) for i in ids):
        raise BadInput("previousProof must be a proof id or a list of them")
    by_id = {p.get("id"): p for p in all_proofs if isinstance(p, Mapping) and "id" in p}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise BadInput(f"previous proof {missing[0]} is not in the document")
    return [by_id[i] for i in ids], "|".join(str(i) for i in ids)


def _verify_one(
    index: int,
    proof: object,
    *,
    unsecured_base: JSONObject,
    all_proofs: list[object],
    resolve: Resolver,
    loader: DocumentLoader,
    now: datetime,
    expected_purpose: str,
    challenge: str | None,
    domain: str | None,
    memo: dict[str, bytes],
) -> ProofOutcome:
    if not isinstance(proof, Mapping):
        return ProofOutcome(index, "?", None, CheckStatus.FAIL, "the proof is not a JSON object")
    if not isinstance(proof.get("type"), str) or not proof.get("type"):
        # Malformed, not merely unsupported: every proof must say what it is (VC Data Integrity).
        return ProofOutcome(index, "?", None, CheckStatus.FAIL, "the proof has no type")
    suite_name = suite_of(proof) or "?"
    suite = SUITES.get(suite_name)
    if suite is None:
        return ProofOutcome(
            index,
            suite_name,
            None,
            CheckStatus.UNKNOWN,
            f"proof type {suite_name} is not supported by this wallet",
        )
    if suite.legacy_type and "cryptosuite" in proof:
        return ProofOutcome(
            index,
            suite_name,
            None,
            CheckStatus.FAIL,
            "malformed proof: cryptosuite on a legacy proof type",
        )
    inputs: list[tuple[str, str]] = [
        ("proof type", str(proof.get("type"))),
        ("cryptosuite", suite_name),
    ]
    try:
        vm = _vm_of(proof)
    except BadInput as exc:
        return ProofOutcome(
            index, suite_name, None, CheckStatus.FAIL, exc.message, inputs=tuple(inputs)
        )
    inputs.append(("verification method", vm))

    def fail(
        status: CheckStatus, detail: str, key: ResolvedKey | None = None, **extra: Any
    ) -> ProofOutcome:
        return ProofOutcome(
            index, suite_name, vm, status, detail, key=key, inputs=tuple(inputs), **extra
        )

    try:
        problem = _check_options(
            proof, expected_purpose=expected_purpose, challenge=challenge, domain=domain, now=now
        )
    except BadInput as exc:
        return fail(CheckStatus.FAIL, exc.message)
    # The key is resolved even when the options are wrong, so the report can name its owner.
    try:
        key = resolve(vm)
    except VerificationIncomplete as exc:
        return fail(
            CheckStatus.UNKNOWN,
            f"the key could not be obtained: {exc.message}",
            key_error=exc.message,
            key_status=CheckStatus.UNKNOWN,
        )
    except CredwalletError as exc:
        return fail(
            CheckStatus.FAIL,
            f"the key could not be resolved: {exc.message}",
            key_error=exc.message,
            key_status=CheckStatus.FAIL,
        )
    inputs.append(("key source", key.source))
    inputs.append(("key fingerprint", key.key.fingerprint()))
    if problem is not None:
        return fail(CheckStatus.FAIL, problem, key)
    curve = key.key.crv or key.key.kty
    if curve not in suite.curves:
        return fail(
            CheckStatus.FAIL,
            f"{suite_name} needs a {' or '.join(suite.curves)} key; {vm} is {curve}",
            key,
        )
    proof_value = proof.get("proofValue")
    if not isinstance(proof_value, str) or not proof_value.startswith("z"):
        return fail(
            CheckStatus.FAIL, "proofValue is missing or not multibase base58btc (z...)", key
        )
    try:
        signature = base58_decode(proof_value[1:])
        previous, memo_key = _previous(proof, all_proofs)
        unsecured = unsecured_base
        if previous is not None:
            unsecured = dict(unsecured_base)
            unsecured["proof"] = previous
        config, unsecured = _proof_config(proof, unsecured, suite)
        hash_alg = _HASH_FOR_CURVE[curve]
        config_hash, doc_hash = _hash_data(
            config, unsecured, suite, hash_alg, loader, memo, memo_key
        )
    except VerificationIncomplete as exc:
        url = getattr(exc, "url", None)
        if url:
            inputs.append(("missing context", str(url)))
        return fail(CheckStatus.UNKNOWN, exc.message, key)
    except CredwalletError as exc:
        return fail(CheckStatus.FAIL, f"the document cannot be canonicalised: {exc.message}", key)
    inputs.append(("canonicalization", "RDFC-1.0" if suite.canonicalization == "rdfc" else "JCS"))
    inputs.append(("hash", hash_alg.upper().replace("SHA", "SHA-")))
    inputs.append(("proof config hash", config_hash.hex()))
    inputs.append(("document hash", doc_hash.hex()))
    if len(signature) != _SIG_SIZE_FOR_CURVE[curve]:
        return fail(
            CheckStatus.FAIL,
            f"the signature has {len(signature)} bytes; "
            f"a {curve} signature has {_SIG_SIZE_FOR_CURVE[curve]}",
            key,
        )
    if _crypto.verify_signature(
        key.key, _SIG_ALG_FOR_CURVE[curve], signature, config_hash + doc_hash
    ):
        return fail(CheckStatus.PASS, f"{suite_name} signature verifies with {vm}", key)
    from credwallet.verify import numbers

    big = numbers.unsafe_integers(config) + numbers.unsafe_integers(unsecured)
    if big:
        # JavaScript issuers sign the doubles their JSON parser made of these integers.
        try:
            config_hash, doc_hash = _hash_data(
                config, unsecured, suite, hash_alg, loader, memo, memo_key, javascript=True
            )
        except CredwalletError:
            return fail(CheckStatus.FAIL, SIGNATURE_MISMATCH, key)
        if _crypto.verify_signature(
            key.key, _SIG_ALG_FOR_CURVE[curve], signature, config_hash + doc_hash
        ):
            read = numbers.describe(big)
            inputs.append(("numbers", f"read as JavaScript doubles: {read}"))
            inputs.append(("document hash (JavaScript numbers)", doc_hash.hex()))
            return fail(
                CheckStatus.PASS,
                f"{suite_name} signature verifies with {vm}, with integers above 2^53 read "
                f"as JavaScript does ({read}): the signature covers those numbers only as "
                "doubles, not every digit written in the credential",
                key,
            )
    return fail(CheckStatus.FAIL, SIGNATURE_MISMATCH, key)


def verify_proofs(
    document: Mapping[str, Any],
    *,
    resolve: Resolver,
    now: datetime,
    loader: DocumentLoader | None = None,
    expected_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
) -> list[ProofOutcome]:
    """Verify every proof on ``document`` (a proof set, possibly with chained proofs).

    ``resolve`` maps a verification method id to its key (raising BadInput when it definitely
    has none, VerificationIncomplete when it cannot be found out). Never raises for a bad
    proof: the outcome says why. An empty list means the document has no proof.
    """
    proofs = proofs_of(document)
    if len(proofs) > _MAX_PROOFS:
        raise BadInput(f"{len(proofs)} proofs on one document (limit {_MAX_PROOFS})")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    memo: dict[str, bytes] = {}
    chosen = loader if loader is not None else default_loader()
    return [
        _verify_one(
            i,
            p,
            unsecured_base=unsecured,
            all_proofs=proofs,
            resolve=resolve,
            loader=chosen,
            now=now,
            expected_purpose=expected_purpose,
            challenge=challenge,
            domain=domain,
            memo=memo,
        )
        for i, p in enumerate(proofs)
    ]


# --- signing ------------------------------------------------------------------------------------


def _timestamp(value: datetime) -> str:
    if value.tzinfo is None:
        raise BadInput("created must be a timezone-aware datetime")
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign_document(
    document: Mapping[str, Any],
    *,
    suite: str,
    key: SigningKey,
    verification_method: str | None = None,
    proof_purpose: str = "assertionMethod",
    created: datetime | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    loader: DocumentLoader | None = None,
    previous_proof: str | list[str] | None = None,
    proof_id: str | None = None,
    numbers: str | None = None,
) -> JSONObject:
    """A copy of ``document`` with one more proof (appended to any proofs already there).

    ``previous_proof`` names proof ids this proof chains to; they must already be on the
    document. Ed25519Signature2020 adds its context to the document's @context when missing.
    ``numbers`` says how integers above 2^53 are signed: ``"exact"`` (every digit) or
    ``"javascript"`` (as doubles, as JavaScript issuers sign them); by default as the suite's
    canonicalisation standard says (RFC 8785 for JCS: doubles; JSON-LD for RDFC: exact).
    """
    if numbers not in (None, "exact", "javascript"):
        raise BadInput(f"numbers must be 'exact' or 'javascript', not {numbers!r}")
    spec = SUITES.get(suite)
    if spec is None:
        raise BadInput(f"unsupported suite {suite!r} (choose from {', '.join(SUITES)})")
    if key.algorithm not in spec.curves:
        raise BadInput(f"{suite} needs a {' or '.join(spec.curves)} key, not {key.algorithm}")
    signed: JSONObject = copy.deepcopy(dict(document))
    existing = proofs_of(signed)
    if spec.legacy_type:
        contexts = _as_list(signed.get("@context"))
        if ED25519_2020_CONTEXT not in contexts:
            signed["@context"] = [*contexts, ED25519_2020_CONTEXT]
    proof: JSONObject = {}
    if proof_id is not None:
        proof["id"] = proof_id
    if spec.legacy_type:
        proof["type"] = suite
    else:
        proof["type"] = "DataIntegrityProof"
        proof["cryptosuite"] = suite
    proof["created"] = _timestamp(created or datetime.now(UTC))
    proof["verificationMethod"] = verification_method or key.verification_method
    proof["proofPurpose"] = proof_purpose
    if challenge is not None:
        proof["challenge"] = challenge
    if domain is not None:
        proof["domain"] = domain
    if previous_proof is not None:
        proof["previousProof"] = previous_proof
    if spec.canonicalization == "jcs" and "@context" in signed:
        proof["@context"] = signed["@context"]
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    previous, _ = _previous(proof, existing)
    if previous is not None:
        unsecured["proof"] = previous
    config, unsecured = _proof_config(proof, unsecured, spec)
    hash_alg = _HASH_FOR_CURVE[key.algorithm]
    javascript = spec.canonicalization == "jcs" if numbers is None else numbers == "javascript"
    config_hash, doc_hash = _hash_data(
        config,
        unsecured,
        spec,
        hash_alg,
        loader if loader is not None else default_loader(),
        javascript=javascript,
    )
    proof["proofValue"] = "z" + base58_encode(key.sign(config_hash + doc_hash))
    signed["proof"] = [*existing, proof] if existing else proof
    return signed
