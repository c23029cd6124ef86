"""verify/ob2.py: OB 2.0 hosted and signed assertions, BadgeClass/Issuer chain, revocation."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import support
from credwallet import _crypto
from credwallet.errors import FetchError
from credwallet.formats import parse
from credwallet.models import (
    Check,
    CheckStatus,
    Container,
    Credential,
    CredentialFormat,
    JSONObject,
    ReportStatus,
)
from credwallet.net import Fetched, Fetcher, HttpStatusError, MemoryCache
from credwallet.verify.engine import VerifyOptions, verify_credential
from credwallet.verify.ob2 import verify_ob2

NOW = datetime(2026, 6, 1, tzinfo=UTC)
AS_OF = datetime(2026, 5, 30, tzinfo=UTC)
ISSUER = "https://issuer.example/profile.json"
BADGE = "https://issuer.example/badges/robotics.json"
KEY = "https://issuer.example/keys/1.json"
ASSERTION = "https://issuer.example/assertions/42.json"
REVOCATIONS = "https://issuer.example/revocations.json"


class FakeFetcher(Fetcher):
    """Answers from a table: a JSON document, raw bytes, an HTTP status or a network failure."""

    def __init__(self, table: dict[str, object]) -> None:
        super().__init__(cache=None, offline=True)
        self.table = table
        self.asked: list[str] = []

    def fetch(self, url: str, *, accept: str = "application/json") -> Fetched:
        self.asked.append(url)
        answer = self.table.get(url)
        if answer is None:
            raise FetchError(f"could not fetch {url}: connection refused")
        if isinstance(answer, int):
            raise HttpStatusError(f"HTTP {answer} from {url}", url=url, status=answer)
        if isinstance(answer, tuple):  # (status, body)
            raise HttpStatusError(
                f"HTTP {answer[0]} from {url}", url=url, status=answer[0], body=answer[1]
            )
        body = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        return Fetched(url, body, AS_OF, from_cache=False)


def options(table: dict[str, object]) -> tuple[VerifyOptions, FakeFetcher]:
    fetcher = FakeFetcher(table)
    return VerifyOptions(now=NOW, fetcher=fetcher), fetcher


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks}


def recipient() -> JSONObject:
    return {"type": "email", "hashed": True, "salt": "s", "identity": "sha256$" + "ab" * 32}


def assertion(**changes: Any) -> JSONObject:
    doc: JSONObject = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": ASSERTION,
        "recipient": recipient(),
        "badge": BADGE,
        "issuedOn": "2025-01-01T00:00:00Z",
        "verification": {"type": "hosted"},
    }
    doc.update(changes)
    return doc


def issuer_profile(**changes: Any) -> JSONObject:
    doc: JSONObject = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Issuer",
        "id": ISSUER,
        "name": "Example Issuer",
        "publicKey": KEY,
        "revocationList": REVOCATIONS,
    }
    doc.update(changes)
    return doc


def badge_class(**changes: Any) -> JSONObject:
    doc: JSONObject = {"type": "BadgeClass", "id": BADGE, "name": "Robotics", "issuer": ISSUER}
    doc.update(changes)
    return doc


def hosted_table(**overrides: object) -> dict[str, object]:
    table: dict[str, object] = {
        ASSERTION: assertion(),
        BADGE: badge_class(),
        ISSUER: issuer_profile(),
        REVOCATIONS: {"type": "RevocationList", "revokedAssertions": []},
    }
    table.update(overrides)
    return table


def ob2_credential(document: JSONObject, jws: str | None = None) -> Credential:
    return Credential(
        format=CredentialFormat.OB2,
        container=Container.JWT if jws else Container.JSON,
        original=(jws or json.dumps(document)).encode(),
        document=document,
        credential_id=str(document.get("id")),
        jws=jws,
    )


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class TestHosted:
    def test_matching_hosted_assertion_passes_every_check(self) -> None:
        """A hosted assertion served as is, in the issuer's domain, not revoked, passes."""
        opts, fetcher = options(hosted_table())
        checks = by_name(verify_ob2(ob2_credential(assertion()), opts))
        assert {n: c.status for n, c in checks.items()} == {
            "format": CheckStatus.PASS,
            "proof": CheckStatus.PASS,
            "issuer-key": CheckStatus.PASS,
            "revocation": CheckStatus.PASS,
        }
        assert "as of 2026-05-30" in checks["proof"].detail
        assert fetcher.asked[:3] == [ASSERTION, BADGE, ISSUER]

    def test_reference_only_credential_uses_the_hosted_copy(self) -> None:
        """A badge known only by its URL is verified from the fetched assertion."""
        opts, _ = options(hosted_table())
        checks = by_name(verify_ob2(ob2_credential({"id": ASSERTION}), opts))
        assert checks["proof"].status is CheckStatus.PASS
        assert checks["issuer-key"].status is CheckStatus.PASS

    @pytest.mark.parametrize(
        ("hosted", "what"),
        [
            (assertion(recipient={**recipient(), "salt": "other"}), "recipient"),
            (assertion(badge="https://issuer.example/badges/other.json"), "badge"),
            (assertion(id="https://issuer.example/assertions/43.json"), "id"),
        ],
    )
    def test_hosted_copy_that_differs_fails(self, hosted: JSONObject, what: str) -> None:
        """A hosted copy with another recipient, badge or id is not this assertion."""
        opts, _ = options(hosted_table(**{ASSERTION: hosted}))
        proof = by_name(verify_ob2(ob2_credential(assertion()), opts))["proof"]
        assert proof.status is CheckStatus.FAIL and what in proof.detail

    def test_unreachable_host_is_unknown(self) -> None:
        """If the assertion URL cannot be fetched the proof is unknown, not failed."""
        table = hosted_table()
        del table[ASSERTION]
        opts, _ = options(table)
        proof = by_name(verify_ob2(ob2_credential(assertion()), opts))["proof"]
        assert proof.status is CheckStatus.UNKNOWN and ASSERTION in proof.detail

    def test_missing_assertion_fails(self) -> None:
        """A 404 for the assertion URL is a failure: the issuer does not host it."""
        opts, _ = options(hosted_table(**{ASSERTION: 404}))
        proof = by_name(verify_ob2(ob2_credential(assertion()), opts))["proof"]
        assert proof.status is CheckStatus.FAIL and "404" in proof.detail

    def test_gone_with_revoked_body_is_revoked(self) -> None:
        """HTTP 410 with revoked: true is a revocation with the issuer's reason."""
        body = json.dumps({"id": ASSERTION, "revoked": True, "revocationReason": "cheated"})
        opts, _ = options(hosted_table(**{ASSERTION: (410, body.encode())}))
        checks = by_name(verify_ob2(ob2_credential(assertion()), opts))
        assert checks["revocation"].status is CheckStatus.FAIL
        assert "cheated" in checks["revocation"].detail

    def test_revoked_flag_in_hosted_copy_is_revoked(self) -> None:
        """A hosted copy saying revoked: true (with HTTP 200) is a revocation."""
        opts, _ = options(hosted_table(**{ASSERTION: assertion(revoked=True)}))
        revocation = by_name(verify_ob2(ob2_credential(assertion()), opts))["revocation"]
        assert revocation.status is CheckStatus.FAIL and "revoked" in revocation.detail

    def test_revocation_list_entry_is_revoked(self) -> None:
        """An assertion listed in the issuer's revocationList is revoked."""
        listed = {"revokedAssertions": [{"id": ASSERTION, "revocationReason": "error"}]}
        opts, _ = options(hosted_table(**{REVOCATIONS: listed}))
        revocation = by_name(verify_ob2(ob2_credential(assertion()), opts))["revocation"]
        assert revocation.status is CheckStatus.FAIL and "error" in revocation.detail

    def test_host_outside_issuer_domain_fails(self) -> None:
        """By default the assertion must be hosted on the issuer profile's host."""
        elsewhere = "https://badges.other.example/a/42.json"
        opts, _ = options(hosted_table(**{elsewhere: assertion(id=elsewhere)}))
        key = by_name(verify_ob2(ob2_credential(assertion(id=elsewhere)), opts))["issuer-key"]
        assert key.status is CheckStatus.FAIL and "not allowed" in key.detail

    def test_allowed_origins_extend_the_scope(self) -> None:
        """An issuer's verification.allowedOrigins admits another host."""
        elsewhere = "https://badges.other.example/a/42.json"
        profile = issuer_profile(verification={"allowedOrigins": ["badges.other.example"]})
        opts, _ = options(hosted_table(**{elsewhere: assertion(id=elsewhere), ISSUER: profile}))
        key = by_name(verify_ob2(ob2_credential(assertion(id=elsewhere)), opts))["issuer-key"]
        assert key.status is CheckStatus.PASS

    def test_starts_with_restricts_the_scope(self) -> None:
        """verification.startsWith refuses URLs outside the prefix, even on the right host."""
        profile = issuer_profile(verification={"startsWith": "https://issuer.example/only/"})
        opts, _ = options(hosted_table(**{ISSUER: profile}))
        key = by_name(verify_ob2(ob2_credential(assertion()), opts))["issuer-key"]
        assert key.status is CheckStatus.FAIL and "prefix" in key.detail

    def test_issuer_profile_with_other_id_fails(self) -> None:
        """A profile whose id is not the URL the BadgeClass names is refused."""
        opts, _ = options(hosted_table(**{ISSUER: issuer_profile(id="https://evil.example/p")}))
        key = by_name(verify_ob2(ob2_credential(assertion()), opts))["issuer-key"]
        assert key.status is CheckStatus.FAIL and "calls itself" in key.detail

    @pytest.mark.parametrize(
        ("url", "status"),
        [
            ("file:///etc/passwd", CheckStatus.FAIL),
            ("data:application/json,{}", CheckStatus.FAIL),
            # Web addresses credwallet will not fetch: the badge may be genuine, so unknown.
            ("http://issuer.example/a.json", CheckStatus.UNKNOWN),
            ("https://127.0.0.1/a.json", CheckStatus.UNKNOWN),
            ("https://10.1.1.1/a.json", CheckStatus.UNKNOWN),
        ],
    )
    def test_unsafe_assertion_url_is_never_fetched(self, url: str, status: CheckStatus) -> None:
        """file:, data:, plain http, loopback and private URLs are refused without a fetch."""
        opts, fetcher = options(hosted_table())
        proof = by_name(verify_ob2(ob2_credential(assertion(id=url)), opts))["proof"]
        assert proof.status is status and "not fetched" in proof.detail
        assert url not in fetcher.asked

    def test_unsafe_badge_url_is_never_fetched(self) -> None:
        """A BadgeClass at a file: URL fails the issuer binding and is not read."""
        hosted = assertion(badge="file:///etc/passwd")
        opts, fetcher = options(hosted_table(**{ASSERTION: hosted}))
        checks = by_name(verify_ob2(ob2_credential(hosted), opts))
        assert checks["issuer-key"].status is CheckStatus.FAIL
        assert "file:///etc/passwd" not in fetcher.asked

    def test_ob1_hosted_assertion_uses_verify_url(self) -> None:
        """An OB 1.x assertion (bare uid, verify.url) is fetched from verify.url."""
        legacy = {
            "uid": "abc-1",
            "recipient": recipient(),
            "badge": BADGE,
            "issuedOn": "2015-01-01",
            "verify": {"type": "hosted", "url": ASSERTION},
        }
        opts, fetcher = options(hosted_table(**{ASSERTION: legacy}))
        checks = by_name(verify_ob2(ob2_credential(legacy), opts))
        assert checks["proof"].status is CheckStatus.PASS
        assert fetcher.asked[0] == ASSERTION

    def test_ob1_hosted_copy_with_another_uid_fails(self) -> None:
        """The OB 1.x hosted copy must carry the same uid."""
        legacy = {"uid": "abc-1", "badge": BADGE, "verify": {"type": "hosted", "url": ASSERTION}}
        opts, _ = options(hosted_table(**{ASSERTION: {**legacy, "uid": "abc-2"}}))
        proof = by_name(verify_ob2(ob2_credential(legacy), opts))["proof"]
        assert proof.status is CheckStatus.FAIL and "uid" in proof.detail

    def test_no_verification_object_fails_format(self) -> None:
        """An assertion with neither hosted nor signed verification fails its format check."""
        opts, _ = options({})
        doc = assertion()
        del doc["verification"]
        checks = by_name(verify_ob2(ob2_credential(doc), opts))
        assert checks["format"].status is CheckStatus.FAIL


