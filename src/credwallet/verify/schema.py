"""The ``schema`` check: does the credential conform to the JSON Schemas it names?

Open Badges 3.0 (section 9.1, step 1) and CLR 2.0 verification start here: for each
``credentialSchema`` entry of type ``1EdTechJsonSchemaValidator2019`` (or the VC 2.0
``JsonSchema``, or the older ``JsonSchemaValidator2018``), the credential must validate against
the schema at the entry's ``id``. The schema comes from the package (``schemas_data/``, each file
pinned by SHA-256), then the fetcher (the cache; online, the network). Validation uses the
``jsonschema`` library, imported only when a credential names a schema.

Outcomes: no ``credentialSchema`` -> ``skip``; the credential breaks a schema -> ``fail`` (the
spec: it "does not conform to the specification"); a schema that cannot be had (offline, not
shipped, not JSON, itself not a valid schema, a ``$ref`` to a document not at hand) or of an
unsupported type -> ``unknown``, with the reason. An unknown schema is not held against the
credential (``required=False``): issuers name schemas of their own that no verifier can reach,
and that says nothing about the credential. A VC 1.1 credential that fails a schema which only
admits VC 2.0 is ``unknown`` too: 1EdTech republished its schemas at the same URLs for VC 2.0,
so the revision such a credential was written against is not the one at hand. (Blockcerts
certificates validate their schemas in blockcerts.py, against the credentialSubject as
cert-verifier-js does.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

from credwallet.errors import BadInput, CredwalletError
from credwallet.models import Check, CheckStatus, JSONObject

if TYPE_CHECKING:
    from credwallet.verify.engine import VerifyOptions

__all__ = ["CHECK_NAME", "SCHEMA_TYPES", "check_schemas", "shipped_schema", "shipped_schema_urls"]

CHECK_NAME: Final = "schema"
SCHEMA_TYPES: Final = frozenset(
    {"1EdTechJsonSchemaValidator2019", "JsonSchema", "JsonSchemaValidator2018"}
)
_MAX_ERRORS_SHOWN: Final = 3
_SHIPPED: Final = "shipped with credwallet"
_MAX_SCHEMAS: Final = 8  # a credential naming more is not looked at beyond this many


@dataclass(frozen=True, slots=True)
class _Outcome:
    status: CheckStatus
    text: str


@cache
def _index() -> dict[str, dict[str, str]]:
    raw = resources.files("credwallet.verify.schemas_data").joinpath("index.json").read_bytes()
    index = json.loads(raw)
    return {str(url): dict(entry) for url, entry in index.items()}


def shipped_schema_urls() -> tuple[str, ...]:
    """The URLs of the JSON Schemas shipped inside the package."""
    return tuple(sorted(_index()))


@cache
def shipped_schema(url: str) -> JSONObject | None:
    """A shipped schema by URL, after checking its bytes against the pinned SHA-256."""
    entry = _index().get(url)
    if entry is None:
        return None
    data = resources.files("credwallet.verify.schemas_data").joinpath(entry["file"]).read_bytes()
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        # A damaged installation: refuse the copy rather than validate against a changed schema.
        return None
    value = json.loads(data)
    return value if isinstance(value, dict) else None


def _entries(document: Mapping[str, Any]) -> list[object]:
    value = document.get("credentialSchema")
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _load(url: str, options: VerifyOptions) -> tuple[JSONObject | None, str]:
    """(schema, where it came from) or (None, why it could not be had)."""
    shipped = shipped_schema(url)
    if shipped is not None:
        return shipped, _SHIPPED
    if options.fetcher is None:
        return None, "not shipped with credwallet, and there is no network or cache"
    from credwallet.verify.remote import as_of, fetch_json

    try:
        value, fetched = fetch_json(
            options.fetcher, url, what="schema", accept="application/schema+json, application/json"
        )
    except CredwalletError as exc:
        return None, exc.message
    return value, as_of(fetched)


def _retrieve_shipped(uri: str) -> Any:
    """``$ref`` targets: only shipped schemas; nothing is fetched while validating."""
    from referencing import Resource
    from referencing.exceptions import NoSuchResource

    schema = shipped_schema(uri.split("#", 1)[0])
    if schema is None:
        raise NoSuchResource(uri)
    return Resource.from_contents(schema)


@cache
def _shipped_validator(url: str) -> Any:
    """A validator for a shipped schema, built once: its meta-validation (``check_schema``)
    is skipped, as the tests check every shipped schema, and it costs seconds on the 1EdTech
    schemas (over 100 KB each) where validating a credential takes milliseconds."""
    from jsonschema import validators
    from referencing import Registry

    schema = shipped_schema(url)
    validator_class = validators.validator_for(schema, default=validators.Draft202012Validator)
    registry: Any = Registry(retrieve=_retrieve_shipped)  # type: ignore[call-arg]
    return validator_class(schema, registry=registry)


def _validate(
    instance: object, schema: JSONObject, *, shipped_url: str | None = None
) -> tuple[CheckStatus, list[str]]:
    try:
        from jsonschema import SchemaError, validators
    except ImportError:  # a dependency (pyproject.toml); an install without it cannot check
        return CheckStatus.UNKNOWN, ["the jsonschema library is not installed"]
    from referencing import Registry
    from referencing.exceptions import Unresolvable

    if shipped_url is not None:
        validator = _shipped_validator(shipped_url)
    else:
        validator_class = validators.validator_for(schema, default=validators.Draft202012Validator)
        try:
            validator_class.check_schema(schema)
        except SchemaError as exc:
            return CheckStatus.UNKNOWN, [
                f"the schema itself is not valid JSON Schema: {exc.message}"
            ]
        registry: Any = Registry(retrieve=_retrieve_shipped)  # type: ignore[call-arg]
        validator = validator_class(schema, registry=registry)
    try:
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    except Unresolvable as exc:
        return CheckStatus.UNKNOWN, [f"the schema refers to {exc} which is not at hand"]
    except RecursionError:
        return CheckStatus.UNKNOWN, ["the schema is too deeply nested to evaluate"]
    if not errors:
        return CheckStatus.PASS, []
    shown = [f"{e.json_path}: {_short(e.message)}" for e in errors[:_MAX_ERRORS_SHOWN]]
    if len(errors) > _MAX_ERRORS_SHOWN:
        shown.append(f"and {len(errors) - _MAX_ERRORS_SHOWN} more")
    return CheckStatus.FAIL, shown


_VC1: Final = "https://www.w3.org/2018/credentials/v1"
_VC2: Final = "https://www.w3.org/ns/credentials/v2"


def _later_revision(schema: JSONObject, instance: object) -> bool:
    """Whether ``schema`` only admits VC 2.0 credentials and ``instance`` is a VC 1.1 one."""
    if not isinstance(instance, Mapping):
        return False
    properties = schema.get("properties")
    rule = properties.get("@context") if isinstance(properties, Mapping) else None
    text = json.dumps(rule)
    contexts = instance.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    return first == _VC1 and _VC2 in text and _VC1 not in text


def _short(message: str, limit: int = 160) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _check_entry(
    entry: object, instance: object, options: VerifyOptions
) -> tuple[_Outcome, list[tuple[str, str]]]:
    if not isinstance(entry, Mapping):
        return _Outcome(CheckStatus.FAIL, "a credentialSchema entry is not an object"), []
    url, kind = entry.get("id"), entry.get("type")
    if not isinstance(url, str) or not url:
        return _Outcome(CheckStatus.FAIL, "a credentialSchema entry has no id"), []
    if kind not in SCHEMA_TYPES:
        return _Outcome(CheckStatus.UNKNOWN, f"{url}: schema type {kind!r} is not supported"), []
    schema, source = _load(url, options)
    inputs = [("schema", url), ("schema source", source)]
    if schema is None:
        return _Outcome(CheckStatus.UNKNOWN, f"{url} could not be had: {source}"), inputs
    shipped = source == _SHIPPED
    status, problems = _validate(instance, schema, shipped_url=url if shipped else None)
    if status is CheckStatus.PASS:
        return _Outcome(status, f"conforms to {url}"), inputs
    if status is CheckStatus.FAIL and _later_revision(schema, instance):
        # 1EdTech republished its schemas at the same URLs for VC 2.0 (OB 3.0.3 / CLR 2.0.1):
        # a VC 1.1 credential was written against the revision served when it was issued,
        # which is not at hand, so failing today's revision proves nothing about it.
        return _Outcome(
            CheckStatus.UNKNOWN,
            f"{url} as held now is its VC 2.0 revision; this VC 1.1 credential was written "
            "against an earlier revision at the same URL, which is not at hand ("
            + "; ".join(problems)
            + ")",
        ), inputs
    if status is CheckStatus.FAIL:
        return _Outcome(status, f"does not conform to {url}: " + "; ".join(problems)), inputs
    return _Outcome(status, f"{url}: " + "; ".join(problems)), inputs


def check_schemas(document: Mapping[str, Any], options: VerifyOptions) -> Check:
    """The ``schema`` check for a credential document (a VC-JWT's ``vc`` claim, unwrapped)."""
    if "credentialSchema" not in document and isinstance(document.get("vc"), Mapping):
        document = document["vc"]
    try:
        entries = _entries(document)
    except TypeError:
        raise BadInput("credentialSchema is not an object or a list") from None
    if not entries:
        return Check(CHECK_NAME, CheckStatus.SKIP, "the credential names no credentialSchema")
    instance = dict(document)
    outcomes: list[_Outcome] = []
    inputs: list[tuple[str, str]] = []
    for index, entry in enumerate(entries[:_MAX_SCHEMAS]):
        outcome, entry_inputs = _check_entry(entry, instance, options)
        outcomes.append(outcome)
        tag = f"{index + 1} " if len(entries) > 1 else ""
        inputs.extend((f"{tag}{k}" if tag else k, v) for k, v in entry_inputs)
    for wanted in (CheckStatus.FAIL, CheckStatus.UNKNOWN):
        chosen = [o.text for o in outcomes if o.status is wanted]
        if chosen:
            passed = sum(o.status is CheckStatus.PASS for o in outcomes)
            prefix = f"{passed} of {len(outcomes)} schemas validated; " if passed else ""
            return Check(
                CHECK_NAME,
                wanted,
                prefix + "; ".join(chosen),
                tuple(inputs),
                required=wanted is CheckStatus.FAIL,
            )
    detail = "; ".join(o.text for o in outcomes)
    return Check(CHECK_NAME, CheckStatus.PASS, detail, tuple(inputs))
