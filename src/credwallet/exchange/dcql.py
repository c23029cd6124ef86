"""DCQL, the Digital Credentials Query Language of OpenID4VP 1.0 (section 6), the holder's side.

:func:`parse_dcql` reads a verifier's query strictly; :func:`match` finds, for each credential
query, the held credentials that satisfy it and the claims each would disclose;
:func:`plan` applies ``credential_sets`` to say which queries must be answered.

Rules followed (section 6.4): a query without ``claims`` asks for no selectively disclosable
claim; with ``claims`` and no ``claim_sets`` every claim must be there; with ``claim_sets`` the
first set (the verifier's preference order) the credential satisfies is used. Without
``credential_sets`` every credential query is required; with them, each required set must be
met by one of its options (the first one that can be) and queries named by no chosen option are
not answered. Claim paths (section 7) are arrays of object keys (strings), array indices
(non-negative integers) and ``null`` for "every element of this array".

W3C ``type_values`` name fully expanded type IRIs; credwallet does no JSON-LD expansion here, so
an IRI matches a credential's type when it is that type or ends with ``#type`` or ``/type``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from credwallet.errors import BadInput
from credwallet.models import Credential, CredentialFormat

__all__ = [
    "SD_JWT",
    "SUPPORTED_FORMATS",
    "Candidate",
    "ClaimQuery",
    "CredentialQuery",
    "CredentialSetQuery",
    "DcqlQuery",
    "HeldCredential",
    "QueryMatch",
    "match",
    "parse_dcql",
    "path_text",
    "plan",
    "select",
]

SD_JWT = "dc+sd-jwt"
LDP_VC = "ldp_vc"
JWT_VC_JSON = "jwt_vc_json"
SUPPORTED_FORMATS = (SD_JWT, LDP_VC, JWT_VC_JSON)
_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
_MAX_QUERIES = 50
_MAX_CLAIMS = 100
_MAX_PATH = 32
_MAX_VALUES = 100
_MAX_SELECTED = 1000

PathElement = str | int | None
Concrete = tuple[str | int, ...]


class HeldCredential(Protocol):
    """What matching needs of a held credential (``credwallet.wallet.held.Held`` fits)."""

    @property
    def wallet_id(self) -> str: ...

    @property
    def credential(self) -> Credential: ...


@dataclass(frozen=True, slots=True)
class ClaimQuery:
    path: tuple[PathElement, ...]
    id: str | None = None
    values: tuple[str | int | bool, ...] | None = None


@dataclass(frozen=True, slots=True)
class CredentialQuery:
    id: str
    format: str
    meta: dict[str, Any] = field(default_factory=dict)
    claims: tuple[ClaimQuery, ...] | None = None
    claim_sets: tuple[tuple[str, ...], ...] | None = None
    multiple: bool = False
    require_binding: bool = True

    @property
    def supported(self) -> bool:
        return self.format in SUPPORTED_FORMATS


@dataclass(frozen=True, slots=True)
class CredentialSetQuery:
    options: tuple[tuple[str, ...], ...]
    required: bool = True


@dataclass(frozen=True, slots=True)
class DcqlQuery:
    credentials: tuple[CredentialQuery, ...]
    credential_sets: tuple[CredentialSetQuery, ...] | None = None

    def query(self, query_id: str) -> CredentialQuery:
        for query in self.credentials:
            if query.id == query_id:
                return query
        raise KeyError(query_id)


# --- parsing --------------------------------------------------------------------------------


def _identifier(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise BadInput(f"the DCQL query's {what} must be letters, digits, '_' or '-'")
    return value


def _bool(value: Any, what: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise BadInput(f"the DCQL query's {what} must be true or false")
    return value


def _path(value: Any) -> tuple[PathElement, ...]:
    if not isinstance(value, list) or not value or len(value) > _MAX_PATH:
        raise BadInput("a DCQL claim path must be a non-empty array")
    for element in value:
        if element is None or isinstance(element, str):
            continue
        if isinstance(element, int) and not isinstance(element, bool) and element >= 0:
            continue
        raise BadInput("a DCQL claim path holds strings, non-negative integers and null only")
    return tuple(value)


def _claim(value: Any) -> ClaimQuery:
    if not isinstance(value, dict):
        raise BadInput("a DCQL claims entry is not an object")
    claim_id = value.get("id")
    values = value.get("values")
    if values is not None:
        if not isinstance(values, list) or not values or len(values) > _MAX_VALUES:
            raise BadInput("a DCQL claim's values must be a non-empty array")
        if not all(isinstance(v, str | int | bool) for v in values):
            raise BadInput("a DCQL claim's values are strings, integers or booleans")
    return ClaimQuery(
        path=_path(value.get("path")),
        id=None if claim_id is None else _identifier(claim_id, "claim id"),
        values=None if values is None else tuple(values),
    )


def _credential_query(value: Any) -> CredentialQuery:
    if not isinstance(value, dict):
        raise BadInput("a DCQL credentials entry is not an object")
    query_id = _identifier(value.get("id"), "credential query id")
    fmt = value.get("format")
    if not isinstance(fmt, str) or not fmt:
        raise BadInput(f"the DCQL credential query {query_id!r} names no format")
    meta = value.get("meta", {})
    if not isinstance(meta, dict):
        raise BadInput(f"the DCQL credential query {query_id!r} has a meta that is no object")
    raw_claims = value.get("claims")
    claims = None
    if raw_claims is not None:
        if not isinstance(raw_claims, list) or not raw_claims or len(raw_claims) > _MAX_CLAIMS:
            raise BadInput(f"the DCQL credential query {query_id!r} has an empty claims array")
        claims = tuple(_claim(c) for c in raw_claims)
    claim_sets = _claim_sets(value.get("claim_sets"), claims, query_id)
    return CredentialQuery(
        id=query_id,
        format=fmt,
        meta=meta,
        claims=claims,
        claim_sets=claim_sets,
        multiple=_bool(value.get("multiple"), "multiple", False),
        require_binding=_bool(
            value.get("require_cryptographic_holder_binding"),
            "require_cryptographic_holder_binding",
            True,
        ),
    )


def _claim_sets(
    value: Any, claims: tuple[ClaimQuery, ...] | None, query_id: str
) -> tuple[tuple[str, ...], ...] | None:
    if value is None:
        return None
    if claims is None:
        raise BadInput(f"the DCQL credential query {query_id!r} has claim_sets but no claims")
    known = {c.id for c in claims if c.id is not None}
    if len(known) != sum(1 for c in claims if c.id is not None):
        raise BadInput(f"the DCQL credential query {query_id!r} repeats a claim id")
    if not isinstance(value, list) or not value:
        raise BadInput(f"the DCQL credential query {query_id!r} has an empty claim_sets")
    sets = []
    for option in value:
        if not isinstance(option, list) or not option:
            raise BadInput("a DCQL claim set must be a non-empty array of claim ids")
        for claim_id in option:
            if claim_id not in known:
                raise BadInput(f"a DCQL claim set names an unknown claim {claim_id!r}")
        sets.append(tuple(str(c) for c in option))
    return tuple(sets)


def parse_dcql(data: Any) -> DcqlQuery:
    """A DCQL query object, validated; :class:`BadInput` says what is wrong with it."""
    if not isinstance(data, dict):
        raise BadInput("the dcql_query is not a JSON object")
    raw = data.get("credentials")
    if not isinstance(raw, list) or not raw or len(raw) > _MAX_QUERIES:
        raise BadInput("the dcql_query has no credentials array")
    credentials = tuple(_credential_query(c) for c in raw)
    ids = [c.id for c in credentials]
    if len(set(ids)) != len(ids):
        raise BadInput("the dcql_query repeats a credential query id")
    raw_sets = data.get("credential_sets")
    sets = None
    if raw_sets is not None:
        if not isinstance(raw_sets, list) or not raw_sets or len(raw_sets) > _MAX_QUERIES:
            raise BadInput("the dcql_query's credential_sets is not a non-empty array")
        sets = tuple(_credential_set(s, set(ids)) for s in raw_sets)
    return DcqlQuery(credentials, sets)


def _credential_set(value: Any, ids: set[str]) -> CredentialSetQuery:
    if not isinstance(value, dict):
        raise BadInput("a DCQL credential set is not an object")
    options = value.get("options")
    if not isinstance(options, list) or not options:
        raise BadInput("a DCQL credential set has no options")
    parsed = []
    for option in options:
        if not isinstance(option, list) or not option:
            raise BadInput("a DCQL credential set option must be a non-empty array of ids")
        for query_id in option:
            if query_id not in ids:
                raise BadInput(f"a DCQL credential set names an unknown query {query_id!r}")
        parsed.append(tuple(str(q) for q in option))
    return CredentialSetQuery(tuple(parsed), _bool(value.get("required"), "required", True))


# --- claim paths (section 7) -------------------------------------------------------------------


def select(root: Any, path: Sequence[PathElement]) -> list[tuple[Concrete, Any]]:
    """Every (concrete path, value) the claims path pointer selects in ``root``."""
    current: list[tuple[Concrete, Any]] = [((), root)]
    for element in path:
        following: list[tuple[Concrete, Any]] = []
        for where, node in current:
            if isinstance(element, str):
                if isinstance(node, dict) and element in node:
                    following.append(((*where, element), node[element]))
            elif element is None:
                if isinstance(node, list):
                    following.extend(((*where, i), item) for i, item in enumerate(node))
            elif isinstance(node, list) and element < len(node):
                following.append(((*where, element), node[element]))
        if len(following) > _MAX_SELECTED:
            raise BadInput("a DCQL claim path selects too many elements")
        current = following
    return current


def _same(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1, as JSON says (Python says otherwise)."""
    return type(a) is type(b) and a == b