class Signer:
    """A throw-away OB 2.0 issuer with an RSA (or P-256) key."""

    def __init__(self, alg: str = "RS256") -> None:
        self.alg = alg
        if alg == "RS256":
            self.private, _public, pem = _crypto.rsa_generate()
            self.pem = pem.decode()
        else:
            self.scalar, point = _crypto.ec_generate("P-256")
            self.pem = _ec_pem(point)

    def sign(self, payload: JSONObject, header: JSONObject | None = None) -> str:
        head = b64(json.dumps(header or {"alg": self.alg}).encode())
        body = b64(json.dumps(payload).encode())
        message = f"{head}.{body}".encode()
        if self.alg == "RS256":
            signature = _crypto.rsa_sign(self.private, message)
        else:
            signature = _crypto.ec_sign("P-256", self.scalar, message)
        return f"{head}.{body}.{b64(signature)}"


def _ec_pem(point: bytes) -> str:
    # SubjectPublicKeyInfo for a P-256 uncompressed point: fixed DER prefix + the point.
    prefix = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200")
    der = base64.b64encode(prefix + point).decode()
    return f"-----BEGIN PUBLIC KEY-----\n{der}\n-----END PUBLIC KEY-----\n"


def signed_assertion(**changes: Any) -> JSONObject:
    fields: dict[str, Any] = {
        "id": "urn:uuid:2f0c6a5e-0b5a-4d0c-8a62-1b2f4e5c6d7e",
        "verification": {"type": "signed", "creator": KEY},
    }
    fields.update(changes)
    return assertion(**fields)


