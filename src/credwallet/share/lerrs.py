"""An HR Open Standards LER-RS résumé of the holder's credentials, signed by the holder.

LER-RS (Learning and Employment Record Resume Standard, HR Open Standards 4.4; continued in 4.5
as the Trusted Career Profile) is a résumé in JSON whose sections ("containers") can carry
verifiable credentials as proof. What is produced here, all signed with the holder's did:key:

* the résumé itself: ``type`` is the LER-RS 4.4 schema URL, ``person.name.formattedName`` the
  holder's profile name, ``communication`` the profile's e-mail and web address, and one
  ``certifications`` container per credential (``name``, ``issuingAuthority``, ``firstIssued``,
  ``effectiveTimePeriod``, ``status``) with the credential embedded unchanged in
  ``verifications`` (its issuer's proof intact; a VC-JWT as the enveloped form VC 2.0 defines);
* wrapped, as HR Open's 4.5 "VC wrapper" and the LearnCard LER-RS plugin do, in a credential
  issued by the holder about themselves (type ``LERRS``: self-asserted, it vouches for nothing but
  the holder's own claims), whose subject is the résumé;
* inside a Verifiable Presentation signed by the holder (``eddsa-jcs-2022``, proof purpose
  ``authentication``), so an employer's system can check the résumé is the holder's and
  untouched, then check each embedded credential against its issuer.

JCS signs the JSON text as it is; the LER-RS terms are not JSON-LD terms (VC 2.0's
``@vocab`` covers them), so an RDFC proof would not be meaningful here. The container field
names follow the LER-RS certification container as published implementations use them; they
were not validated against HR Open's JSON Schema, which is not available offline here.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from credwallet.errors import BadInput
from credwallet.models import JSONObject
from credwallet.share.items import SharedItem, expires_on, issued_on
from credwallet.share.labels import status_label
from credwallet.share.presentation import VC2_CONTEXT, embedded_form, vc_version
from credwallet.share.profile import HolderProfile
from credwallet.share.resume import clean_text, public_url
from credwallet.verify.dataintegrity import sign_document
from credwallet.verify.keys import SigningKey

__all__ = ["LER_RS_TYPE", "LER_RS_VC_TYPE", "ler_rs_document", "ler_rs_presentation"]

LER_RS_TYPE = "http://schema.hropenstandards.org/4.4/recruiting/json/ler-rs/LER-RSType.json"
LER_RS_VC_TYPE = "LERRS"
SUITE = "eddsa-jcs-2022"


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _embedded(item: SharedItem) -> JSONObject | str:
    """The credential as it goes in ``verifications``: its own JSON, or its JWS enveloped."""
    credential = item.credential
    try:
        form = embedded_form(credential, vc_version(credential))
    except BadInput:  # OB 2.0 / Blockcerts: no W3C VC; carry the JSON as it is
        return dict(credential.document)
    if isinstance(form, str):  # a VC 1.1 JWT: the 2.0 envelope keeps it a JSON object
        return {
            "@context": VC2_CONTEXT,
            "id": f"data:application/vc+jwt,{form}",
            "type": "EnvelopedVerifiableCredential",
        }
    return form


def _certification(item: SharedItem, now: datetime) -> JSONObject:
    credential = item.credential
    container: JSONObject = {
        "name": clean_text(credential.display_name) or "(unnamed credential)",
    }
    issuer = clean_text(credential.issuer.name) or clean_text(credential.issuer.id)
    if issuer:
        container["issuingAuthority"] = {"name": issuer}
    description = clean_text(
        credential.description
        or (credential.achievement.description if credential.achievement else None)
    )
    if description:
        container["description"] = description
    issued, expires = issued_on(credential), expires_on(credential)
    if issued is not None:
        container["firstIssued"] = issued.isoformat()
    if issued is not None or expires is not None:
        period: JSONObject = {}
        if issued is not None:
            period["validFrom"] = issued.isoformat()
        if expires is not None:
            period["validTo"] = expires.isoformat()
        container["effectiveTimePeriod"] = period
    label = status_label(item, now)
    container["status"] = label.text  # "Verified", "Not fully verified", "Expired", ...
    if item.report is not None:
        container["statusCheckedAt"] = _iso(item.report.checked_at)
    if url := public_url(credential):
        container["url"] = url
    if credential.credential_id:
        container["id"] = credential.credential_id
    container["verifications"] = [_embedded(item)]
    return container


def ler_rs_document(
    items: Sequence[SharedItem], *, profile: HolderProfile | None, now: datetime
) -> JSONObject:
    """The LER-RS résumé (unsigned): the holder's name and contact, one container each."""
    document: JSONObject = {"type": LER_RS_TYPE}
    if profile is not None:
        document["person"] = {"name": {"formattedName": profile.name}}
        communication: JSONObject = {}
        if profile.email:
            communication["email"] = [{"address": profile.email}]
        if profile.url:
            communication["web"] = [{"url": profile.url}]
        if communication:
            document["communication"] = communication
    document["certifications"] = [_certification(item, now) for item in items]
    return document


def ler_rs_presentation(
    items: Sequence[SharedItem],
    *,
    key: SigningKey,
    profile: HolderProfile | None,
    now: datetime,
    challenge: str | None = None,
    domain: str | None = None,
) -> JSONObject:
    """The résumé as a holder-issued credential inside a holder-signed presentation."""
    holder = key.did_key
    subject: JSONObject = {"id": holder, **ler_rs_document(items, profile=profile, now=now)}
    resume_vc: JSONObject = {
        "@context": [VC2_CONTEXT],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", LER_RS_VC_TYPE],
        "issuer": holder,
        "validFrom": _iso(now),
        "credentialSubject": subject,
    }
    if profile is not None:
        resume_vc["name"] = f"Résumé of {profile.name}"
    signed_vc = sign_document(
        resume_vc, suite=SUITE, key=key, proof_purpose="assertionMethod", created=now
    )
    holder_value: str | JSONObject = (
        {"id": holder, "name": profile.name} if profile is not None else holder
    )
    presentation: JSONObject = {
        "@context": [VC2_CONTEXT],
        "type": ["VerifiablePresentation"],
        "holder": holder_value,
        "verifiableCredential": [signed_vc],
    }
    return sign_document(
        presentation,
        suite=SUITE,
        key=key,
        verification_method=key.verification_method,
        proof_purpose="authentication",
        created=now,
        challenge=challenge,
        domain=domain,
    )
