"""Holder-signed W3C Verifiable Presentations of chosen credentials.

* VC Data Model 2.0 credentials go in a 2.0 presentation (``@context``
  ``https://www.w3.org/ns/credentials/v2``); a VC-JWT among them is embedded as an
  ``EnvelopedVerifiableCredential`` whose id is ``data:application/vc+jwt,<the JWS>``.
* VC 1.1 credentials go in a 1.1 presentation (``https://www.w3.org/2018/credentials/v1`` plus the
  Data Integrity context that defines ``DataIntegrityProof``); a 1.1 VC-JWT is embedded as the
  JWS string, as the 1.1 data model shows.
* An SD-JWT VC (IETF SD-JWT VC, not a W3C data model) goes in a 2.0 presentation as an
  ``EnvelopedVerifiableCredential`` whose id is ``data:application/dc+sd-jwt,<the SD-JWT>``, as
  issued, with every disclosure the wallet holds (the holder's proof over the presentation binds
  it to the challenge; no key binding JWT is added).
* One presentation holds one data-model version: both base contexts protect the same terms, so a
  1.1 credential inside a 2.0 presentation (or the reverse) fails JSON-LD processing.
* Credentials are embedded unchanged (the decoded JSON, every proof kept), OB 2.0 assertions and
  Blockcerts v2 certificates are not Verifiable Credentials and are refused.

The proof is a Data Integrity proof (``eddsa-rdfc-2022`` or ``eddsa-jcs-2022``) by the holder's
did:key with proof purpose ``authentication``, binding ``challenge`` and ``domain`` when given.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from credwallet.errors import BadInput, LimitExceeded, UsageError
from credwallet.models import Credential, CredentialFormat, JSONObject
from credwallet.share.items import SharedItem
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.keys import SigningKey

if TYPE_CHECKING:
    from credwallet.verify.jsonld import DocumentLoader

__all__ = [
    "DATA_INTEGRITY_CONTEXT",
    "SUITES",
    "VC1_CONTEXT",
    "VC2_CONTEXT",
    "VcVersion",
    "build_presentation",
    "create_presentation",
    "embedded_form",
    "group_by_version",
    "sign_presentation",
    "vc_version",
]

VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
DATA_INTEGRITY_CONTEXT = "https://w3id.org/security/data-integrity/v2"
VC_JWT_MEDIA_TYPE = "application/vc+jwt"
SD_JWT_MEDIA_TYPE = "application/dc+sd-jwt"
SCHEMA_NAME = "https://schema.org/name"
SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")
VcVersion = Literal["1.1", "2.0"]


def _first_context(document: JSONObject) -> object:
    context = document.get("@context")
    if isinstance(context, list) and context:
        return context[0]
    return context


def vc_version(credential: Credential) -> VcVersion:
    """Which VC data model the credential follows; :class:`BadInput` if it is no W3C VC."""
    if credential.format is CredentialFormat.SD_JWT_VC:
        return "2.0"  # only VC 2.0 defines EnvelopedVerifiableCredential
    document = credential.document
    if credential.format is CredentialFormat.VC_JWT and isinstance(document.get("vc"), dict):
        document = document["vc"]  # a VC 1.1 JWT: the credential is the `vc` claim
    first = _first_context(document)
    if first == VC2_CONTEXT:
        return "2.0"
    if first == VC1_CONTEXT:
        return "1.1"
    name = credential.display_name
    if credential.format is CredentialFormat.OB2:
        raise BadInput(f"{name!r} is an Open Badges 2.0 assertion, not a Verifiable Credential")
    raise BadInput(f"{name!r} is not a W3C Verifiable Credential (no VC 1.1 or 2.0 @context)")


def embedded_form(credential: Credential, version: VcVersion) -> JSONObject | str:
    """The credential as it sits in ``verifiableCredential``: unchanged, or its JWS enveloped."""
    if credential.format is CredentialFormat.SD_JWT_VC:
        if not credential.jws or version != "2.0":
            raise BadInput(f"{credential.display_name!r} has lost its SD-JWT; re-import it")
        return {
            "@context": VC2_CONTEXT,
            "id": f"data:{SD_JWT_MEDIA_TYPE},{credential.jws}",
            "type": "EnvelopedVerifiableCredential",
        }
    if credential.format is CredentialFormat.VC_JWT:
        if not credential.jws:
            raise BadInput(f"{credential.display_name!r} has lost its JWS; re-import it")
        if version == "1.1":
            return credential.jws
        return {
            "@context": VC2_CONTEXT,
            "id": f"data:{VC_JWT_MEDIA_TYPE},{credential.jws}",
            "type": "EnvelopedVerifiableCredential",
        }
    return copy.deepcopy(credential.document)


def group_by_version(
    items: Iterable[SharedItem],
) -> tuple[dict[str, list[SharedItem]], list[SharedItem]]:
    """({"2.0": [...], "1.1": [...]}, the items that are no VC) in the order given."""
    groups: dict[str, list[SharedItem]] = {}
    others: list[SharedItem] = []
    for item in items:
        try:
            version = vc_version(item.credential)
        except BadInput:
            others.append(item)
            continue
        groups.setdefault(version, []).append(item)
    return groups, others


def _holder_id(holder: object) -> object:
    return holder.get("id") if isinstance(holder, dict) else holder


def build_presentation(
    credentials: Sequence[Credential], *, holder: str, holder_name: str | None = None
) -> JSONObject:
    """The unsigned presentation; every credential must follow the same VC data model.

    With ``holder_name`` the holder is ``{"id": DID, "name": NAME}``, so the holder's proof
    covers the name. VC 2.0 defines ``name`` (schema.org/name) in its base context; the 1.1
    context does not, so a 1.1 presentation gets the same one-term inline context, otherwise
    JSON-LD would drop the name and an RDFC proof would not cover it.
    """
    if not credentials:
        raise UsageError("a presentation needs at least one credential")
    versions = {vc_version(c) for c in credentials}
    if len(versions) > 1:
        raise BadInput(
            "these credentials mix VC 1.1 and VC 2.0, which one presentation cannot hold; "
            "present them separately"
        )
    (version,) = versions
    context: list[str | JSONObject] = (
        [VC2_CONTEXT] if version == "2.0" else [VC1_CONTEXT, DATA_INTEGRITY_CONTEXT]
    )
    holder_value: str | JSONObject = holder
    if holder_name:
        holder_value = {"id": holder, "name": holder_name}
        if version == "1.1":
            context.append({"name": SCHEMA_NAME})
    return {
        "@context": context,
        "type": ["VerifiablePresentation"],
        "holder": holder_value,
        "verifiableCredential": [embedded_form(c, version) for c in credentials],
    }


def sign_presentation(
    presentation: JSONObject,
    *,
    key: SigningKey,
    suite: str = "eddsa-rdfc-2022",
    challenge: str | None = None,
    domain: str | None = None,
    created: datetime | None = None,
    loader: DocumentLoader | None = None,
) -> JSONObject:
    """Add the holder's authentication proof (binding ``challenge``/``domain`` when given)."""
    if suite not in SUITES:
        raise UsageError(
            f"unsupported suite {suite!r} for a presentation (use {' or '.join(SUITES)})"
        )
    if key.algorithm != "Ed25519":
        raise UsageError("presentations are signed with the holder's Ed25519 key")
    if _holder_id(presentation.get("holder")) != key.did_key:
        raise UsageError("the presentation's holder is not the signing key's DID")
    if suite == "eddsa-rdfc-2022" and any(
        isinstance(vc, str) for vc in presentation.get("verifiableCredential", [])
    ):
        # JSON-LD reads a bare string in `verifiableCredential` as a relative IRI and drops it,
        # so an RDFC proof would not cover the embedded VC-JWT at all. JCS signs the JSON text.
        raise UsageError(
            "a VC 1.1 presentation holding a VC-JWT cannot be signed with eddsa-rdfc-2022 "
            "(JSON-LD drops the JWT, the proof would not cover it): use eddsa-jcs-2022"
        )
    for label, value in (("challenge", challenge), ("domain", domain)):
        if value is not None and (not value or len(value) > 2048):
            raise UsageError(f"the {label} must be between 1 and 2048 characters")
    try:
        return sign_document(
            presentation,
            suite=suite,
            key=key,
            verification_method=key.verification_method,
            proof_purpose="authentication",
            created=created,
            challenge=challenge,
            domain=domain,
            loader=loader,
        )
    except LimitExceeded as exc:
        if suite != "eddsa-rdfc-2022":
            raise
        # Inside a presentation every blank node of an embedded credential hangs off the same
        # graph name, which can make RDFC-1.0 permutation search explode for rich credentials.
        raise LimitExceeded(
            f"{exc}: canonicalising this presentation with RDFC-1.0 is too costly; "
            "present fewer credentials or use eddsa-jcs-2022"
        ) from None


def create_presentation(
    credentials: Sequence[Credential],
    *,
    key: SigningKey,
    suite: str = "eddsa-rdfc-2022",
    challenge: str | None = None,
    domain: str | None = None,
    created: datetime | None = None,
    loader: DocumentLoader | None = None,
    holder_name: str | None = None,
) -> JSONObject:
    """Build and sign a presentation of ``credentials`` held by ``key``'s did:key (and named
    ``holder_name`` when given: see :func:`build_presentation`)."""
    unsigned = build_presentation(credentials, holder=key.did_key, holder_name=holder_name)
    return sign_presentation(
        unsigned,
        key=key,
        suite=suite,
        challenge=challenge,
        domain=domain,
        created=created,
        loader=loader,
    )
