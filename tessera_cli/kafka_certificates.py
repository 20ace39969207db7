"""The installation's own certificate authority and the broker's TLS certificate.

`tessera infra up` makes them once: a CA (ten years) and a broker certificate for 127.0.0.1 and
localhost signed by it (two years). Clients trust the CA's file; the broker serves its key and
certificate from one PEM file, which Kafka reads directly (ssl.keystore.type=PEM).
"""

import datetime
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from common.private_files import write_private

CA_FILE = "ca.pem"
CA_KEY_FILE = "ca-key.pem"
BROKER_FILE = "broker.pem"
CA_DAYS = 3650
BROKER_DAYS = 730
BROKER_NAMES = ("localhost", "kafka")  # kafka: the broker's name in infra/compose.yaml
BROKER_ADDRESSES = ("127.0.0.1",)


def ensure_certificates(folder: Path) -> list[str]:
    """Create the CA and the broker's certificate unless they are there; say what was made."""
    made = []
    if not (folder / CA_FILE).exists() or not (folder / CA_KEY_FILE).exists():
        _write_ca(folder)
        made.append(f"certificate authority {folder / CA_FILE}")
        (folder / BROKER_FILE).unlink(missing_ok=True)  # signed by the old CA
    if not (folder / BROKER_FILE).exists() or _expires_within(folder / BROKER_FILE, days=30):
        _write_broker(folder)
        made.append(f"broker certificate {folder / BROKER_FILE}")
    return made


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,  # what Kafka's PEM keystore reads
        serialization.NoEncryption(),
    )


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _write_ca(folder: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tessera installation CA")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - datetime.timedelta(minutes=5))
        .not_valid_after(_now() + datetime.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    write_private(folder / CA_KEY_FILE, _key_pem(key))
    (folder / CA_FILE).write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def _write_broker(folder: Path) -> None:
    ca_certificate = x509.load_pem_x509_certificate((folder / CA_FILE).read_bytes())
    ca_key = serialization.load_pem_private_key((folder / CA_KEY_FILE).read_bytes(), None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{folder / CA_KEY_FILE} is not the EC key Tessera made")
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName(name) for name in BROKER_NAMES]
    names += [x509.IPAddress(ipaddress.ip_address(address)) for address in BROKER_ADDRESSES]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tessera-kafka")]))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - datetime.timedelta(minutes=5))
        .not_valid_after(_now() + datetime.timedelta(days=BROKER_DAYS))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    chain = certificate.public_bytes(serialization.Encoding.PEM) + ca_certificate.public_bytes(
        serialization.Encoding.PEM
    )
    write_private(folder / BROKER_FILE, _key_pem(key) + chain)


def _expires_within(path: Path, *, days: int) -> bool:
    certificate = x509.load_pem_x509_certificate(path.read_bytes())
    return certificate.not_valid_after_utc < _now() + datetime.timedelta(days=days)
