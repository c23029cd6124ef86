"""Sealing, padding and KDF parameter handling, as pure functions (no database)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credwallet.errors import BadInput, DamagedWallet
from credwallet.store import kdf
from credwallet.store.kdf import (
    CHEAPEST,
    CHEAPEST_SCRYPT,
    DEFAULT,
    MAX_ARGON2_COST,
    MAX_ITERATIONS,
    MAX_LANES,
    MAX_MEMORY_KIB,
    SCRYPT,
    KdfProfile,
)
from credwallet.store.keys import KeyRing, SecretKey
from credwallet.store.sealing import (
    MIN_BUCKET,
    RecordUnreadable,
    SealedRecord,
    catalog_mac,
    open_record,
    pad,
    padded_size,
    seal_record,
    unpad,
)

KEY = SecretKey(bytes(range(32)))
WALLET = bytes(16)
RID = bytes(range(16))


class TestRecordSeal:
    @given(
        payload=st.binary(max_size=5000),
        kind=st.sampled_from(["credential", "holder-key"]),
        version=st.integers(1, 2**40),
    )
    def test_round_trip(self, payload: bytes, kind: str, version: int) -> None:
        """Any bytes sealed under any kind and version open to the same bytes."""
        sealed = seal_record(KEY, WALLET, kind, RID, version, payload)
        assert open_record(KEY, WALLET, kind, RID, version, sealed) == payload

    @given(payload=st.binary(max_size=600), data=st.data())
    def test_any_changed_byte_fails(self, payload: bytes, data: st.DataObject) -> None:
        """Changing any byte of the nonce, ciphertext or tag makes the record unreadable."""
        sealed = seal_record(KEY, WALLET, "credential", RID, 1, payload)
        blob = bytearray(sealed.nonce + sealed.ct + sealed.tag)
        index = data.draw(st.integers(0, len(blob) - 1))
        blob[index] ^= data.draw(st.integers(1, 255))
        n, t = len(sealed.nonce), len(sealed.tag)
        changed = SealedRecord(bytes(blob[:n]), bytes(blob[n:-t]), bytes(blob[-t:]))
        with pytest.raises(RecordUnreadable):
            open_record(KEY, WALLET, "credential", RID, 1, changed)

    @pytest.mark.parametrize(
        ("wallet", "kind", "rid", "version"),
        [
            (b"\x01" * 16, "credential", RID, 1),
            (WALLET, "pathway", RID, 1),
            (WALLET, "credential", bytes(16), 1),
            (WALLET, "credential", RID, 2),
        ],
        ids=["other-wallet", "relabelled-kind", "moved-id", "other-version"],
    )
    def test_associated_data_binds_the_row(
        self, wallet: bytes, kind: str, rid: bytes, version: int
    ) -> None:
        """A record opened as another wallet, kind, id or version fails."""
        sealed = seal_record(KEY, WALLET, "credential", RID, 1, b"payload")
        with pytest.raises(RecordUnreadable):
            open_record(KEY, wallet, kind, rid, version, sealed)

    def test_wrong_key_fails(self) -> None:
        """A record does not open under another key."""
        sealed = seal_record(KEY, WALLET, "credential", RID, 1, b"payload")
        with pytest.raises(RecordUnreadable):
            open_record(SecretKey(bytes(32)), WALLET, "credential", RID, 1, sealed)

    def test_nonces_are_fresh(self) -> None:
        """Sealing the same record twice gives different nonces and ciphertexts."""
        a = seal_record(KEY, WALLET, "credential", RID, 1, b"same")
        b = seal_record(KEY, WALLET, "credential", RID, 1, b"same")
        assert a.nonce != b.nonce
        assert a.ct != b.ct


class TestPadding:
    @given(st.binary(max_size=70000))
    def test_unpad_inverts_pad(self, payload: bytes) -> None:
        """unpad(pad(x)) == x for any bytes."""
        assert unpad(pad(payload)) == payload

    @given(st.integers(0, 10**7))
    def test_bucket_overhead_is_small(self, length: int) -> None:
        """Buckets are never smaller than the data, and above the minimum add at most 12%."""
        size = padded_size(length)
        assert size >= max(length, MIN_BUCKET)
        if length > MIN_BUCKET:
            assert size <= length * 1.12 + 1

    def test_sizes_collapse_into_buckets(self) -> None:
        """Many nearby sizes share one padded size (the point of padding)."""
        assert len({len(pad(bytes(n))) for n in range(1000, 1100)}) <= 3

    def test_nonzero_padding_is_refused(self) -> None:
        """A frame with non-zero padding bytes or a length past the end is unreadable."""
        clean = pad(b"abc")
        for at in (4 + 3, len(clean) // 2, len(clean) - 1):  # first, a middle, last pad byte
            framed = bytearray(clean)
            framed[at] = 1
            with pytest.raises(RecordUnreadable):
                unpad(bytes(framed))
        with pytest.raises(RecordUnreadable):
            unpad(b"\xff\xff\xff\xff")


class TestCatalogMac:
    def test_mac_depends_on_every_field(self) -> None:
        """The catalog MAC changes with the generation and with any field of any row."""
        a = (RID, "credential", 1, b"t" * 16, b"d" * 32)
        b = (bytes(16), "pathway", 3, b"u" * 16, b"")
        base = catalog_mac(KEY, WALLET, 5, [a, b])
        assert catalog_mac(KEY, WALLET, 5, [b, a]) == base
        variants = [
            catalog_mac(KEY, WALLET, 6, [a, b]),
            catalog_mac(KEY, b"\x01" * 16, 5, [a, b]),
            catalog_mac(KEY, WALLET, 5, [a]),
            catalog_mac(KEY, WALLET, 5, [(bytes(range(1, 17)), *a[1:]), b]),
            catalog_mac(KEY, WALLET, 5, [(RID, "identity", *a[2:]), b]),
            catalog_mac(KEY, WALLET, 5, [(RID, "credential", 2, *a[3:]), b]),
            catalog_mac(KEY, WALLET, 5, [(*a[:3], b"v" * 16, a[4]), b]),
            catalog_mac(KEY, WALLET, 5, [(*a[:4], b""), b]),
        ]
        assert base not in variants
        assert len(set(variants)) == len(variants)


class TestKeys:
    def test_subkeys_are_distinct(self) -> None:
        """Every purpose gets its own subkey, different from the data key."""
        ring = KeyRing(SecretKey(bytes(range(32))), WALLET)
        keys = {
            ring.subkey(p).reveal()
            for p in ("records", "holder-key", "dedup", "catalog", "marker", "session")
        }
        assert len(keys) == 6
        assert ring.data_key.reveal() not in keys

    def test_secret_key_hides_itself(self) -> None:
        """A SecretKey has no revealing repr or str and cannot be pickled."""
        import pickle

        key = SecretKey(b"\xaa" * 32)
        assert "aa" not in repr(key) + str(key)
        with pytest.raises(TypeError):
            pickle.dumps(key)

    def test_wipe(self) -> None:
        """A wiped key refuses to be used."""
        key = SecretKey(b"\x01" * 32)
        key.wipe()
        with pytest.raises(ValueError, match="wiped"):
            key.reveal()


class TestKdfProfiles:
    @pytest.mark.parametrize("profile", [DEFAULT, CHEAPEST, SCRYPT])
    def test_canonical_text_round_trips(self, profile: KdfProfile) -> None:
        """Each named profile parses back from its canonical text."""
        assert KdfProfile.parse(profile.canonical()) == profile

    def test_default_is_rfc9106_second_recommendation(self) -> None:
        """DEFAULT is Argon2id with 64 MiB, 3 passes, 4 lanes."""
        assert DEFAULT.canonical() == "argon2id:m=65536,t=3,p=4"
        assert SCRYPT.canonical() == "scrypt:logN=17,r=8,p=1"

    @pytest.mark.parametrize(
        "text",
        [
            "argon2id:m=065536,t=3,p=4",
            "argon2id:m=65536,t=3,p=4 ",
            "argon2id:m=65536, t=3,p=4",
            "argon2id:t=3,m=65536,p=4",
            "argon2i:m=65536,t=3,p=4",
            "argon2id:m=+65536,t=3,p=4",
            "scrypt:logN=17,r=8",
            "",
        ],
    )
    def test_non_canonical_text_is_refused(self, text: str) -> None:
        """Parameters in any but the canonical spelling are a damaged wallet."""
        with pytest.raises(DamagedWallet):
            KdfProfile.parse(text)

    @pytest.mark.parametrize(
        "text",
        [
            "argon2id:m=2097153,t=3,p=4",
            "argon2id:m=1073741824,t=3,p=4",
            "argon2id:m=65536,t=11,p=4",
            "argon2id:m=65536,t=1000000,p=4",
            "argon2id:m=65536,t=3,p=17",
            "argon2id:m=65536,t=0,p=4",
            "argon2id:m=4,t=1,p=1",
            "scrypt:logN=21,r=8,p=1",
            "scrypt:logN=0,r=8,p=1",
            "scrypt:logN=17,r=1000,p=1",
            # each parameter within its own cap, the product far beyond (issue 16)
            "scrypt:logN=20,r=32,p=16",
            "scrypt:logN=20,r=16,p=1",
            "scrypt:logN=18,r=8,p=16",
            "argon2id:m=1048576,t=10,p=16",
            "argon2id:m=1048576,t=3,p=4",
            "argon2id:m=262144,t=10,p=4",
        ],
    )
    def test_absurd_parameters_are_refused(self, text: str) -> None:
        """Parameters over the ceiling (or invalid) are refused without running the KDF."""
        with pytest.raises(DamagedWallet, match="outside the accepted range"):
            KdfProfile.parse(text)

    def test_the_ceiling_is_above_every_profile_credwallet_writes(self) -> None:
        """DEFAULT, SCRYPT and the test profiles all parse, with room for a stronger default."""
        for profile in (DEFAULT, SCRYPT, CHEAPEST, CHEAPEST_SCRYPT):
            assert KdfProfile.parse(profile.canonical()) == profile
        for text in ("argon2id:m=262144,t=4,p=4", "scrypt:logN=20,r=8,p=1"):
            assert KdfProfile.parse(text).canonical() == text

    @given(
        m=st.integers(8, MAX_MEMORY_KIB),
        t=st.integers(1, MAX_ITERATIONS),
        p=st.integers(1, MAX_LANES),
    )
    def test_any_accepted_argon2_profile_is_within_the_product(
        self, m: int, t: int, p: int
    ) -> None:
        """Whatever the mix, an accepted Argon2id profile costs at most MAX_ARGON2_COST."""
        try:
            KdfProfile.parse(f"argon2id:m={m},t={t},p={p}")
        except DamagedWallet:
            assert m * t * p > MAX_ARGON2_COST or m < 8 * p
            return
        assert m * t * p <= MAX_ARGON2_COST

    @given(st.text(max_size=60))
    def test_any_text_parses_or_is_damaged(self, text: str) -> None:
        """Any stored text gives a profile within the ceiling or DamagedWallet."""
        try:
            profile = KdfProfile.parse(text)
        except DamagedWallet:
            return
        assert profile.canonical() == text

    def test_weaker_than(self) -> None:
        """CHEAPEST and scrypt count as weaker than DEFAULT; DEFAULT is not weaker than itself."""
        assert CHEAPEST.weaker_than(DEFAULT)
        assert SCRYPT.weaker_than(DEFAULT)
        assert not DEFAULT.weaker_than(DEFAULT)

    def test_passphrase_is_nfc_normalised(self) -> None:
        """Composed and decomposed spellings of a passphrase give the same bytes."""
        composed = "Zürich café"
        decomposed = unicodedata.normalize("NFD", composed)
        assert composed != decomposed
        assert kdf.encode_passphrase(composed) == kdf.encode_passphrase(decomposed)

    def test_unencodable_passphrase(self) -> None:
        """A passphrase with a lone surrogate is bad input, not a traceback."""
        with pytest.raises(BadInput):
            kdf.encode_passphrase("abc\ud800")

    def test_scrypt_derivation(self) -> None:
        """The scrypt stand-in derives a 32-byte key that depends on the salt."""
        a = kdf.CHEAPEST_SCRYPT.derive(b"pw", bytes(16), WALLET)
        b = kdf.CHEAPEST_SCRYPT.derive(b"pw", b"\x01" * 16, WALLET)
        assert len(a) == 32
        assert a != b
