"""The only module that imports ``cryptography``: AEADs, KDFs, MACs, signatures, key encodings.

Failures are deliberately uninformative: any problem opening a sealed box raises
:class:`OpenFailed`, whatever the cause (wrong key, changed nonce, changed data). Callers turn it
into the error their layer means (a damaged wallet, a wrong passphrase, a bad backup).
Signature checks return ``bool`` instead of raising, because a bad signature is a normal outcome
of verification, not an error.
"""

from __future__ import annotations

import hmac as _hmac
import os
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature, InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.hmac import HMAC
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

__all__ = [
    "EC_CURVES",
    "OpenFailed",
    "PublicKey",
    "aesgcm_open",
    "aesgcm_seal",
    "argon2id",
    "argon2id_supported",
    "chacha_open",
    "chacha_seal",
    "constant_time_equal",
    "ec_generate",
    "ec_sign",
    "ed25519_generate",
    "ed25519_public_from_private",
    "ed25519_sign",
    "hkdf_sha256",
    "hmac_sha256",
    "load_pem_public_key",
    "random_bytes",
    "rsa_generate",
    "rsa_sign",
    "scrypt",
    "verify_signature",
]

AES_NONCE_SIZE = 12


class OpenFailed(Exception):
    """A sealed box did not open. Carries no detail on purpose."""

    def __init__(self) -> None:
        super().__init__("decryption failed")


def random_bytes(n: int) -> bytes:
    return os.urandom(n)


def constant_time_equal(a: bytes, b: bytes) -> bool:
    return _hmac.compare_digest(a, b)


# --- AEAD ---------------------------------------------------------------------------------------


