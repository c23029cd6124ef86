"""The public samples in ../shared/fixtures/migrate-in (read in place): each imports, offline,
with the state an offline check can honestly give, and a second import adds nothing."""

from __future__ import annotations

import json

from migrate_support import Run, sample, shown

EXPECTED = {
    # file: (format, status offline)
    "ob2-baked-simple-badge.png": ("ob2", "indeterminate"),  # hosted: needs its host
    "ob3-baked-simple-json.png": ("ob3", "indeterminate"),  # did:web issuer key offline
    "ob3-baked-simple-vcjwt.png": ("vc-jwt", "indeterminate"),
    "blockcerts-v2-mainnet.json": ("blockcerts", "indeterminate"),  # chain anchor offline
    "blockcerts-v3-testnet.json": ("blockcerts", "indeterminate"),
    "edc-elm3-microcredential-signed-jades.jsonld": ("edc", "indeterminate"),  # no trust list
    "edc-elm3-certificate-of-participation-signed-jades.jsonld": ("edc", "indeterminate"),
    "mynextid-edc-elm3-microcredential-signed.jsonld": ("edc", "indeterminate"),
}


def test_public_samples_import_once(wallet: Run) -> None:
    paths = [str(sample(name)) for name in EXPECTED]
    result = wallet("import", "--offline", "--json", *paths)
    summary = json.loads(result.stdout)
    assert summary["imported"] == len(EXPECTED), result.output
    by_source = {item["source"].rsplit("/", 1)[-1]: item for item in summary["items"]}
    for name, (_fmt, status) in EXPECTED.items():
        assert by_source[name]["status"] == status, name
    formats = sorted(item["format"] for item in shown(wallet))
    assert formats == sorted(fmt for fmt, _ in EXPECTED.values())
    again = json.loads(wallet("import", "--offline", "--json", *paths).stdout)
    assert again["imported"] == 0 and again["duplicates"] == len(EXPECTED)


def test_unsealed_edc_is_refused(wallet: Run) -> None:
    """An EDC without its seal has no proof: refused (exit 3), like any unsigned credential."""
    result = wallet(
        "import", "--offline", "--json", str(sample("edc-elm3-microcredential-unsigned.jsonld"))
    )
    assert result.exit_code == 3
    assert json.loads(result.stdout)["refused"] == 1
    assert shown(wallet) == []
