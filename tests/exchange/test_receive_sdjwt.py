"""SD-JWT VCs: received over OpenID4VCI, imported from .sd-jwt files, verified strictly."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from exchange_support import Run
from oid4vci_issuer import running_issuer, sd_jwt_config
from sdjwt_maker import disclosure, make_sd_jwt_vc

from credwallet.errors import BadInput
from credwallet.formats import parse
from credwallet.formats.sdjwt import decode_sd_jwt
from credwallet.models import CredentialFormat
from credwallet.verify.keys import SigningKey


def _configs() -> dict:
    return {"Learning": sd_jwt_config("Learning Credential")}


def test_receive_sd_jwt_vc_bound_to_a_derived_p256_key(run: Run) -> None:
    with running_issuer(configs=_configs()) as issuer:
        offer = issuer.new_offer(["Learning"])
        result = run("receive", offer, "--yes", "--json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["imported"] == 1
        assert data["items"][0]["status"] == "valid"
        assert data["items"][0]["flags"] == []
        assert issuer.proofs_seen[0]["header"]["alg"] == "ES256"
        shown = json.loads(run("show", data["items"][0]["id"], "--json").stdout)
        assert shown["format"] == "sd-jwt-vc"
        assert shown["type_name"] == "Learning Credential"
        labels = {c["label"]: c["value"] for c in shown["claims"]}
        assert labels == {"name": "Learning Outcome", "Given name": "Ada", "ECTS credits": 5}
        text = run("show", data["items"][0]["id"]).stdout
        assert "Given name" in text and "Learning Credential" in text
        checks = {c["name"]: c["status"] for c in shown["verification"]["checks"]}
        assert checks["proof"] == checks["issuer-key"] == checks["revocation"] == "pass"
        # revoked later: re-verification says so
        issuer.revoked.add(1)
        again = run("verify", data["items"][0]["id"], "--json")
        assert again.exit_code == 3, again.output
        assert "revoked" in again.stdout


def test_sd_jwt_vc_without_the_holder_key_in_cnf_is_flagged(run: Run) -> None:
    with running_issuer(configs=_configs(), unbound=True) as issuer:
        data = json.loads(run("receive", issuer.new_offer(["Learning"]), "--yes", "--json").stdout)
        assert data["items"][0]["flags"] == ["not bound to your holder key"]


def test_import_reads_sd_jwt_files(run: Run, tmp_path: Path) -> None:
    with running_issuer(configs=_configs()) as issuer:
        token = make_sd_jwt_vc(
            issuer=issuer.base, key=issuer.sd_key, holder_jwk=None, claims={"name": "Course"}
        )
        path = tmp_path / "course.sd-jwt"
        path.write_text(token)
        result = run("import", str(tmp_path), "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["imported"] == 1
        # a disclosure changed after issuance no longer matches any digest
        salt_name_value = token.split("~")[1]
        forged = token.replace(salt_name_value, disclosure("name", "Forged")[0])
        bad = tmp_path / "forged.sd-jwt"
        bad.write_text(forged)
        result = run("import", str(bad))
        assert result.exit_code == 7, result.output
        # a payload signed by another key is refused
        other = make_sd_jwt_vc(
            issuer=issuer.base,
            key=SigningKey.generate("P-256"),
            holder_jwk=None,
            claims={"name": "Course"},
        )
        (tmp_path / "other.sd-jwt").write_text(other)
        result = run("import", str(tmp_path / "other.sd-jwt"))
        assert result.exit_code == 3, result.output


def _token(**claims: object) -> str:
    return make_sd_jwt_vc(
        issuer="https://issuer.example",
        key=SigningKey.generate("P-256"),
        holder_jwk=None,
        claims=dict(claims) or {"name": "x"},
    )


def test_reader_rebuilds_disclosed_claims() -> None:
    credential = parse(_token(name="Data Science", credits=5).encode())
    assert credential.format is CredentialFormat.SD_JWT_VC
    assert credential.name == "Data Science"
    assert credential.document["credits"] == 5
    assert "_sd" not in credential.document


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t.replace("~", "~" + t.split("~")[1] + "~", 1),  # a disclosure twice
        lambda t: t.rstrip("~") + "~" + disclosure("extra", 1)[0] + "~",  # unreferenced
        lambda t: t.replace("~", "~~", 1),  # an empty disclosure
        lambda t: t + "not-a-jwt",  # garbage instead of a key binding JWT
    ],
)
def test_reader_is_strict(mangle: object) -> None:
    with pytest.raises(BadInput):
        decode_sd_jwt(mangle(_token()))  # type: ignore[operator]


def test_reader_refuses_reserved_names_in_disclosures() -> None:
    for name in ("_sd", "..."):
        token = _token()
        text, _digest = disclosure(name, 1)
        head = token.split("~")[0]
        with pytest.raises(BadInput):
            decode_sd_jwt(head + "~" + text + "~")


def _certificate(key: SigningKey, host: str) -> str:
    import base64
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.derive_private_key(int.from_bytes(key.private_bytes(), "big"), ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(7)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(private, hashes.SHA256())
    )
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


@pytest.mark.parametrize(
    ("host", "key_status"), [("issuer.example", "unknown"), ("other.example", "fail")]
)
def test_x5c_key_checks_the_signature_but_no_trust_anchor(host: str, key_status: str) -> None:
    from datetime import UTC, datetime

    from credwallet.verify.engine import VerifyOptions, verify_credential

    key = SigningKey.generate("P-256")
    token = make_sd_jwt_vc(
        issuer="https://issuer.example",
        key=key,
        holder_jwk=None,
        claims={"name": "x"},
        header={"x5c": [_certificate(key, host)]},
    )
    report = verify_credential(
        parse(token.encode()), source="t", options=VerifyOptions(now=datetime.now(UTC))
    )
    checks = {c.name: c.status.value for c in report.checks}
    assert checks["issuer-key"] == key_status
    assert checks["proof"] == ("pass" if key_status == "unknown" else "fail")


def test_sd_jwt_vc_is_shared_in_bundles_and_qr_codes(run: Run, tmp_path: Path) -> None:
    with running_issuer(configs=_configs()) as issuer:
        data = json.loads(run("receive", issuer.new_offer(["Learning"]), "--yes", "--json").stdout)
        wallet_id = data["items"][0]["id"]
        bundle, image = tmp_path / "b.zip", tmp_path / "q.png"
        assert run("share", "bundle", wallet_id, "-o", str(bundle)).exit_code == 0
        assert run("share", "qr", wallet_id, "-o", str(image)).exit_code == 0
        for shared in (bundle, image):
            checked = run("verify", str(shared), "--json")
            assert checked.exit_code == 0, checked.output
            assert "the issuer's status list says: valid" in checked.stdout
        with zipfile.ZipFile(bundle) as archive:
            vp = json.loads(archive.read("presentation.json"))
        assert vp["verifiableCredential"][0]["id"].startswith("data:application/dc+sd-jwt,")


@pytest.mark.parametrize("suite", ["eddsa-jcs-2022", "eddsa-rdfc-2022"])
def test_sd_jwt_vc_travels_enveloped_in_a_signed_presentation(
    run: Run, tmp_path: Path, suite: str
) -> None:
    """An SD-JWT VC goes in a VC 2.0 presentation as an EnvelopedVerifiableCredential; the
    project's verifier unwraps it and checks it like the stored credential."""
    with running_issuer(configs=_configs()) as issuer:
        data = json.loads(run("receive", issuer.new_offer(["Learning"]), "--yes", "--json").stdout)
        wallet_id = data["items"][0]["id"]
        out = tmp_path / "p.json"
        made = run(
            "share", "presentation", wallet_id, "-o", str(out), "--suite", suite,
            "--challenge", "c-1", "--domain", "verifier.example",
        )  # fmt: skip
        assert made.exit_code == 0, made.output
        vp = json.loads(out.read_text())
        assert vp["@context"] == ["https://www.w3.org/ns/credentials/v2"]
        (entry,) = vp["verifiableCredential"]
        assert entry["type"] == "EnvelopedVerifiableCredential"
        assert entry["id"].startswith("data:application/dc+sd-jwt,ey")
        assert entry["id"].endswith("~") and entry["id"].count("~") == 4  # 3 disclosures
        checked = run(
            "verify", str(out), "--json", "--challenge", "c-1", "--domain", "verifier.example"
        )
        assert checked.exit_code == 0, checked.output
        reports = json.loads(checked.stdout)
        text = json.dumps(reports)
        assert "sd-jwt" in text and "the issuer's status list says: valid" in text
        # a changed disclosure no longer matches any digest the issuer signed
        token = entry["id"].split(",", 1)[1]
        head, _first, *rest = token.split("~")
        forged_value = disclosure("given_name", "Eve")[0]
        entry["id"] = "data:application/dc+sd-jwt," + "~".join([head, forged_value, *rest])
        out.write_text(json.dumps(vp))
        forged = run("verify", str(out), "--json")
        assert forged.exit_code == 3, forged.output


