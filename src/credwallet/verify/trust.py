"""Issuer trust: registries, pins and blocks, evaluated offline into the ``trust`` check.

OB 3.0's recommended practice: check the issuer against a list of trusted issuers obtained out of
band, and otherwise mark the issuer's own data as unverified. credwallet reads registries the way
the Learner Credential Wallet (DCC verifier-core) and LearnCard do:

- a **known-registries list** (DCC ``known-did-registries.json``): a JSON array of
  ``{name, type, url | trustAnchorEC}`` naming the registries below;
- a **DCC legacy registry**: ``{"meta": {...}, "registry": {"<did>": {name, location, url}}}``;
- an **OpenID Federation** trust anchor: its entity configuration (a JWT signed by a key in its
  own ``jwks``, ``iss == sub``, naming ``federation_fetch_endpoint``) and, per issuer, the
  subordinate statement that endpoint answers for ``?sub=<did>`` (signed by the anchor's keys,
  ``iss`` the anchor, ``sub`` the issuer). Signatures and expiry are checked every time with the
  project's JOSE code; a chain that does not verify counts as "not loaded", never as registered;
- the user's own **pins** (``trust pin DID --name``) and **blocks** (``trust block DID``).

Everything is evaluated from what was stored at the last ``trust add`` / ``trust update``, "as of"
that fetch time; nothing here touches the network. Labels:

``blocked``     the user blocked the issuer: ``fail`` and required (the only way trust makes a
                credential invalid)
``self-chosen`` the user pinned the issuer: ``pass``
``registered``  a loaded registry lists the issuer: ``pass``, naming the registry and the
                registered name (the credential's own ``issuer.name`` is shown as "claimed")
``unknown``     no loaded registry lists it: ``unknown``, advice only; registries that could not
                be loaded or checked for this issuer are named ("registry not loaded"), never
                guessed
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Final, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from credwallet.errors import BadInput, CredwalletError
from credwallet.models import Check, CheckStatus, JSONObject, VerificationReport

__all__ = [
    "CHECK_NAME",
    "IssuerTrust",
    "Registry",
    "TrustConfig",
    "evaluate",
    "federation_fetch_endpoint",
    "issuer_trust",
    "oidf_lookup_url",
    "parse_registry_document",
    "registered_name",
    "trust_check",
    "trust_label",
    "verify_entity_configuration",
]

CHECK_NAME: Final = "trust"
DCC_LEGACY: Final = "dcc-legacy"
OIDF: Final = "oidf"
NOT_FOUND: Final = "not-found"  # the federation answered 404 for this issuer

Label = Literal["registered", "self-chosen", "unknown", "blocked"]


@dataclass(frozen=True, slots=True)
class Registry:
    """One registry as stored: where it came from, when, and what it said."""

    name: str
    kind: str  # dcc-legacy | oidf
    source: str  # the URL (or file) it is loaded from
    fetched_at: datetime | None = None
    error: str | None = None  # why the last load failed (then it is "not loaded")
    entries: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # dcc-legacy
    entity_configuration: str | None = None  # oidf: the anchor's self-signed JWT
    statements: Mapping[str, str] = field(default_factory=dict)  # oidf: did -> JWT | not-found
    statements_at: Mapping[str, str] = field(default_factory=dict)  # did -> ISO fetch time

    @property
    def loaded(self) -> bool:
        if self.kind == OIDF:
            return self.entity_configuration is not None
        return self.fetched_at is not None

    def to_json(self) -> JSONObject:
        return {
            "name": self.name,
            "type": self.kind,
            "source": self.source,
            "fetched_at": self.fetched_at.isoformat() if self.fetched_at else None,
            "error": self.error,
            "entries": {k: dict(v) for k, v in self.entries.items()},
            "entity_configuration": self.entity_configuration,
            "statements": dict(self.statements),
            "statements_at": dict(self.statements_at),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Registry:
        stamp = data.get("fetched_at")
        return cls(
            name=str(data["name"]),
            kind=str(data["type"]),
            source=str(data["source"]),
            fetched_at=datetime.fromisoformat(stamp) if isinstance(stamp, str) else None,
            error=data.get("error") if isinstance(data.get("error"), str) else None,
            entries={
                str(k): {str(a): str(b) for a, b in dict(v).items()}
                for k, v in dict(data.get("entries") or {}).items()
            },
            entity_configuration=data.get("entity_configuration") or None,
            statements={str(k): str(v) for k, v in dict(data.get("statements") or {}).items()},
            statements_at={
                str(k): str(v) for k, v in dict(data.get("statements_at") or {}).items()
            },
        )


@dataclass(frozen=True, slots=True)
class TrustConfig:
    """Registries, pins (did -> name) and blocks (did -> reason) the user chose."""

    registries: tuple[Registry, ...] = ()
    pins: Mapping[str, str] = field(default_factory=dict)
    blocks: Mapping[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.registries or self.pins or self.blocks)

    def to_json(self) -> JSONObject:
        return {
            "registries": [r.to_json() for r in self.registries],
            "pins": dict(self.pins),
            "blocks": dict(self.blocks),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TrustConfig:
        return cls(
            registries=tuple(Registry.from_json(r) for r in data.get("registries") or ()),
            pins={str(k): str(v) for k, v in dict(data.get("pins") or {}).items()},
            blocks={str(k): str(v) for k, v in dict(data.get("blocks") or {}).items()},
        )

    def with_registry(self, registry: Registry) -> TrustConfig:
        kept = tuple(r for r in self.registries if r.source != registry.source)
        return replace(self, registries=(*kept, registry))


# --- reading registry documents -------------------------------------------------------------


def parse_registry_document(
    body: bytes, *, source: str, name: str | None, fetched_at: datetime
) -> list[Registry]:
    """What a URL or file given to ``trust add`` holds: a list of registries (to be loaded),
    a DCC legacy registry, or an OpenID Federation entity configuration (a trust anchor)."""
    text = body.strip()
    if text[:1] not in (b"{", b"["):
        token = text.decode("ascii", "replace")
        if token.count(".") == 2:
            verify_entity_configuration(token, now=fetched_at)
            return [
                Registry(
                    name=name or _anchor_name(token) or source,
                    kind=OIDF,
                    source=source,
                    fetched_at=fetched_at,
                    entity_configuration=token,
                )
            ]
        raise BadInput(f"{source} is neither a registry (JSON) nor a federation entity statement")
    from credwallet.formats.jsonutil import loads_strict

    value = loads_strict(text)
    if isinstance(value, list):
        return [_listed(item, source) for item in value]
    if isinstance(value, dict) and isinstance(value.get("registries"), list):
        return [_listed(item, source) for item in value["registries"]]
    if isinstance(value, dict) and isinstance(value.get("registry"), dict):
        meta = value.get("meta")
        meta = meta if isinstance(meta, dict) else {}
        return [
            Registry(
                name=name or str(meta.get("name") or source),
                kind=DCC_LEGACY,
                source=source,
                fetched_at=fetched_at,
                entries=_legacy_entries(value["registry"]),
            )
        ]
    raise BadInput(
        f"{source} is not a registry: expected a list of registries, a DCC registry "
        "{meta, registry} or a federation entity configuration"
    )


def _listed(item: object, source: str) -> Registry:
    """A registry named in a known-registries list, not yet loaded."""
    if not isinstance(item, Mapping):
        raise BadInput(f"{source}: a registry entry is not an object")
    kind = item.get("type")
    name = item.get("name")
    where = item.get("trustAnchorEC") if kind == OIDF else item.get("url")
    if not isinstance(where, str) or not where:
        raise BadInput(f"{source}: registry {name!r} names no URL")
    if kind not in (OIDF, DCC_LEGACY):
        # Kept and named, so that a credential's report can say which registry was not
        # consulted (e.g. vc-recognition), rather than refusing the whole list.
        return Registry(
            name=str(name or where),
            kind=str(kind),
            source=where,
            error=f"registry type {kind!r} is not supported (dcc-legacy, oidf)",
        )
    return Registry(name=str(name or where), kind=str(kind), source=where)


def _legacy_entries(registry: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    entries: dict[str, dict[str, str]] = {}
    for did, entry in registry.items():
        if isinstance(entry, Mapping):
            entries[str(did)] = {
                k: str(entry[k])
                for k in ("name", "location", "url")
                if isinstance(entry.get(k), str)
            }
    return entries


# --- OpenID Federation ------------------------------------------------------------------------


def _claims(token: str) -> tuple[JSONObject, JSONObject]:
    from credwallet.formats.jose import decode_compact_jws

    jws = decode_compact_jws(token)
    return jws.header, jws.payload


def _verify_with_jwks(token: str, jwks: object) -> JSONObject:
    """The payload of ``token`` when a key of ``jwks`` signed it (BadInput otherwise)."""
    from credwallet.formats.jose import decode_compact_jws
    from credwallet.verify.jwt import verify_jws_signature
    from credwallet.verify.keys import jwk_to_public_key

    jws = decode_compact_jws(token)
    alg, kid = jws.header.get("alg"), jws.header.get("kid")
    keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
    if not isinstance(keys, list) or not isinstance(alg, str):
        raise BadInput("the statement names no algorithm, or the signer publishes no keys")
    signing_input, signature = _signing_parts(token)
    for jwk in keys:
        if not isinstance(jwk, Mapping) or (kid is not None and jwk.get("kid") != kid):
            continue
        try:
            key = jwk_to_public_key(jwk)
        except CredwalletError:
            continue
        if verify_jws_signature(signing_input, signature, alg, key):
            return jws.payload
    raise BadInput("the statement's signature does not verify with the signer's keys")


def _signing_parts(token: str) -> tuple[bytes, bytes]:
    from credwallet.formats.jose import b64url_decode

    head, payload, signature = token.strip().split(".")
    return f"{head}.{payload}".encode("ascii"), b64url_decode(signature, what="JWS signature")


def _unexpired(payload: Mapping[str, Any], now: datetime) -> None:
    exp = payload.get("exp")
    if isinstance(exp, str) and exp.isdigit():
        exp = int(exp)  # a live registry signs exp as a digit string; it is still signed
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        raise BadInput("the statement has no expiry (exp)")
    if exp <= now.timestamp():
        when = datetime.fromtimestamp(exp, UTC).isoformat()
        raise BadInput(f"the statement expired on {when}")


def verify_entity_configuration(token: str, *, now: datetime) -> JSONObject:
    """A trust anchor's self-signed entity configuration, verified (BadInput otherwise)."""
    _, unverified = _claims(token)
    # Self-signed: its keys come from the statement itself; a changed payload fails the check.
    payload = _verify_with_jwks(token, unverified.get("jwks"))
    if not isinstance(payload.get("iss"), str) or payload.get("iss") != payload.get("sub"):
        raise BadInput("an entity configuration must be issued by its own subject (iss == sub)")
    _unexpired(payload, now)
    if federation_fetch_endpoint(payload) is None:
        raise BadInput("the entity configuration names no federation_fetch_endpoint")
    return payload