def signed_table(signer: Signer, **overrides: object) -> dict[str, object]:
    table: dict[str, object] = {
        KEY: {"type": "CryptographicKey", "id": KEY, "owner": ISSUER, "publicKeyPem": signer.pem},
        BADGE: badge_class(),
        ISSUER: issuer_profile(),
        REVOCATIONS: {"type": "RevocationList", "revokedAssertions": []},
    }
    table.update(overrides)
    return table


class TestSigned:
    @pytest.mark.parametrize("alg", ["RS256", "ES256"])
    def test_valid_signature_passes(self, alg: str) -> None:
        """A JWS signed by the issuer's listed key passes proof and issuer-key."""
        signer = Signer(alg)
        payload = signed_assertion()
        opts, _ = options(signed_table(signer))
        checks = by_name(verify_ob2(ob2_credential(payload, signer.sign(payload)), opts))
        assert checks["proof"].status is CheckStatus.PASS, checks["proof"].detail
        assert checks["issuer-key"].status is CheckStatus.PASS
        assert checks["revocation"].status is CheckStatus.PASS

    def test_parsed_from_bytes_verifies(self) -> None:
        """A signed assertion read by formats.parse verifies the same way."""
        signer = Signer()
        token = signer.sign(signed_assertion())
        opts, _ = options(signed_table(signer))
        checks = by_name(verify_ob2(parse(token.encode()), opts))
        assert checks["proof"].status is CheckStatus.PASS

    def test_tampered_payload_fails(self) -> None:
        """Changing the payload after signing breaks the signature."""
        signer = Signer()
        token = signer.sign(signed_assertion())
        head, _body, signature = token.split(".")
        forged = signed_assertion(badge="https://issuer.example/badges/better.json")
        tampered = f"{head}.{b64(json.dumps(forged).encode())}.{signature}"
        opts, _ = options(signed_table(signer))
        proof = by_name(verify_ob2(ob2_credential(forged, tampered), opts))["proof"]
        assert proof.status is CheckStatus.FAIL and "does not verify" in proof.detail

    @pytest.mark.parametrize("alg", ["none", "HS256", "HS512", "PS256", None])
    def test_disallowed_algorithms_fail(self, alg: str | None) -> None:
        """alg none, HMAC and anything but RS256/ES256 fail without looking for a key."""
        signer = Signer()
        payload = signed_assertion()
        token = signer.sign(payload, header={"alg": alg} if alg else {"typ": "JWT"})
        opts, fetcher = options(signed_table(signer))
        proof = by_name(verify_ob2(ob2_credential(payload, token), opts))["proof"]
        assert proof.status is CheckStatus.FAIL and "not allowed" in proof.detail
        assert KEY not in fetcher.asked

    def test_key_owned_by_someone_else_fails(self) -> None:
        """A valid signature by a key whose owner is not the issuer fails issuer-key."""
        signer = Signer()
        payload = signed_assertion()
        key = {"id": KEY, "owner": "https://evil.example/me", "publicKeyPem": signer.pem}
        opts, _ = options(signed_table(signer, **{KEY: key}))
        checks = by_name(verify_ob2(ob2_credential(payload, signer.sign(payload)), opts))
        assert checks["proof"].status is CheckStatus.PASS
        assert checks["issuer-key"].status is CheckStatus.FAIL
        assert "not by the issuer" in checks["issuer-key"].detail

    def test_key_not_listed_by_issuer_fails(self) -> None:
        """The issuer profile must list the key in publicKey."""
        signer = Signer()
        payload = signed_assertion()
        profile = issuer_profile(publicKey=["https://issuer.example/keys/2.json"])
        opts, _ = options(signed_table(signer, **{ISSUER: profile}))
        key = by_name(verify_ob2(ob2_credential(payload, signer.sign(payload)), opts))["issuer-key"]
        assert key.status is CheckStatus.FAIL and "does not list" in key.detail

    def test_missing_key_fails(self) -> None:
        """A creator URL that answers 404 fails the proof."""
        signer = Signer()
        payload = signed_assertion()
        opts, _ = options(signed_table(signer, **{KEY: 404}))
        proof = by_name(verify_ob2(ob2_credential(payload, signer.sign(payload)), opts))["proof"]
        assert proof.status is CheckStatus.FAIL and "does not exist" in proof.detail

    def test_unsafe_creator_url_is_not_fetched(self) -> None:
        """A creator at a file: URL is refused without reading it."""
        signer = Signer()
        payload = signed_assertion(verification={"type": "signed", "creator": "file:///k.pem"})
        opts, fetcher = options(signed_table(signer))
        proof = by_name(verify_ob2(ob2_credential(payload, signer.sign(payload)), opts))["proof"]
        assert proof.status is CheckStatus.FAIL and fetcher.asked.count("file:///k.pem") == 0

    def test_revoked_signed_assertion(self) -> None:
        """A signed assertion listed by uid in the revocation list is revoked."""
        signer = Signer()
        payload = signed_assertion(uid="abc123")
        revoked = {"revokedAssertions": [{"uid": "abc123", "revocationReason": "Issued in error."}]}
        opts, _ = options(signed_table(signer, **{REVOCATIONS: revoked}))
        check = by_name(verify_ob2(ob2_credential(payload, signer.sign(payload)), opts))[
            "revocation"
        ]
        assert check.status is CheckStatus.FAIL and "Issued in error." in check.detail


