# SPDX-License-Identifier: EUPL-1.2
"""Payload signing of the DDAS pull API: a `Digest` header and a detached JWS in
`nlgov-adr-payload-sig` (Geonovum ADR "HTTP Message and payload signing with JAdES",
DDAS profile in DDAS-VS.yaml: PS256, b64 false, crit [sigD, b64], sigD with mId
http://uri.etsi.org/19182/HttpHeaders and pars ["digest"], kid, x5c).

The JWS payload is the one signed HTTP header as JAdES builds it for the HttpHeaders
mechanism: `digest: SHA-256=<base64>`; the body is bound through the digest. The JOSE
work is joserfc's; the certificate checks are cryptography's. Revocation (OCSP/CRL) is
not checked here: the deployment's FSC inway and PKIoverheid trust store do that
(docs/ddas.md, "Deployment").
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from joserfc.jws import JWSRegistry
from joserfc.registry import HeaderParameter

from vroegsignaal.errors import VroegsignaalError

ALG = "PS256"
HTTP_HEADERS = "http://uri.etsi.org/19182/HttpHeaders"
SIG_D = {"mId": HTTP_HEADERS, "pars": ["digest"]}
DIGEST_HEADER = "Digest"
SIGNATURE_HEADER = "nlgov-adr-payload-sig"


class SignatureInvalid(VroegsignaalError):
    """A message's digest or signature does not match its content."""

    code = "HANDTEKENING_ONGELDIG"
    title = "De digest of de handtekening van het bericht klopt niet"


def _sig_d(value: Any) -> None:
    if not isinstance(value, dict) or value.get("mId") != HTTP_HEADERS \
            or value.get("pars") != ["digest"]:
        raise ValueError("sigD moet HttpHeaders met pars ['digest'] zijn")


REGISTRY = JWSRegistry(header_registry={"sigD": HeaderParameter("JAdES sigD", _sig_d)},
                       algorithms=[ALG])
# x5c carries the certificate chain: a PKIoverheid chain of three is ~6 kB of header.
REGISTRY.max_header_length = 32 * 1024


def digest(body: bytes) -> str:
    """The `Digest` header value of a body: `SHA-256=<base64 of the hash>`."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def _payload(digest_value: str) -> bytes:
    return f"digest: {digest_value}".encode()


def _b64(der: bytes) -> str:
    return base64.b64encode(der).decode()


@dataclass(frozen=True)
class Signer:
    """Signs bodies with a private key whose certificate chain is `chain` (signing
    certificate first)."""

    key: RSAKey
    chain: tuple[x509.Certificate, ...]
    kid: str

    @classmethod
    def from_files(cls, key_file: str | Path, cert_file: str | Path, kid: str) -> Signer:
        """From PEM files: the private key, and the chain (signing certificate first)."""
        key = RSAKey.import_key(Path(key_file).read_bytes())
        chain = tuple(x509.load_pem_x509_certificates(Path(cert_file).read_bytes()))
        if not chain:
            raise ValueError(f"{cert_file}: geen certificaat")
        return cls(key, chain, kid)

    def sign(self, body: bytes) -> dict[str, str]:
        """The two headers for `body`: `Digest` and `nlgov-adr-payload-sig` (compact JWS
        with an empty payload part: `header..signature`)."""
        value = digest(body)
        leaf = self.chain[0]
        header = {
            "alg": ALG, "b64": False, "crit": ["sigD", "b64"], "kid": self.kid,
            "x5c": [_b64(c.public_bytes(serialization.Encoding.DER)) for c in self.chain],
            "x5t#S256": base64.urlsafe_b64encode(leaf.fingerprint(hashes.SHA256()))
            .rstrip(b"=").decode(),
            "sigD": SIG_D,
        }
        token = jws.serialize_compact(header, _payload(value), self.key, algorithms=[ALG],
                                      registry=REGISTRY)
        protected, _, signature = token.split(".")
        return {DIGEST_HEADER: value, SIGNATURE_HEADER: f"{protected}..{signature}"}


def _header(signature: str) -> dict[str, Any]:
    protected = signature.split(".", 1)[0]
    try:
        raw = base64.urlsafe_b64decode(protected + "=" * (-len(protected) % 4))
        header = json.loads(raw)
    except ValueError as exc:
        raise SignatureInvalid("de beschermde header is geen JSON") from exc
    if not isinstance(header, dict):
        raise SignatureInvalid("de beschermde header is geen object")
    return header


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _check_chain(chain: list[x509.Certificate], anchors: list[x509.Certificate],
                 now: dt.datetime) -> None:
    """Every certificate valid now and issued by the next; the last by a trust anchor."""
    for i, cert in enumerate(chain):
        if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
            raise SignatureInvalid(f"certificaat {i} is niet geldig op {now:%Y-%m-%d}")
        issuers = [chain[i + 1]] if i + 1 < len(chain) else anchors
        if not any(_issued_by(cert, issuer) for issuer in issuers):
            raise SignatureInvalid(f"certificaat {i} is niet uitgegeven door een vertrouwde CA")


def verify(body: bytes, digest_value: str | None, signature: str | None, *,
           anchors: list[x509.Certificate], now: dt.datetime | None = None) -> x509.Certificate:
    """Check a signed body: the digest is the body's, the JWS follows the DDAS profile,
    its x5c chain leads to one of `anchors` and the signature verifies with the first
    certificate. Returns that certificate; raises `SignatureInvalid`."""
    if not digest_value or not signature:
        raise SignatureInvalid("Digest of nlgov-adr-payload-sig ontbreekt")
    if not hmac.compare_digest(digest_value.encode(), digest(body).encode()):
        raise SignatureInvalid("de digest hoort niet bij de body")
    parts = signature.split(".")
    if len(parts) != 3 or parts[1] != "":
        raise SignatureInvalid("geen losgekoppelde (detached) JWS")
    header = _header(signature)
    if header.get("alg") != ALG or header.get("b64") is not False \
            or not {"sigD", "b64"} <= set(header.get("crit") or ()):
        raise SignatureInvalid("de header volgt het DDAS-profiel niet (alg, b64, crit)")
    try:
        chain = [x509.load_der_x509_certificate(base64.b64decode(c)) for c in header["x5c"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise SignatureInvalid("x5c ontbreekt of is ongeldig") from exc
    if not chain:
        raise SignatureInvalid("x5c is leeg")
    _check_chain(chain, anchors, now or dt.datetime.now(dt.UTC))
    pem = chain[0].public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)
    try:
        jws.deserialize_compact(signature, RSAKey.import_key(pem), algorithms=[ALG],
                                registry=REGISTRY, payload=_payload(digest_value))
    except (JoseError, ValueError) as exc:
        raise SignatureInvalid("de handtekening klopt niet") from exc
    return chain[0]


def load_anchors(path: str | Path) -> list[x509.Certificate]:
    """Trust anchors from a PEM bundle."""
    return list(x509.load_pem_x509_certificates(Path(path).read_bytes()))
