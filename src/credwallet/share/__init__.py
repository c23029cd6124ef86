"""Sharing: holder-signed presentations, self-verifying bundles, QR codes, résumé exports.

Every function here takes plain data (:class:`~credwallet.share.items.SharedItem`: a credential,
its report and its pathway names) and does no I/O beyond writing the output path it is given;
the wallet gathers the data. Modules:

* ``presentation`` W3C Verifiable Presentations signed by the holder's did:key
* ``bundle``       the bundle zip, and its safe reader and verifier (no wallet needed)
* ``page``         the bundle's self-contained ``index.html``
* ``qr``           the compact QR payload (``CW1:`` / ``CWM1:``), rendering and reading back
* ``base45``       RFC 9285 Base45
* ``resume``       LinkedIn add-to-profile links, JSON Resume, Markdown and HTML sections
* ``items``        the input type and a credential's status at share time

Submodules are not imported here: ``qr`` and ``presentation`` pull in optional, heavier code.
"""