class TestManifestCases:
    """The OB 2.0 cases of the shared fixtures, with their bundled resources."""

    @staticmethod
    def _options(entry: dict[str, Any]) -> VerifyOptions:
        docs = [
            Fetched(url, (support.EXTERNAL / path).read_bytes(), AS_OF)
            for url, path in entry.get("resources", {}).items()
        ]
        return VerifyOptions(now=NOW, fetcher=Fetcher(cache=MemoryCache(docs), offline=True))

    @staticmethod
    def _case(file: str, kind: str) -> dict[str, Any]:
        return next(e for e in support.cases(kind) if e["file"] == file)

    def test_hosted_spec_example(self, external: object) -> None:
        """The spec's hosted example: BadgeClass and Issuer chain verify; the assertion URL is
        not bundled (unknown); the manifest's 'invalid' comes from its expiry (engine check)."""
        entry = self._case("1edtech-ob2-spec-examples/assertion-hosted.json", "ob2-assertion")
        cred = parse((support.EXTERNAL / entry["file"]).read_bytes())
        checks = by_name(verify_ob2(cred, self._options(entry)))
        assert checks["format"].status is CheckStatus.PASS
        assert checks["proof"].status is CheckStatus.UNKNOWN  # needs_network: the id URL
        assert checks["issuer-key"].status is CheckStatus.PASS
        assert checks["revocation"].status is CheckStatus.PASS
        assert cred.valid_until is not None and cred.valid_until < NOW  # why it is invalid

    def test_revoked_hosted_body(self, external: object) -> None:
        """The revoked hosted assertion body (served with 410) is revoked."""
        entry = self._case(
            "1edtech-ob2-spec-examples/revoked-hosted-assertion.json", "ob2-assertion"
        )
        data = json.loads((support.EXTERNAL / entry["file"]).read_text())
        checks = by_name(verify_ob2(ob2_credential(data), self._options(entry)))
        assert checks["revocation"].status is CheckStatus.FAIL
        assert "trenchcoat" in checks["revocation"].detail

    def test_revoked_hosted_body_served_as_410(self, external: object) -> None:
        """Served with 410 at the spec assertion's URL, the body makes the assertion revoked."""
        body = (
            support.EXTERNAL / "1edtech-ob2-spec-examples/revoked-hosted-assertion.json"
        ).read_bytes()
        entry = self._case("1edtech-ob2-spec-examples/assertion-hosted.json", "ob2-assertion")
        table: dict[str, object] = {
            url: (support.EXTERNAL / path).read_bytes() for url, path in entry["resources"].items()
        }
        table["https://example.org/beths-robotics-badge.json"] = (410, body)
        cred = parse((support.EXTERNAL / entry["file"]).read_bytes())
        checks = by_name(verify_ob2(cred, options(table)[0]))
        assert checks["revocation"].status is CheckStatus.FAIL

    def test_spec_jws_is_not_valid(self, external: object) -> None:
        """The spec's JWS: offline its key cannot be had (unknown); online it is a 404 (fail)."""
        entry = self._case("1edtech-ob2-spec-examples/signed-assertion.jws", "ob2-jws")
        cred = parse((support.EXTERNAL / entry["file"]).read_bytes())
        offline = by_name(verify_ob2(cred, self._options(entry)))
        assert offline["proof"].status is CheckStatus.UNKNOWN
        online = by_name(verify_ob2(cred, options({"https://example.org/publicKey": 404})[0]))
        assert online["proof"].status is CheckStatus.FAIL