def test_issuer_name_comes_from_the_issuers_metadata(run: Run, tmp_path: Path) -> None:
    """The token names its issuer by URL only; the issuer's OpenID4VCI metadata `display`
    gives the name shown, in résumés too (never "Unknown issuer")."""
    with running_issuer(configs=_configs()) as issuer:
        data = json.loads(run("receive", issuer.new_offer(["Learning"]), "--yes", "--json").stdout)
        wallet_id = data["items"][0]["id"]
        shown = json.loads(run("show", wallet_id, "--json").stdout)
        assert shown["issuer"]["name"] == "Test University"  # the English display entry
        resume = run("share", "resume", wallet_id, "--format", "markdown")
        assert resume.exit_code == 0, resume.output
        assert "Test University" in resume.stdout and "Unknown issuer" not in resume.stdout
        # an imported .sd-jwt file gets it too
        token = make_sd_jwt_vc(
            issuer=issuer.base, key=issuer.sd_key, holder_jwk=None, claims={"name": "Course"}
        )
        (tmp_path / "course.sd-jwt").write_text(token)
        imported = json.loads(run("import", str(tmp_path / "course.sd-jwt"), "--json").stdout)
        again = json.loads(run("show", imported["items"][0]["id"], "--json").stdout)
        assert again["issuer"]["name"] == "Test University"