def aesgcm_seal(key: bytes, plaintext: bytes, aad: bytes, nonce: bytes | None = None) -> bytes:
    """AES-256-GCM. Returns nonce || ciphertext || tag; the nonce is random unless given."""
    nonce = nonce if nonce is not None else random_bytes(AES_NONCE_SIZE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def aesgcm_open(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    """Open a box made by :func:`aesgcm_seal`; raises :class:`OpenFailed` on any problem."""
    if len(key) != 32 or len(sealed) < AES_NONCE_SIZE + 16:
        raise OpenFailed
    try:
        return AESGCM(key).decrypt(sealed[:AES_NONCE_SIZE], sealed[AES_NONCE_SIZE:], aad)
    except (InvalidTag, ValueError, OverflowError) as exc:
        raise OpenFailed from exc


def chacha_seal(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes = b"") -> bytes:
    """ChaCha20-Poly1305 with an explicit nonce (age's STREAM chooses its own nonces)."""
    return ChaCha20Poly1305(key).encrypt(nonce, plaintext, aad or None)


def chacha_open(key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes = b"") -> bytes:
    try:
        return ChaCha20Poly1305(key).decrypt(nonce, ciphertext, aad or None)
    except (InvalidTag, ValueError, OverflowError) as exc:
        raise OpenFailed from exc


# --- KDFs and MACs -----------------------------------------------------------------------------


def argon2id_supported() -> bool:
    try:
        argon2id(b"probe", b"0123456789abcdef", memory_kib=8, iterations=1, lanes=1)
    except UnsupportedAlgorithm:
        return False
    return True


def argon2id(
    secret: bytes,
    salt: bytes,
    *,
    memory_kib: int,
    iterations: int,
    lanes: int,
    length: int = 32,
    ad: bytes | None = None,
) -> bytes:
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id  # absent on old OpenSSL

    kdf = Argon2id(
        salt=salt,
        length=length,
        iterations=iterations,
        lanes=lanes,
        memory_cost=memory_kib,
        ad=ad,
        secret=None,
    )
    return kdf.derive(secret)


def scrypt(
    secret: bytes, salt: bytes, *, log_n: int, r: int = 8, p: int = 1, length: int = 32
) -> bytes:
    return Scrypt(salt=salt, length=length, n=1 << log_n, r=r, p=p).derive(secret)


def hkdf_sha256(ikm: bytes, *, salt: bytes | None, info: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def hmac_sha256(key: bytes, data: bytes) -> bytes:
    mac = HMAC(key, hashes.SHA256())
    mac.update(data)
    return mac.finalize()


# --- Public keys and signatures ----------------------------------------------------------------

EC_CURVES: dict[str, ec.EllipticCurve] = {
    "P-256": ec.SECP256R1(),
    "P-384": ec.SECP384R1(),
}
_EC_SIZES = {"P-256": 32, "P-384": 48}


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A public key in a form every resolver can produce.

    kty "OKP" (crv "Ed25519", ``raw`` = 32 bytes), "EC" (crv "P-256"/"P-384", ``raw`` = SEC1
    point, compressed or not), "RSA" (``n``, ``e`` as big-endian bytes).
    """

    kty: str
    crv: str | None = None
    raw: bytes = field(default=b"", repr=False)
    n: bytes = field(default=b"", repr=False)
    e: bytes = field(default=b"", repr=False)

    def fingerprint(self) -> str:
        """A short stable identifier for messages and `explain` (not a security binding)."""
        import hashlib

        return hashlib.sha256(
            self.kty.encode() + (self.crv or "").encode() + self.raw + self.n + self.e
        ).hexdigest()[:16]


def _hash_for(alg: str) -> hashes.HashAlgorithm:
    if alg.endswith("256"):
        return hashes.SHA256()
    if alg.endswith("384"):
        return hashes.SHA384()
    if alg.endswith("512"):
        return hashes.SHA512()
    raise ValueError(f"unsupported algorithm {alg}")


def verify_signature(key: PublicKey, alg: str, signature: bytes, message: bytes) -> bool:
    """Check ``signature`` over ``message``.

    ``alg`` is a JOSE name: EdDSA / Ed25519, ES256, ES384 (raw r||s, as JWS and Data Integrity
    use), RS256/RS384/RS512 (PKCS#1 v1.5), PS256/PS384/PS512 (PSS). Anything else, including
    ``none`` and every HMAC algorithm, is refused (returns False).
    """
    try:
        if alg in {"EdDSA", "Ed25519"}:
            if key.kty != "OKP" or key.crv != "Ed25519":
                return False
            ed25519.Ed25519PublicKey.from_public_bytes(key.raw).verify(signature, message)
            return True
        if alg in {"ES256", "ES384"}:
            want = "P-256" if alg == "ES256" else "P-384"
            if key.kty != "EC" or key.crv != want:
                return False
            size = _EC_SIZES[want]
            if len(signature) != 2 * size:
                return False
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            pub = ec.EllipticCurvePublicKey.from_encoded_point(EC_CURVES[want], key.raw)
            pub.verify(encode_dss_signature(r, s), message, ec.ECDSA(_hash_for(alg)))
            return True
        if alg in {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}:
            if key.kty != "RSA":
                return False
            numbers = rsa.RSAPublicNumbers(
                int.from_bytes(key.e, "big"), int.from_bytes(key.n, "big")
            )
            rsa_pub = numbers.public_key()
            if rsa_pub.key_size < 2048:
                return False
            digest = _hash_for(alg)
            pad: padding.AsymmetricPadding
            if alg.startswith("PS"):
                pad = padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size)
            else:
                pad = padding.PKCS1v15()
            rsa_pub.verify(signature, message, pad, digest)
            return True
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return False


def load_pem_public_key(pem: bytes) -> PublicKey:
    """Parse a PEM public key (OB 2.0 `CryptographicKey.publicKeyPem`). Raises ValueError."""
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ValueError("not a PEM public key") from exc
    if isinstance(key, rsa.RSAPublicKey):
        nums = key.public_numbers()
        return PublicKey(kty="RSA", n=_int_bytes(nums.n), e=_int_bytes(nums.e))
    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return PublicKey(kty="OKP", crv="Ed25519", raw=raw)
    if isinstance(key, ec.EllipticCurvePublicKey):
        crv = {"secp256r1": "P-256", "secp384r1": "P-384"}.get(key.curve.name)
        if crv is None:
            raise ValueError(f"unsupported curve {key.curve.name}")
        raw = key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return PublicKey(kty="EC", crv=crv, raw=raw)
    raise ValueError("unsupported public key type")


def x509_leaf(der: bytes) -> tuple[PublicKey, tuple[str, ...]]:
    """The public key of a DER certificate and its subjectAltName DNS names and URIs.

    Nothing about the certificate is trusted here: no chain, no validity period, no revocation.
    Raises ValueError for anything that is not a certificate with a supported key.
    """
    from cryptography import x509

    try:
        cert = x509.load_der_x509_certificate(der)
        pem = cert.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ValueError("not an X.509 certificate") from exc
    names: list[str] = []
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names += [str(n) for n in san.get_values_for_type(x509.DNSName)]
        names += [str(n) for n in san.get_values_for_type(x509.UniformResourceIdentifier)]
    except x509.ExtensionNotFound:
        pass
    return load_pem_public_key(pem), tuple(names)


def ec_point_from_xy(crv: str, x: bytes, y: bytes) -> bytes:
    """SEC1 uncompressed point from JWK coordinates (validated on the curve)."""
    size = _EC_SIZES[crv]
    if len(x) != size or len(y) != size:
        raise ValueError("bad EC coordinate length")
    point = b"\x04" + x + y
    ec.EllipticCurvePublicKey.from_encoded_point(EC_CURVES[crv], point)
    return point


def ec_xy(crv: str, point: bytes) -> tuple[bytes, bytes]:
    """JWK coordinates of a SEC1 point (compressed or not)."""
    pub = ec.EllipticCurvePublicKey.from_encoded_point(EC_CURVES[crv], point)
    nums = pub.public_numbers()
    size = _EC_SIZES[crv]
    return nums.x.to_bytes(size, "big"), nums.y.to_bytes(size, "big")


def ec_compress(crv: str, point: bytes) -> bytes:
    pub = ec.EllipticCurvePublicKey.from_encoded_point(EC_CURVES[crv], point)
    return pub.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)


def _int_bytes(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8 or 1, "big")


# --- Signing (the holder key, example/test issuers) --------------------------------------------


def ed25519_generate() -> tuple[bytes, bytes]:
    """A new Ed25519 key pair as (private 32-byte seed, public 32 bytes)."""
    private = ed25519.Ed25519PrivateKey.generate()
    seed = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return seed, ed25519_public_from_private(seed)


def ed25519_public_from_private(seed: bytes) -> bytes:
    private = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    return private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def ed25519_sign(seed: bytes, message: bytes) -> bytes:
    return ed25519.Ed25519PrivateKey.from_private_bytes(seed).sign(message)


def ec_generate(crv: str) -> tuple[bytes, bytes]:
    """A new EC key pair as (private scalar bytes, SEC1 uncompressed public point)."""
    private = ec.generate_private_key(EC_CURVES[crv])
    size = _EC_SIZES[crv]
    scalar = private.private_numbers().private_value.to_bytes(size, "big")
    point = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return scalar, point


def ec_sign(crv: str, scalar: bytes, message: bytes) -> bytes:
    """ECDSA with the curve's hash (SHA-256 for P-256, SHA-384 for P-384); raw r||s."""
    private = ec.derive_private_key(int.from_bytes(scalar, "big"), EC_CURVES[crv])
    digest = hashes.SHA256() if crv == "P-256" else hashes.SHA384()
    r, s = decode_dss_signature(private.sign(message, ec.ECDSA(digest)))
    size = _EC_SIZES[crv]
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def rsa_generate(bits: int = 2048) -> tuple[bytes, PublicKey, bytes]:
    """A new RSA key: (private key PKCS#8 DER, public key, public key PEM)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    nums = private.public_key().public_numbers()
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return der, PublicKey(kty="RSA", n=_int_bytes(nums.n), e=_int_bytes(nums.e)), pem


def rsa_sign(private_der: bytes, message: bytes) -> bytes:
    """RS256 (PKCS#1 v1.5 with SHA-256)."""
    private = serialization.load_der_private_key(private_der, password=None)
    if not isinstance(private, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return private.sign(message, padding.PKCS1v15(), hashes.SHA256())


# --- Verification keys (verify/keys.py: deterministic issuer keys for tests and examples) --------


def ec_public_from_private(crv: str, scalar: bytes) -> bytes:
    """The SEC1 uncompressed public point of an EC private scalar (raises ValueError if invalid)."""
    if crv not in EC_CURVES or len(scalar) != _EC_SIZES[crv]:
        raise ValueError("bad EC private key")
    private = ec.derive_private_key(int.from_bytes(scalar, "big"), EC_CURVES[crv])
    return private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


# --- Blockcerts (verify/blockcerts.py: EcdsaSecp256k1Signature2019, ES256K) ---------------------


def secp256k1_verify(point: bytes, signature: bytes, message: bytes) -> bool:
    """ES256K: ECDSA over secp256k1 with SHA-256; ``signature`` raw r||s, ``point`` SEC1."""
    if len(signature) != 64:
        return False
    try:
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256K1(), point)
        r = int.from_bytes(signature[:32], "big")
        s = int.from_bytes(signature[32:], "big")
        public.verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def secp256k1_sign(scalar: bytes, message: bytes) -> tuple[bytes, bytes]:
    """Sign with a secp256k1 scalar (tests and examples): (raw r||s, compressed public point)."""
    private = ec.derive_private_key(int.from_bytes(scalar, "big"), ec.SECP256K1())
    r, s = decode_dss_signature(private.sign(message, ec.ECDSA(hashes.SHA256())))
    point = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )
    return r.to_bytes(32, "big") + s.to_bytes(32, "big"), point


# --- other wallets' export encryption (import only) --------------------------------------------


def openssl_evp_bytes_to_key(
    passphrase: bytes, salt: bytes, *, key_len: int, iv_len: int
) -> tuple[bytes, bytes]:
    """OpenSSL's EVP_BytesToKey with MD5 and one round: what CryptoJS does with a passphrase.

    MD5 here is not a choice of ours: it is how those exports were made, and reading them
    needs it. Nothing credwallet writes uses it.
    """
    derived = b""
    block = b""
    while len(derived) < key_len + iv_len:
        digest = hashes.Hash(hashes.MD5())  # noqa: S303 (the legacy format requires it)
        digest.update(block + passphrase + salt)
        block = digest.finalize()
        derived += block
    return derived[:key_len], derived[key_len : key_len + iv_len]


def aes_cbc_pkcs7_decrypt(key: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    """AES-CBC with PKCS#7 padding; :class:`OpenFailed` when the padding is wrong (a wrong
    passphrase, almost always: CBC has no integrity of its own)."""
    from cryptography.hazmat.primitives import padding as sym_padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    if not ciphertext or len(ciphertext) % 16:
        raise OpenFailed
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = sym_padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError as exc:
        raise OpenFailed from exc


def aes_cbc_pkcs7_encrypt(key: bytes, iv: bytes, plaintext: bytes) -> bytes:
    """The inverse of :func:`aes_cbc_pkcs7_decrypt` (tests make legacy exports with it)."""
    from cryptography.hazmat.primitives import padding as sym_padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    padder = sym_padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


def pbkdf2_sha512(secret: bytes, salt: bytes, *, iterations: int, length: int = 32) -> bytes:
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    return PBKDF2HMAC(hashes.SHA512(), length, salt, iterations).derive(secret)


def aes_key_unwrap(kek: bytes, wrapped: bytes) -> bytes:
    """RFC 3394 AES key unwrap; :class:`OpenFailed` when the integrity check fails."""
    from cryptography.hazmat.primitives.keywrap import InvalidUnwrap
    from cryptography.hazmat.primitives.keywrap import aes_key_unwrap as unwrap

    try:
        return unwrap(kek, wrapped)
    except (InvalidUnwrap, ValueError) as exc:
        raise OpenFailed from exc


def aes_key_wrap(kek: bytes, key: bytes) -> bytes:
    from cryptography.hazmat.primitives.keywrap import aes_key_wrap as wrap

    return wrap(kek, key)


def aesgcm_decrypt(
    key: bytes, nonce: bytes, ciphertext_and_tag: bytes, aad: bytes | None = None
) -> bytes:
    """AES-GCM with a separate nonce (as other programs' envelopes lay it out)."""
    try:
        return AESGCM(key).decrypt(nonce, ciphertext_and_tag, aad)
    except (InvalidTag, ValueError, OverflowError) as exc:
        raise OpenFailed from exc


def aesgcm_encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes | None = None) -> bytes:
    return AESGCM(key).encrypt(nonce, plaintext, aad)


# --- OpenID4VP encrypted responses (exchange/jwe.py: ECDH-ES key agreement) ---------------------


def ecdh_shared_secret(crv: str, scalar: bytes, peer_point: bytes) -> bytes:
    """The ECDH shared secret Z (the x coordinate) of our scalar and the peer's SEC1 point."""
    private = ec.derive_private_key(int.from_bytes(scalar, "big"), EC_CURVES[crv])
    peer = ec.EllipticCurvePublicKey.from_encoded_point(EC_CURVES[crv], peer_point)
    return private.exchange(ec.ECDH(), peer)