_scalars = st.none() | st.booleans() | st.integers(-5, 10) | st.text(max_size=10)
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
_urls = st.sampled_from(
    [ASSERTION, BADGE, ISSUER, KEY, REVOCATIONS, "file:///x", "https://10.0.0.1/"]
)
_assertions = st.fixed_dictionaries(
    {},
    optional={
        "id": _urls | _json,
        "badge": _urls | _json,
        "recipient": _json,
        "verification": st.fixed_dictionaries(
            {},
            optional={
                "type": st.sampled_from(["hosted", "signed", "x"]) | _json,
                "creator": _urls | _json,
            },
        )
        | _json,
        "revoked": _json,
        "uid": _json,
    },
)
_served = st.dictionaries(_urls, _assertions | _json | st.sampled_from([404, 410, 500]), max_size=5)


class TestAnyInput:
    @given(_assertions, _served, st.booleans())
    def test_any_assertion_gives_checks(
        self, document: JSONObject, table: dict[str, object], signed: bool
    ) -> None:
        """Whatever the assertion and the documents served, verify_ob2 returns checks."""
        jws = None
        if signed:
            head = b64(b'{"alg":"RS256"}')
            jws = f"{head}.{b64(json.dumps(document).encode())}.{b64(b'sig')}"
        checks = verify_ob2(ob2_credential(document, jws), options(table)[0])
        assert checks and {c.name for c in checks} <= {
            "format",
            "proof",
            "issuer-key",
            "revocation",
        }