def federation_fetch_endpoint(payload: Mapping[str, Any]) -> str | None:
    metadata = payload.get("metadata")
    entity = metadata.get("federation_entity") if isinstance(metadata, Mapping) else None
    endpoint = entity.get("federation_fetch_endpoint") if isinstance(entity, Mapping) else None
    return endpoint if isinstance(endpoint, str) and endpoint else None


def oidf_lookup_url(endpoint: str, did: str) -> str:
    """The fetch endpoint's URL for the subordinate statement about ``did``."""
    parts = urlsplit(endpoint)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "sub"] + [("sub", did)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _anchor_name(token: str) -> str | None:
    try:
        _, payload = _claims(token)
    except CredwalletError:
        return None
    metadata = payload.get("metadata")
    entity = metadata.get("federation_entity") if isinstance(metadata, Mapping) else None
    name = entity.get("organization_name") if isinstance(entity, Mapping) else None
    return name if isinstance(name, str) and name else None


def _oidf_entry(registry: Registry, did: str, now: datetime) -> tuple[str, dict[str, str]]:
    """("found", entry) / ("not-found", {}) / ("unchecked", {"why": ...}) for one issuer."""
    if registry.entity_configuration is None:
        return "unchecked", {"why": registry.error or "not loaded"}
    statement = registry.statements.get(did)
    if statement is None:
        return "unchecked", {"why": "no statement fetched for this issuer (run `trust update`)"}
    if statement == NOT_FOUND:
        return NOT_FOUND, {}
    try:
        anchor = verify_entity_configuration(registry.entity_configuration, now=now)
        payload = _verify_with_jwks(statement, anchor.get("jwks"))
        if payload.get("iss") != anchor.get("sub") or payload.get("sub") != did:
            raise BadInput("the statement is not the trust anchor's statement about this issuer")
        _unexpired(payload, now)
    except CredwalletError as exc:
        return "unchecked", {"why": f"the federation chain does not verify: {exc.message}"}
    metadata = payload.get("metadata")
    if not isinstance(metadata, Mapping):
        return "unchecked", {"why": "the statement carries no metadata"}
    entity = metadata.get("federation_entity")
    entry: dict[str, str] = {}
    if isinstance(entity, Mapping):
        for key, name in (
            ("organization_name", "name"),
            ("homepage_uri", "url"),
            ("location", "location"),
        ):
            if isinstance(entity.get(key), str):
                entry[name] = str(entity[key])
    at = registry.statements_at.get(did)
    if at:
        entry["fetched_at"] = at
    return "found", entry


# --- evaluation -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuerTrust:
    """What the user's trust settings say about one issuer."""

    label: Label
    issuer: str | None
    registered_name: str | None = None
    registries: tuple[str, ...] = ()  # which registries list it
    not_loaded: tuple[str, ...] = ()  # registries that could not say ("registry not loaded")
    checked: tuple[str, ...] = ()  # registries that were consulted and do not list it
    as_of: str | None = None
    reason: str = ""


def _stamp(when: datetime | None) -> str | None:
    return when.isoformat(timespec="seconds").replace("+00:00", "Z") if when else None


def evaluate(issuer: str | None, config: TrustConfig, *, now: datetime) -> IssuerTrust:
    """The label for ``issuer``, offline, from ``config``."""
    if issuer is None:
        return IssuerTrust("unknown", None, reason="the credential names no issuer")
    if issuer in config.blocks:
        return IssuerTrust("blocked", issuer, reason=config.blocks[issuer])
    if issuer in config.pins:
        return IssuerTrust("self-chosen", issuer, registered_name=config.pins[issuer] or None)
    found: list[tuple[Registry, dict[str, str]]] = []
    not_loaded: list[str] = []
    checked: list[str] = []
    for registry in config.registries:
        if registry.kind == OIDF:
            outcome, entry = _oidf_entry(registry, issuer, now)
        elif not registry.loaded:
            outcome, entry = "unchecked", {"why": registry.error or "not loaded"}
        elif issuer in registry.entries:
            outcome, entry = "found", dict(registry.entries[issuer])
        else:
            outcome, entry = NOT_FOUND, {}
        if outcome == "found":
            found.append((registry, entry))
        elif outcome == NOT_FOUND:
            checked.append(registry.name)
        else:
            not_loaded.append(f"{registry.name} ({entry.get('why', 'not loaded')})")
    if found:
        registry, entry = found[0]
        as_of = entry.get("fetched_at") or _stamp(registry.fetched_at)
        return IssuerTrust(
            "registered",
            issuer,
            registered_name=entry.get("name"),
            registries=tuple(r.name for r, _ in found),
            not_loaded=tuple(not_loaded),
            checked=tuple(checked),
            as_of=as_of,
        )
    stamps = [r.fetched_at for r in config.registries if r.fetched_at is not None]
    return IssuerTrust(
        "unknown",
        issuer,
        not_loaded=tuple(not_loaded),
        checked=tuple(checked),
        as_of=_stamp(min(stamps)) if stamps else None,
    )


def trust_check(
    issuer: str | None, claimed: str | None, config: TrustConfig | None, *, now: datetime
) -> Check:
    """The ``trust`` check. Advice, except ``blocked``, which is a required failure."""
    if config is None or config.empty:
        return Check(
            CHECK_NAME,
            CheckStatus.SKIP,
            "no issuer registries, pinned or blocked issuers (see `credwallet trust`)",
            required=False,
        )
    result = evaluate(issuer, config, now=now)
    inputs: list[tuple[str, str]] = [("label", result.label), ("issuer", issuer or "")]
    if claimed:
        inputs.append(("claimed name", claimed))
    if result.registered_name:
        inputs.append(("registered name", result.registered_name))
    if result.registries:
        inputs.append(("registered by", ", ".join(result.registries)))
    if result.checked:
        inputs.append(("not listed by", ", ".join(result.checked)))
    if result.not_loaded:
        inputs.append(("registry not loaded", "; ".join(result.not_loaded)))
    if result.as_of:
        inputs.append(("as of", result.as_of))
    claim = f' (claims to be "{claimed}")' if claimed else ""
    if result.label == "blocked":
        why = f": {result.reason}" if result.reason else ""
        return Check(
            CHECK_NAME,
            CheckStatus.FAIL,
            f"blocked: you blocked the issuer {issuer}{why}",
            tuple(inputs),
            required=True,
        )
    if result.label == "self-chosen":
        named = f" as {result.registered_name}" if result.registered_name else ""
        return Check(
            CHECK_NAME,
            CheckStatus.PASS,
            f"self-chosen: you pinned {issuer}{named}{claim}",
            tuple(inputs),
            required=False,
        )
    if result.label == "registered":
        named = result.registered_name or "(no name given)"
        return Check(
            CHECK_NAME,
            CheckStatus.PASS,
            f"registered: {named} in {', '.join(result.registries)}, as of {result.as_of}{claim}",
            tuple(inputs),
            required=False,
        )
    parts = [f"unknown: {issuer or '(unnamed issuer)'} is in none of the loaded registries"]
    if result.checked:
        parts.append(
            f"not listed by {', '.join(result.checked)}"
            + (f" as of {result.as_of}" if result.as_of else "")
        )
    if result.not_loaded:
        parts.append("registry not loaded: " + "; ".join(result.not_loaded))
    return Check(
        CHECK_NAME,
        CheckStatus.UNKNOWN,
        "; ".join(parts) + "; issuer data is unverified" + claim,
        tuple(inputs),
        required=False,
    )


def registered_name(report: VerificationReport) -> str | None:
    """The issuer's name as a registry (or the user's pin) gives it, from a report's ``trust``
    check; None when the issuer is not registered or pinned. What ``share`` shows beside the
    credential's own (claimed) issuer name."""
    return issuer_trust(report)[0]


def trust_label(report: VerificationReport) -> str | None:
    """registered / self-chosen / unknown / blocked, from a report's ``trust`` check (None
    when no registries, pins or blocks were in force)."""
    return issuer_trust(report)[1]


def issuer_trust(report: VerificationReport) -> tuple[str | None, str | None]:
    """:func:`registered_name` and :func:`trust_label` from one look at the ``trust`` check
    (a listing asks both of every credential)."""
    check = report.check(CHECK_NAME)
    if check is None:
        return None, None
    inputs = dict(check.inputs)
    registered = check.status is CheckStatus.PASS
    name = (inputs.get("registered name") or None) if registered else None
    return name, inputs.get("label")


def dumps(config: TrustConfig) -> bytes:
    return json.dumps(config.to_json(), sort_keys=True).encode("utf-8")


def loads(payload: bytes) -> TrustConfig:
    return TrustConfig.from_json(json.loads(payload))
