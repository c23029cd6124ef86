"""Europass Digital Credentials (ELM 3, JAdES-sealed) from the public samples."""

from __future__ import annotations

import json
from pathlib import Path

from migrate_support import Run, sample, shown

SEALED = "edc-elm3-microcredential-signed-jades.jsonld"


def test_sealed_edc_imports_with_its_seal_checked(wallet: Run) -> None:
    result = wallet("import", "--offline", "--json", str(sample(SEALED)))
    summary = json.loads(result.stdout)
    assert summary["imported"] == 1, result.output
    [item] = shown(wallet)
    assert item["format"] == "edc"
    assert item["name"] == "Digital micro-credential creation"
    detail = json.loads(wallet("show", item["id"], "--json").stdout)
    checks = {c["name"]: c for c in detail["verification"]["checks"]}
    assert checks["proof"]["status"] == "pass"
    assert checks["issuer-key"]["status"] == "unknown"  # no eIDAS trust list loaded
    assert "trusted lists" in checks["issuer-key"]["detail"]
    outcomes = detail["achievement"]["alignments"]
    assert outcomes and all(a["target_name"] for a in outcomes)
    assert detail["description"].startswith("Awarded by University of Zed")
    assert detail["issued"].startswith("2023-09-27")
    human = wallet("show", item["id"], env={"COLUMNS": "120"}).stdout
    assert "Digital micro-credential creation" in human
    assert "University of Zed" in human


def test_every_public_sealed_sample_verifies(wallet: Run) -> None:
    for name in (
        SEALED,
        "edc-elm3-certificate-of-participation-signed-jades.jsonld",
        "mynextid-edc-elm3-microcredential-signed.jsonld",
    ):
        result = wallet("verify", "--offline", "--json", str(sample(name)))
        [report] = json.loads(result.stdout)
        checks = {c["name"]: c["status"] for c in report["checks"]}
        assert report["format"] == "edc", name
        assert checks["proof"] == "pass" and checks["issuer-key"] == "unknown", name
        assert report["status"] == "indeterminate", name  # never "valid" without a trust list


def test_a_broken_seal_is_invalid_and_refused(wallet: Run, tmp_path: Path) -> None:
    sealed = json.loads(sample(SEALED).read_text("utf-8"))
    sealed["payload"] = sealed["payload"].replace(
        "Digital micro-credential creation", "Digital micro-credential creatiom", 1
    )
    path = tmp_path / "changed.jsonld"
    path.write_text(json.dumps(sealed), "utf-8")
    result = wallet("import", "--offline", "--json", str(path))
    assert result.exit_code == 3
    assert json.loads(result.stdout)["refused"] == 1
    assert "seal does not verify" in result.stdout
    assert shown(wallet) == []


def test_elm2_xml_with_xades_seal_is_checked(wallet: Run) -> None:
    """The official ELM 2 sample: both references and the SignatureValue verify."""
    path = sample("edc-elm2-diploma-supplement-vp-xades.xml")
    summary = json.loads(wallet("import", "--offline", "--json", str(path)).stdout)
    assert summary["imported"] == 1
    [item] = shown(wallet)
    assert item["format"] == "edc" and item["container"] == "xml"
    assert item["name"].startswith("Graduate University Study of Civil Engineering")
    detail = json.loads(wallet("show", item["id"], "--json").stdout)
    checks = {c["name"]: c for c in detail["verification"]["checks"]}
    assert checks["proof"]["status"] == "pass" and "XAdES" in checks["proof"]["detail"]
    assert checks["issuer-key"]["status"] == "unknown"
    achievements = [a["target_name"] for a in detail["achievement"]["alignments"]]
    assert "Master of Science in Civil Engineering" in achievements


def test_elm2_xml_reformatted_after_sealing_is_invalid(wallet: Run) -> None:
    """Pretty-printed after sealing: the digests no longer match; the content still reads."""
    path = sample("edci-xml-v1-credential-generic-signed-REFORMATTED-BROKEN-SEAL.xml")
    result = wallet("verify", "--offline", "--json", str(path))
    [report] = json.loads(result.stdout)
    checks = {c["name"]: c for c in report["checks"]}
    assert report["status"] == "invalid"
    assert checks["proof"]["status"] == "fail"
    assert "changed after sealing" in checks["proof"]["detail"]
    imported = wallet("import", "--offline", "--json", str(path))
    assert imported.exit_code == 3 and shown(wallet) == []


def test_xml_with_a_dtd_is_refused(wallet: Run, tmp_path: Path) -> None:
    hostile = tmp_path / "entity.xml"
    hostile.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        '<europassCredential xmlns="http://data.europa.eu/snb"><title>&e;</title>'
        "</europassCredential>"
    )
    result = wallet("import", "--offline", str(hostile))
    assert result.exit_code == 7 and "root:" not in result.output
    assert shown(wallet) == []
