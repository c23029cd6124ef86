"""The command table: every top-level command, where it lives, and its one-line summary.

`credwallet --help` and shell completion of command names read only this table, so start-up
imports no command module (and through them the wallet, the store and the verifiers). A
command's module is imported when that command runs or shows its own help. A test checks that
each summary here is the first line of the command's real help, so the two cannot drift apart.
"""

from __future__ import annotations

__all__ = ["COMMANDS"]

# name -> (module of credwallet.cli whose `register(app)` adds it, summary), in the order
# `credwallet --help` lists them. Plain tuples: this module is on every start-up's path.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("_cmd_setup", "Create an encrypted wallet and your holder key (Ed25519, did:key)."),
    "passwd": (
        "_cmd_setup",
        "Change the wallet passphrase (ends sessions; no re-encryption).",
    ),
    "unlock": (
        "_cmd_setup",
        "Start a session: prints `export CREDWALLET_SESSION=...`.",
    ),
    "lock": ("_cmd_setup", "End the current unlock session (or all of them)."),
    "whoami": ("_cmd_setup", "Print your holder DID (the identity that signs what you share)."),
    "import": ("_cmd_import", "Import credentials, verifying each on the way in."),
    "receive": (
        "_cmd_receive",
        "Receive credentials from an issuer's offer, verifying each.",
    ),
    "show": (
        "_cmd_show",
        "List credentials, or show one in full; then pathway progress.",
    ),
    "remove": (
        "_cmd_remove",
        "Remove a credential (its stored content is overwritten).",
    ),
    "tag": ("_cmd_show", "Add tags to a credential."),
    "untag": ("_cmd_show", "Remove tags from a credential."),
    "verify": (
        "_cmd_verify",
        "Check signatures, issuer keys, expiry, revocation; say why.",
    ),
    "explain": (
        "_cmd_verify",
        "Show each verification step and its inputs (keys, URLs, hashes).",
    ),
    "check": (
        "_cmd_verify",
        "Health check for cron: re-verify all, report what changed.",
    ),
    "status": (
        "_cmd_status",
        "Locked or unlocked, credentials by state, cache ages, KDF, clock.",
    ),
    "identity": ("_cmd_identity", "Your identities: recipient checks say which one a badge names."),
    "pathway": (
        "pathway",
        "Stackable pathways: progress, what is missing, what comes next.",
    ),
    "profile": (
        "_cmd_profile",
        "Your name and contact details, shown on bundles, résumés and PDFs.",
    ),
    "share": (
        "share",
        "Share credentials: presentations, bundles, QR codes, résumés, PDF.",
    ),
    "present": (
        "_cmd_present",
        "Answer a verifier's request, after showing who asks and for what.",
    ),
    "shared": ("_cmd_shared", "List what you shared: when, with whom, how, which credentials."),
    "cache": ("_cmd_cache", "Documents kept for offline verification."),
    "trust": (
        "_cmd_trust",
        "Issuer trust: registries you follow, issuers you pin or block.",
    ),
    "backup": (
        "_cmd_backup",
        "Write the whole wallet (holder key too) to one encrypted file.",
    ),
    "restore": (
        "_cmd_backup",
        "Restore a backup into an empty home, or --merge it into a wallet.",
    ),
    "demo": (
        "_cmd_demo",
        "Try it: example badges in a throwaway wallet, verified and shown.",
    ),
}
