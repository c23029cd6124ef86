"""Recognising Blockcerts: v2 (OB 2.0 shaped, ``signature`` MerkleProof2017) and v3 (a VC whose
proof is a MerkleProof2019, a ``merkle-proof-2019`` DataIntegrityProof, or a ChainedProof2021)."""

from __future__ import annotations

from typing import Any

from credwallet.formats import _values as v
from credwallet.models import JSONObject

__all__ = ["is_blockcerts", "is_v2"]

_MERKLE_TYPES = frozenset({"MerkleProof2017", "MerkleProof2019", "ChainedProof2021"})


def is_blockcerts(document: JSONObject) -> bool:
    if any("w3id.org/blockcerts" in c for c in v.contexts(document)):
        return True
    if "BlockcertsCredential" in v.types(document):
        return True
    return is_v2(document) or any(_is_merkle_proof(p) for p in v.items(document.get("proof")))


def is_v2(document: JSONObject) -> bool:
    """Blockcerts v2 keeps its Merkle receipt in ``signature`` on an OB 2.0 assertion."""
    signature = document.get("signature")
    return isinstance(signature, dict) and bool(_MERKLE_TYPES & set(v.types(signature)))


def _is_merkle_proof(proof: Any) -> bool:
    if not isinstance(proof, dict):
        return False
    return (
        bool(_MERKLE_TYPES & set(v.types(proof)))
        or proof.get("cryptosuite") == "merkle-proof-2019"
        or proof.get("chainedProofType") == "MerkleProof2019"
    )
