"""Europass Digital Credentials (EDC, ELM 3): a JSON-LD credential sealed with JAdES.

The file the Europass wallet hands out is a JWS in JSON serialisation with an unencoded payload
(``b64: false``): ``{"payload": "<the credential as a JSON string>", "signatures": [{"protected",
"header", "signature"}]}`` (EDCI ``edci-eseal-core`` ESealConfig: JAdES-BASELINE-LTA,
enveloping). The payload is a VC 1.1 ``EuropeanDigitalCredential``; what a person wants to see
is in ELM terms: the claim's ``title``, ``awardedBy.awardingBody.legalName``, the awarding date
and the learning outcomes (``specifiedBy.learningOutcome``, often linked to ESCO skills).

Pure functions: no I/O, no signature checking (verify/edc.py does that).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from credwallet.errors import BadInput
from credwallet.formats import _values as v
from credwallet.formats import vc
from credwallet.formats.dates import parse_datetime
from credwallet.formats.jsonutil import loads_strict
from credwallet.models import (
    Achievement,
    Alignment,
    Container,
    Credential,
    CredentialFormat,
    JSONObject,
    Party,
)

__all__ = ["JadesSeal", "from_jades", "is_edc", "is_jades", "read_jades"]

EDC_TYPE = "EuropeanDigitalCredential"


@dataclass(frozen=True, slots=True)
class JadesSeal:
    protected: str  # base64url, as in the file: it is part of what was signed
    header: JSONObject  # the decoded protected header
    signature: str  # base64url
    payload: str  # the credential text exactly as sealed (b64: false)


def is_jades(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("payload"), str)
        and isinstance(value.get("signatures"), list)
        and bool(value["signatures"])
    )


def is_edc(document: JSONObject) -> bool:
    return EDC_TYPE in v.types(document)


def read_jades(value: JSONObject) -> JadesSeal:
    from credwallet.formats.jose import b64url_decode

    first = value["signatures"][0]
    if not isinstance(first, dict) or not isinstance(first.get("protected"), str):
        raise BadInput("sealed credential: the signature has no protected header")
    header = loads_strict(b64url_decode(first["protected"], what="JAdES protected header"))
    if not isinstance(header, dict):
        raise BadInput("sealed credential: the protected header is not a JSON object")
    signature = first.get("signature")
    if not isinstance(signature, str):
        raise BadInput("sealed credential: the signature is missing")
    return JadesSeal(first["protected"], header, signature, value["payload"])


def from_jades(value: JSONObject, *, original: bytes) -> Credential:
    """The sealed EDC as a Credential (its document is the payload credential)."""
    seal = read_jades(value)
    payload = seal.payload
    if seal.header.get("b64", True) is not False:
        from credwallet.formats.jose import b64url_decode

        payload = b64url_decode(payload, what="JAdES payload").decode("utf-8", "replace")
    document = loads_strict(payload.encode("utf-8"))
    if not isinstance(document, dict) or not vc.is_credential(document):
        raise BadInput("sealed credential: the payload is not a Verifiable Credential")
    return from_edc(document, container=Container.JSON, original=original)


def from_edc(document: JSONObject, *, container: Container, original: bytes) -> Credential:
    """Any EDC credential, sealed or not: the generic VC view plus the ELM fields shown."""
    base = vc.from_credential(
        document, container=container, original=original, credential_format=CredentialFormat.EDC
    )
    subject = v.obj(document.get("credentialSubject"))
    claims = [c for c in v.items(subject.get("hasClaim")) if isinstance(c, dict)]
    claim = claims[0] if claims else {}
    awarding = v.obj(claim.get("awardedBy"))
    bodies = [b for b in v.items(awarding.get("awardingBody")) if isinstance(b, dict)]
    body = bodies[0] if bodies else {}
    specified = v.obj(claim.get("specifiedBy"))
    outcomes = tuple(
        _outcome(o) for o in v.items(specified.get("learningOutcome")) if isinstance(o, dict)
    )
    issuer = v.obj(document.get("issuer"))
    issuer_name = v.text(issuer.get("legalName")) or base.issuer.name
    title = v.text(claim.get("title")) or v.text(specified.get("title"))
    achievement = Achievement(
        id=v.ref(specified.get("id")) or v.ref(claim.get("id")),
        name=title,
        description=v.text(claim.get("description")) or v.text(specified.get("description")),
        achievement_type=v.text(claim.get("type")),
        alignments=outcomes,
    )
    awarded = parse_datetime(awarding.get("awardingDate"))
    # The awarding body (who awarded the learning) is often not the issuer (who sealed the
    # file): the Europass viewer names both, so does the description here.
    body_name = v.text(body.get("legalName"))
    described = achievement.description or base.description
    if body_name:
        described = f"Awarded by {body_name}." + (f" {described}" if described else "")
    return replace(
        base,
        name=title or base.name,
        description=described,
        issuer=replace(base.issuer, name=issuer_name)
        if issuer
        else Party(name=v.text(body.get("legalName"))),
        achievement=achievement,
        issued=awarded or parse_datetime(document.get("issued")) or base.issued,
    )


def _outcome(outcome: JSONObject) -> Alignment:
    skills = [s for s in v.items(outcome.get("relatedESCOSkill")) if isinstance(s, dict)]
    skill = skills[0] if skills else {}
    return Alignment(
        target_name=v.text(outcome.get("title")) or v.text(skill.get("prefLabel")),
        target_url=v.ref(skill.get("id")),
        target_framework="ESCO" if skill else None,
        target_type="LearningOutcome",
    )