@pytest.mark.usefixtures("external")
class TestManifestOutcomes:
    """Whole reports (the engine adds validity and recipient) for the OB 2.0 manifest cases."""

    @pytest.mark.parametrize(
        "entry",
        [
            e
            for e in support.cases("ob2-assertion", "ob2-jws")
            if e["expect"] in ("valid", "invalid")
        ],
        ids=support.case_id,
    )
    def test_stated_outcome(self, entry: dict[str, Any]) -> None:
        """Each case gets its stated outcome; a network-only failure is indeterminate offline."""
        data = (support.EXTERNAL / entry["file"]).read_bytes()
        docs = [
            Fetched(url, (support.EXTERNAL / path).read_bytes(), AS_OF)
            for url, path in entry.get("resources", {}).items()
        ]
        offline = VerifyOptions(now=NOW, fetcher=Fetcher(cache=MemoryCache(docs), offline=True))
        report = verify_credential(parse(data), source=entry["file"], options=offline)
        expected = ReportStatus(entry["expect"])
        if entry["kind"] == "ob2-jws":
            # The spec's key URL does not exist: offline that is unknown, online a 404 (fail).
            assert report.status is ReportStatus.INDETERMINATE
            gone = VerifyOptions(
                now=NOW, fetcher=FakeFetcher({"https://example.org/publicKey": 404})
            )
            report = verify_credential(parse(data), source=entry["file"], options=gone)
        assert report.status is expected, {c.name: c.detail for c in report.checks}
