"""The shipped copies of contexts first taken from third parties are the bytes their URLs serve.

Three contexts came from Blockcerts code rather than from their publishers; they were compared
with what each URL serves (w3id.org's redirect rules followed to the publisher's repository):

- https://w3id.org/vc/status-list/2021/v1 redirects to w3c/vc-bitstring-status-list
  ``contexts/2021/v1.jsonld``; the copy is byte-identical (74fcae11).
- https://www.w3.org/ns/did/v1 serves w3c/did-spec-registries ``vocabs/v1/context.jsonld``;
  the copy is byte-identical (c315db97, and a copy fetched from the URL by spruceid/ssi).
- https://w3id.org/security/suites/secp256k1-2019/v1 redirects (now via jsld.org) to
  transmute-industries/ns.did.ai ``suites/secp256k1-2019/v1/index.json``; byte-identical
  (43a5cd31).

The ODRL 2.2 context shipped as 1EdTech's validator's re-indented copy; it is now the bytes
https://www.w3.org/ns/odrl.jsonld serves (w3c/poe ``vocab/ODRL22.jsonld``), the same JSON.

The SHA-256 values here were computed from those upstream files, independently of the index.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from credwallet.verify.contexts import matches_pin, pin_for, shipped_context, shipped_index
from credwallet.verify.jsonld import ContextPinMismatch, DocumentLoader

DID_V1 = "https://www.w3.org/ns/did/v1"
STATUS_LIST_2021 = "https://w3id.org/vc/status-list/2021/v1"
SECP256K1_2019 = "https://w3id.org/security/suites/secp256k1-2019/v1"
ODRL = "https://www.w3.org/ns/odrl.jsonld"

#: SHA-256 of the document each URL serves, from the publisher's repository (see module doc).
SERVED_SHA256 = {
    # w3c/vc-bitstring-status-list @ 74fcae11 contexts/2021/v1.jsonld
    STATUS_LIST_2021: "6dd06a52bedb771e059c1083ba8ba7848dce22f6b4a8cfa0b98ba3fc188870e4",
    # w3c/did-spec-registries @ c315db97 vocabs/v1/context.jsonld
    DID_V1: "4f3eae5568c9c5f036a082088f9e192019ee06faa78973c87ff91d5421b88dad",
    # transmute-industries/ns.did.ai @ 43a5cd31 suites/secp256k1-2019/v1/index.json
    SECP256K1_2019: "8452efdde151151539b78d240f55cee7d9cc985bf078123ce310aa7ae04763b4",
    "https://ns.did.ai/suites/secp256k1-2019/v1": (
        "8452efdde151151539b78d240f55cee7d9cc985bf078123ce310aa7ae04763b4"
    ),
    # w3c/poe @ e3a45ad6 vocab/ODRL22.jsonld
    ODRL: "88e7f9f9048f7c4997ecdd09dd82f864f92eb267ef3d4297dd7db971132583c1",
}


def _shipped(url: str) -> bytes:
    data = shipped_context(url)
    assert data is not None, url
    return data


@pytest.mark.parametrize("url", sorted(SERVED_SHA256))
def test_shipped_copy_is_the_served_document(url: str) -> None:
    data = _shipped(url)
    assert hashlib.sha256(data).hexdigest() == SERVED_SHA256[url] == pin_for(url)


@pytest.mark.parametrize("url", sorted(SERVED_SHA256))
def test_source_is_the_publisher_and_notes_record_the_comparison(url: str) -> None:
    entry = shipped_index()[url]
    publisher = {
        STATUS_LIST_2021: "github.com/w3c/vc-bitstring-status-list/blob/",
        DID_V1: "github.com/w3c/did-spec-registries/blob/",
        SECP256K1_2019: "github.com/transmute-industries/ns.did.ai/blob/",
        "https://ns.did.ai/suites/secp256k1-2019/v1": "github.com/transmute-industries/ns.did.ai/",
        ODRL: "github.com/w3c/poe/blob/",
    }[url]
    assert publisher in entry.source
    assert "identical" in entry.notes


def test_every_index_entry_records_its_comparison() -> None:
    for url, entry in shipped_index().items():
        assert entry.notes, url


# Copies the publishers' own packages bundle: the same JSON in another layout. They must
# still be accepted (by parsed JSON), or a verifier fetching them would refuse good proofs.


def _digitalbazaar_did_context() -> bytes:
    """digitalbazaar/did-context @ a79b64ac contexts/did-v1.jsonld: one blank line fewer."""
    data = _shipped(DID_V1).replace(b'"type": "@type",\n\n', b'"type": "@type",\n', 1)
    assert hashlib.sha256(data).hexdigest() == (
        "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f"
    )
    return data


def _digitalbazaar_status_list_context() -> bytes:
    """digitalbazaar/vc-status-list-context @ 19037b85: JSON.stringify(context, null, 2)."""
    data = json.dumps(json.loads(_shipped(STATUS_LIST_2021)), indent=2).encode()
    assert hashlib.sha256(data).hexdigest() == (
        "634d71c159289f068c96012e4511c657fdf82ac4231900081bda3ba24e2e1160"
    )
    return data


def _validator_odrl_context() -> bytes:
    """The ODRL copy shipped before (1EdTech's validator @ 38254719): re-indented by 4."""
    data = json.dumps(json.loads(_shipped(ODRL)), indent=4).encode()
    assert hashlib.sha256(data).hexdigest() == (
        "f9937a5cf820abc39a1b954a3752132a9334fb23ec4a379e77a74a007c8f567d"
    )
    return data


@pytest.mark.parametrize(
    ("url", "layout"),
    [
        (DID_V1, _digitalbazaar_did_context),
        (STATUS_LIST_2021, _digitalbazaar_status_list_context),
        (ODRL, _validator_odrl_context),
    ],
)
def test_other_layouts_of_the_served_document_are_accepted(url: str, layout: Any) -> None:
    data: bytes = layout()
    assert data != _shipped(url)
    assert matches_pin(url, data)
    loader = DocumentLoader(context_dirs=[], shipped=False, fetcher=lambda _url: data)
    assert loader.load(url) == json.loads(_shipped(url))


# Why the bytes matter: an unmerged change to the DID context (w3c/did-spec-registries PR #392,
# 3688e189) renames four IRIs. A verifier using such a copy canonicalises a DID document's
# `authentication` differently from the issuer, so the loader must refuse it.


def _pr_392_did_context() -> bytes:
    context: dict[str, Any] = json.loads(_shipped(DID_V1))
    terms = context["@context"]
    for term in ("authentication", "capabilityDelegation", "capabilityInvocation"):
        terms[term]["@id"] = "https://w3id.org/security#" + term
    terms["keyAgreement"]["@id"] = "https://w3id.org/security#keyAgreement"
    return json.dumps(context, indent=2).encode()


def _nquads(document: dict[str, Any], did_context: bytes) -> str:
    from pyld import jsonld  # type: ignore[import-untyped]

    def loader(url: str, options: object = None) -> dict[str, Any]:
        assert url == DID_V1, url
        return {"contextUrl": None, "documentUrl": url, "document": json.loads(did_context)}

    nquads = jsonld.normalize(
        document,
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader},
    )
    assert isinstance(nquads, str) and nquads
    return nquads


def test_a_differing_did_context_changes_rdfc_and_is_refused() -> None:
    document = {
        "@context": DID_V1,
        "id": "did:example:123",
        "authentication": ["did:example:123#key-1"],
    }
    served = _nquads(document, _shipped(DID_V1))
    assert "<https://w3id.org/security#authenticationMethod>" in served
    variant = _pr_392_did_context()
    assert _nquads(document, variant) != served
    assert not matches_pin(DID_V1, variant)
    loader = DocumentLoader(context_dirs=[], shipped=False, fetcher=lambda _url: variant)
    with pytest.raises(ContextPinMismatch):
        loader.load(DID_V1)