def path_text(path: Iterable[str | int | None]) -> str:
    """A claim path for people: ``credentialSubject.achievement.name``, ``degrees[0]``."""
    out = ""
    for element in path:
        if isinstance(element, str):
            out += ("." if out else "") + element
        else:
            out += "[*]" if element is None else f"[{element}]"
    return out or "(whole credential)"


# --- matching -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """A held credential that answers a query, and what answering with it discloses.

    ``paths`` are the concrete claim paths requested; for an SD-JWT VC only they (and what
    lies under them) are disclosed. For W3C formats ``whole`` is true: the credential cannot be
    cut, so every claim in it leaves.
    """

    query_id: str
    held: HeldCredential
    paths: tuple[Concrete, ...]
    whole: bool

    @property
    def disclosed(self) -> list[str]:
        if self.whole:
            return ["the whole credential (this format cannot disclose selectively)"]
        return [path_text(p) for p in self.paths]


@dataclass
class QueryMatch:
    query: CredentialQuery
    candidates: list[Candidate] = field(default_factory=list)
    reason: str = ""  # why nothing matched, when nothing did


def _format_of(credential: Credential) -> str | None:
    if credential.format is CredentialFormat.SD_JWT_VC:
        return SD_JWT
    if credential.format is CredentialFormat.VC_JWT:
        return JWT_VC_JSON
    if credential.format in (CredentialFormat.OB3, CredentialFormat.VC):
        return LDP_VC
    return None


def _root(credential: Credential) -> Any:
    """What claim paths start from: the SD-JWT VC's claims, the VC (a JWT's ``vc`` claim)."""
    document = credential.document
    if credential.format is CredentialFormat.VC_JWT and isinstance(document.get("vc"), dict):
        return document["vc"]
    return document


def _types(credential: Credential) -> set[str]:
    value = _root(credential).get("type")
    if isinstance(value, str):
        return {value}
    return {t for t in value if isinstance(t, str)} if isinstance(value, list) else set()


def _type_matches(wanted: str, types: set[str]) -> bool:
    return any(wanted == t or wanted.endswith(("#" + t, "/" + t)) for t in types)


def _meta_problem(query: CredentialQuery, credential: Credential) -> str | None:
    meta = query.meta
    if query.format == SD_JWT:
        vcts = meta.get("vct_values")
        if isinstance(vcts, list) and credential.document.get("vct") not in vcts:
            return "not of the requested type (vct)"
        return None
    type_values = meta.get("type_values")
    if isinstance(type_values, list):
        types = _types(credential)
        for option in type_values:
            wanted = [t for t in option if isinstance(t, str)] if isinstance(option, list) else []
            if wanted and all(_type_matches(w, types) for w in wanted):
                return None
        return "not of the requested type"
    return None


def _claim_paths(claim: ClaimQuery, root: Any) -> list[Concrete] | None:
    found = select(root, claim.path)
    if claim.values is not None:
        allowed = claim.values
        found = [(p, v) for p, v in found if any(_same(v, a) for a in allowed)]
    return [p for p, _v in found] or None


def _requested_paths(query: CredentialQuery, root: Any) -> tuple[Concrete, ...] | None:
    """The concrete paths to disclose, or None when the credential cannot satisfy the claims."""
    if query.claims is None:
        return ()
    by_claim: list[list[Concrete] | None] = [_claim_paths(c, root) for c in query.claims]
    if query.claim_sets is None:
        if any(p is None for p in by_claim):
            return None
        return tuple(_unique(p for paths in by_claim if paths for p in paths))
    ids = {c.id: i for i, c in enumerate(query.claims) if c.id is not None}
    for option in query.claim_sets:
        chosen = [by_claim[ids[claim_id]] for claim_id in option]
        if all(p is not None for p in chosen):
            return tuple(_unique(p for paths in chosen if paths for p in paths))
    return None


def _unique(paths: Iterable[Concrete]) -> list[Concrete]:
    return list(dict.fromkeys(paths))


def match(
    dcql: DcqlQuery,
    held: Sequence[HeldCredential],
    *,
    bound: Any = None,
) -> dict[str, QueryMatch]:
    """For each credential query (by id), the held credentials that answer it.

    ``bound(credential) -> bool`` says whether the holder can prove possession of the key the
    credential is bound to (an SD-JWT VC's ``cnf``); a query requiring holder binding (the
    default) takes no SD-JWT VC it cannot prove. Without ``bound`` every credential counts.
    """
    matches: dict[str, QueryMatch] = {}
    for query in dcql.credentials:
        found = QueryMatch(query)
        matches[query.id] = found
        if not query.supported:
            found.reason = f"credwallet cannot present the format {query.format!r}"
            continue
        reasons: list[str] = []
        for item in held:
            credential = item.credential
            if _format_of(credential) != query.format:
                continue
            problem = _meta_problem(query, credential)
            if (
                problem is None
                and query.format == SD_JWT
                and query.require_binding
                and bound is not None
                and not bound(credential)
            ):
                problem = "not bound to a key of yours (no key binding possible)"
            paths = None
            if problem is None:
                paths = _requested_paths(query, _root(credential))
                if paths is None:
                    problem = "lacks a requested claim"
            if problem is not None or paths is None:
                reasons.append(problem or "")
                continue
            found.candidates.append(Candidate(query.id, item, paths, whole=query.format != SD_JWT))
        if not found.candidates:
            found.reason = (
                f"no {query.format} credential held"
                if not reasons
                else f"no held {query.format} credential fits ({reasons[0]})"
            )
    return matches


def plan(dcql: DcqlQuery, matches: dict[str, QueryMatch]) -> tuple[list[str], list[str]]:
    """(the query ids to answer, the problems that make the request unanswerable).

    Without credential sets every query is required. With them, each set takes its first
    option whose queries all have candidates; an optional set with none is left out.
    """
    if dcql.credential_sets is None:
        missing = [f"{q}: {m.reason}" for q, m in matches.items() if not m.candidates]
        return list(matches), missing
    chosen: list[str] = []
    problems: list[str] = []
    for credential_set in dcql.credential_sets:
        option = next(
            (o for o in credential_set.options if all(matches[q].candidates for q in o)), None
        )
        if option is None:
            if credential_set.required:
                first = credential_set.options[0]
                detail = "; ".join(
                    f"{q}: {matches[q].reason}" for q in first if not matches[q].candidates
                )
                problems.append(
                    f"none of the options {list(map(list, credential_set.options))} "
                    f"can be met ({detail})"
                )
            continue
        chosen.extend(q for q in option if q not in chosen)
    return chosen, problems
