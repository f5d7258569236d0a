# SPDX-License-Identifier: EUPL-1.2
"""Payload signing of the pull API (DDAS-VS.yaml: Digest + detached JAdES, PS256, x5c):
what we sign verifies with the public certificate and nothing else passes."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import pytest

from tests.pki import make_ca, make_leaf, write_pair
from vroegsignaal.ddas import signing
from vroegsignaal.ddas.signing import SignatureInvalid, Signer, verify

BODY = b'{"gegevens":{"leveringen":[]}}'


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("pki")
    ca, other_ca = make_ca(), make_ca("Een andere CA")
    leaf = make_leaf(ca, "gemeente-test-signing")
    key, chain = write_pair(folder, "leaf", leaf, ca)
    return {"ca": ca, "other": other_ca, "signer": Signer.from_files(key, chain, "test-kid"),
            "folder": folder}


def _header(value: str) -> dict[str, object]:
    part = value.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_signature_follows_the_ddas_profile(pki: dict) -> None:
    headers = pki["signer"].sign(BODY)
    sig = headers["nlgov-adr-payload-sig"]
    protected, payload, signature = sig.split(".")
    assert payload == "" and protected and signature  # detached: header..signature
    header = _header(sig)
    assert header["alg"] == "PS256" and header["b64"] is False
    assert set(header["crit"]) >= {"sigD", "b64"}
    assert header["sigD"] == {"mId": "http://uri.etsi.org/19182/HttpHeaders",
                              "pars": ["digest"]}
    assert header["kid"] == "test-kid" and len(header["x5c"]) == 2
    assert headers["Digest"] == signing.digest(BODY)
    assert headers["Digest"].startswith("SHA-256=") and len(headers["Digest"]) == 52


def test_verifies_with_the_public_certificate(pki: dict) -> None:
    headers = pki["signer"].sign(BODY)
    cert = verify(BODY, headers["Digest"], headers["nlgov-adr-payload-sig"],
                  anchors=[pki["ca"].cert])
    assert cert == pki["signer"].chain[0]


@pytest.mark.parametrize("position", [0, 7, len(BODY) - 1])
def test_one_changed_byte_fails(pki: dict, position: int) -> None:
    headers = pki["signer"].sign(BODY)
    changed = bytearray(BODY)
    changed[position] ^= 0x01
    with pytest.raises(SignatureInvalid):
        verify(bytes(changed), headers["Digest"], headers["nlgov-adr-payload-sig"],
               anchors=[pki["ca"].cert])
    # A forger who also recomputes the digest still lacks the signature.
    with pytest.raises(SignatureInvalid):
        verify(bytes(changed), signing.digest(bytes(changed)),
               headers["nlgov-adr-payload-sig"], anchors=[pki["ca"].cert])


def test_untrusted_or_expired_certificates_fail(pki: dict, tmp_path: Path) -> None:
    headers = pki["signer"].sign(BODY)
    with pytest.raises(SignatureInvalid, match="vertrouwde"):
        verify(BODY, headers["Digest"], headers["nlgov-adr-payload-sig"],
               anchors=[pki["other"].cert])
    old = make_leaf(pki["ca"], "verlopen", days=2,
                    start=dt.datetime.now(dt.UTC) - dt.timedelta(days=10))
    key, chain = write_pair(tmp_path, "old", old, pki["ca"])
    expired = Signer.from_files(key, chain, "old").sign(BODY)
    with pytest.raises(SignatureInvalid, match="niet geldig"):
        verify(BODY, expired["Digest"], expired["nlgov-adr-payload-sig"],
               anchors=[pki["ca"].cert])


def test_missing_or_malformed_headers_fail(pki: dict) -> None:
    headers = pki["signer"].sign(BODY)
    anchors = [pki["ca"].cert]
    for digest_value, sig in ((None, headers["nlgov-adr-payload-sig"]),
                              (headers["Digest"], None),
                              (headers["Digest"], "abc.def.ghi"),
                              (headers["Digest"], "bm90LWpzb24..c2ln")):
        with pytest.raises(SignatureInvalid):
            verify(BODY, digest_value, sig, anchors=anchors)