def test_metadata_of_another_issuer_names_nobody(run: Run, tmp_path: Path) -> None:
    with running_issuer(configs=_configs()) as issuer:
        real = issuer.metadata
        issuer.metadata = lambda: {**real(), "credential_issuer": "https://other.example"}  # type: ignore[method-assign]
        token = make_sd_jwt_vc(
            issuer=issuer.base, key=issuer.sd_key, holder_jwk=None, claims={"name": "Course"}
        )
        (tmp_path / "course.sd-jwt").write_text(token)
        imported = json.loads(run("import", str(tmp_path / "course.sd-jwt"), "--json").stdout)
        shown = json.loads(run("show", imported["items"][0]["id"], "--json").stdout)
        assert shown["issuer"]["name"] is None


def _checks(token: str) -> dict[str, str]:
    from datetime import UTC, datetime

    from credwallet.verify.engine import VerifyOptions, verify_credential

    report = verify_credential(
        parse(token.encode()), source="t", options=VerifyOptions(now=datetime.now(UTC))
    )
    return {c.name: c.status.value for c in report.checks}


def test_issuer_key_from_a_did_iss() -> None:
    """A did:key issuer: the kid is resolved in the DID, never taken from the header's jwk."""
    key = SigningKey.generate("P-256")
    token = make_sd_jwt_vc(
        issuer=key.did_key, key=key, holder_jwk=None, claims={"name": "x"},
        kid=key.verification_method,
    )  # fmt: skip
    assert _checks(token)["proof"] == _checks(token)["issuer-key"] == "pass"
    other = SigningKey.generate("P-256")
    forged = make_sd_jwt_vc(
        issuer=key.did_key, key=other, holder_jwk=None, claims={"name": "x"},
        kid=key.verification_method,
    )  # fmt: skip
    assert _checks(forged)["proof"] == "fail"


def test_an_expired_sd_jwt_vc_fails_validity() -> None:
    import time

    key = SigningKey.generate("P-256")
    token = make_sd_jwt_vc(
        issuer=key.did_key, key=key, holder_jwk=None, claims={"name": "x"},
        kid=key.verification_method, exp=int(time.time()) - 3600,
    )  # fmt: skip
    checks = _checks(token)
    assert checks["validity"] == "fail" and checks["proof"] == "pass"
