# SPDX-License-Identifier: EUPL-1.2
"""A throwaway PKI for the signing tests: a test CA (standing in for PKIoverheid) and
signing certificates it issues, generated with cryptography, never stored in the repo."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

NOW = dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Issued:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    def key_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())

    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "vroegsignaal test")])


def make_ca(cn: str = "Test PKIoverheid Root") -> Issued:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(cn))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(NOW - dt.timedelta(days=1))
            .not_valid_after(NOW + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return Issued(key, cert)


def make_leaf(ca: Issued, cn: str, *, days: int = 30, start: dt.datetime | None = None) -> Issued:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    begin = start or NOW - dt.timedelta(days=1)
    cert = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(ca.cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(begin).not_valid_after(begin + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .sign(ca.key, hashes.SHA256()))
    return Issued(key, cert)


def write_pair(folder: Path, name: str, leaf: Issued, ca: Issued) -> tuple[Path, Path]:
    """The leaf's key and its chain (leaf, CA) as PEM files."""
    key, chain = folder / f"{name}.key.pem", folder / f"{name}.chain.pem"
    key.write_bytes(leaf.key_pem())
    chain.write_bytes(leaf.cert_pem() + ca.cert_pem())
    return key, chain
