"""Helpers for the verification tests: an in-memory fetcher, pinned clocks, options."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from credwallet.errors import FetchError
from credwallet.formats import parse
from credwallet.models import Credential, VerificationReport
from credwallet.net import Fetched, HttpStatusError
from credwallet.verify.engine import VerifyOptions, verify_credential
from support import EXTERNAL

#: "now" for the shared fixtures: SOURCES.md says expiry expectations hold between 2026 and 2029.
FIXTURE_NOW = datetime(2026, 12, 1, tzinfo=UTC)
#: When the fake fetcher says its copies were fetched.
FETCHED_AT = datetime(2026, 11, 30, tzinfo=UTC)


class FakeFetcher:
    """Serves bundled documents by URL (or DID) like an offline cache; anything else fails.

    ``gone`` lists URLs that answer HTTP 404, as a server that does not have them would.
    """

    def __init__(
        self, documents: dict[str, bytes] | None = None, *, gone: tuple[str, ...] = ()
    ) -> None:
        self.documents = dict(documents or {})
        self.gone = gone
        self.requested: list[str] = []
        self.allow_loopback = False  # as net.Fetcher: some verifiers read it

    @classmethod
    def for_resources(cls, resources: dict[str, str] | None) -> FakeFetcher:
        return cls({url: (EXTERNAL / path).read_bytes() for url, path in (resources or {}).items()})

    def add_json(self, url: str, document: object) -> None:
        self.documents[url] = json.dumps(document).encode()

    def fetch(self, url: str, *, accept: str = "application/json") -> Fetched:
        self.requested.append(url)
        if url in self.gone:
            raise HttpStatusError(f"HTTP 404 from {url}", url=url, status=404)
        if url not in self.documents:
            raise FetchError(f"offline: {url} is not in the cache")
        return Fetched(
            url=url,
            body=self.documents[url],
            fetched_at=FETCHED_AT,
            from_cache=True,
            content_type="application/json",
        )


def options(**overrides: Any) -> VerifyOptions:
    values: dict[str, Any] = {"now": FIXTURE_NOW, "fetcher": None}
    values.update(overrides)
    return VerifyOptions(**values)


def load_credential(path: Path) -> Credential:
    return parse(path.read_bytes(), name=path.name)


def credential_from(document: dict[str, Any]) -> Credential:
    return parse(json.dumps(document).encode(), name="test.json")


def verify(document: dict[str, Any] | str, **overrides: Any) -> VerificationReport:
    """Verify a JSON-LD document or a VC-JWT string with the fixture clock."""
    data = document.encode() if isinstance(document, str) else json.dumps(document).encode()
    return verify_credential(parse(data), source="test", options=options(**overrides))


def statuses(report: VerificationReport) -> dict[str, str]:
    return {c.name: str(c.status) for c in report.checks}


def stranger_status_lists(case: dict[str, Any]) -> list[str]:
    """The bundled status lists of a manifest case that are not its issuer's.

    credwallet uses a status list only when it is issued by the credential's issuer, or signed
    only with keys of the issuer's DID (issue 11): anyone can put a document at a URL. Several
    public fixtures (DCC's) point every credential at one shared list signed by another key;
    for those the revocation check is ``unknown`` whatever the manifest says the list holds.
    """
    path = EXTERNAL / case["file"]
    if path.suffix != ".json":
        return []
    document = json.loads(path.read_text("utf-8"))
    issuer = document.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    entries = document.get("credentialStatus") or []
    entries = entries if isinstance(entries, list) else [entries]
    resources = case.get("resources") or {}
    strangers = []
    for entry in entries:
        url = entry.get("statusListCredential") if isinstance(entry, dict) else None
        if url not in resources:
            continue
        listed = json.loads((EXTERNAL / resources[url]).read_text("utf-8"))
        list_issuer = listed.get("issuer")
        list_issuer = list_issuer.get("id") if isinstance(list_issuer, dict) else list_issuer
        proofs = listed.get("proof") or []
        proofs = proofs if isinstance(proofs, list) else [proofs]
        methods = [str(p.get("verificationMethod", "")).partition("#")[0] for p in proofs]
        by_issuer_key = bool(methods) and str(issuer).startswith("did:")
        by_issuer_key = by_issuer_key and all(m == issuer for m in methods)
        if list_issuer != issuer and not by_issuer_key:
            strangers.append(url)
    return strangers
