"""Property: any input, and any mutation of a real credential, is a Credential or a BadInput."""

from __future__ import annotations

from functools import cache

from fmt_samples import fixture_bytes, itxt, ob2_bytes, tiny_png, with_chunk_after_ihdr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credwallet.errors import BadInput
from credwallet.formats import parse_all
from credwallet.formats.bake import unbake
from credwallet.models import Credential

SEEDS = (
    "1edtech-ob3-spec-examples/complete-openbadgecredential.json",
    "1edtech-ob3-spec-examples/sample-openbadgecredential.jwt",
    "1edtech-ob2-spec-examples/signed-assertion.jws",
    "spruceid-ssi/vp-jwtvc.jwt",
    "blockcerts-cert-verifier-js/fixtures/v2/mocknet-valid-2.0.json",
    "concentricsky-openbadges-bakery/baked_example.svg",
    "mozilla-openbadges-backpack/valid-baked.png",
    "spruceid-ssi/lds-ed25519-2020-vp0.jsonld",
)


@cache
def seeds() -> tuple[bytes, ...]:
    compressed = with_chunk_after_ihdr(tiny_png(), itxt("openbadges", ob2_bytes(), compressed=True))
    return (*(fixture_bytes(name) for name in SEEDS), compressed)


def outcome(data: bytes) -> None:
    """parse_all and unbake either succeed with the right types or raise BadInput."""
    try:
        credentials = parse_all(data)
    except BadInput as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert all(isinstance(c, Credential) for c in credentials)
    try:
        keyword, payload = unbake(data)
    except BadInput:
        pass
    else:
        assert isinstance(keyword, str) and isinstance(payload, str)


@st.composite
def mutated_seed(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds())))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(("flip", "delete", "insert", "truncate")))
        if action == "flip":
            data[position] ^= 1 << draw(st.integers(0, 7))
        elif action == "delete":
            del data[position : position + draw(st.integers(1, 64))]
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
        else:
            del data[position:]
        if not data:
            break
    return bytes(data)


class TestAnyInput:
    @settings(max_examples=300, deadline=None)
    @given(st.binary(max_size=512))
    def test_any_bytes(self, data: bytes) -> None:
        """Random bytes give a result or a BadInput."""
        outcome(data)

    @settings(max_examples=150, deadline=None)
    @given(st.sampled_from([b"\x89PNG\r\n\x1a\n", b"<svg ", b"{", b"[", b"eyJ"]), st.binary())
    def test_container_prefixes(self, prefix: bytes, rest: bytes) -> None:
        """Random bytes behind a container's magic reach that container's parser safely."""
        outcome(prefix + rest)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(mutated_seed())
    def test_mutated_fixture(self, data: bytes) -> None:
        """Flipping, deleting, inserting or truncating bytes of a real credential is safe."""
        outcome(data)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["https://x.example/a", "2020-01-01", "sha256$ab"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["id", "name", "@value", "@language", "en", "narrative", "targetUrl"]),
            children,
            max_size=3,
        )
    ),
    max_leaves=12,
)
VC_KEYS = (
    "id",
    "name",
    "description",
    "issuer",
    "image",
    "validFrom",
    "validUntil",
    "issuanceDate",
    "expirationDate",
    "awardedDate",
    "evidence",
    "url",
    "proof",
)
SUBJECT_KEYS = ("id", "name", "identifier", "creditsEarned", "claim")
ACHIEVEMENT_KEYS = (
    "id",
    "name",
    "criteria",
    "alignment",
    "related",
    "tag",
    "keywords",
    "creditsAvailable",
    "image",
    "achievementType",
)
OB2_KEYS = (
    "id",
    "uid",
    "recipient",
    "badge",
    "issuedOn",
    "expires",
    "evidence",
    "image",
    "verification",
    "verify",
    "salt",
    "identity",
)


def shaped(keys: tuple[str, ...]) -> st.SearchStrategy[dict[str, object]]:
    return st.dictionaries(st.sampled_from(keys), json_values, max_size=len(keys))


@st.composite
def odd_credential(draw: st.DrawFn) -> dict[str, object]:
    achievement = draw(shaped(ACHIEVEMENT_KEYS) | json_values)
    subject = {**draw(shaped(SUBJECT_KEYS)), "achievement": achievement}
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": draw(
            st.sampled_from(
                [
                    ["VerifiableCredential", "OpenBadgeCredential"],
                    "VerifiableCredential",
                    ["VerifiableCredential", "BlockcertsCredential"],
                ]
            )
        ),
        **draw(shaped(VC_KEYS)),
        "credentialSubject": draw(st.sampled_from([subject, [subject], "did:example:1"])),
    }


@st.composite
def odd_assertion(draw: st.DrawFn) -> dict[str, object]:
    badge = draw(shaped(("id", "name", "issuer", "criteria", "alignment", "tags", "image")))
    return {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        **draw(shaped(OB2_KEYS)),
        "badge": draw(st.sampled_from([badge, "https://x.example/b", [badge]])),
    }


class TestOddShapes:
    # 100 examples: drawing these wide documents costs Hypothesis ~20 ms each, and the shapes
    # that matter (each key as null, number, string, list or object) turn up well within it.
    @settings(max_examples=100, deadline=None)
    @given(odd_credential() | odd_assertion())
    def test_unexpected_property_shapes(self, document: dict[str, object]) -> None:
        """Properties of unexpected JSON types never break normalisation."""
        import json

        (credential,) = parse_all(json.dumps(document).encode())
        assert credential.document == document
        assert credential.valid_until is None or credential.valid_until.tzinfo is not None
