"""The organisation's signing key and certificate: PEM files kept outside the project,
named by the build's settings (signing_key, signing_certificate), with the key's
passphrase, if any, in the environment variable BRIEFS_SIGNING_PASSPHRASE.

They are read here and nowhere else, with a message that names the setting and never
quotes the key or the passphrase. Nothing the build writes holds them: of the certificate,
only its fingerprint is recorded. Signing itself is briefs.publish.signing.
"""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from briefs.content.inputs import discover
from briefs.content.releases import record_path
from briefs.errors import ContentError

PASSPHRASE = "BRIEFS_SIGNING_PASSPHRASE"
KEY_HINT = ("give the organisation's key and certificate as PEM files kept outside the "
            "project: snakemake --config signing_key=PATH signing_certificate=PATH "
            "(docs/content.md, 'Signing keys')")


@dataclass(frozen=True)
class Key:
    """The organisation's private key, with its certificate."""

    private: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def fingerprint(self):
        return fingerprint(self.certificate)


def fingerprint(certificate):
    """The SHA-256 of a certificate's DER bytes, in hexadecimal: what a record may keep."""
    return hashlib.sha256(der(certificate)).hexdigest()


def der(certificate):
    return certificate.public_bytes(serialization.Encoding.DER)


def configured_key(key_path, certificate_path, project=None):
    """The key a build is given (signing_key, signing_certificate), read; None if it is
    given none. ContentError if only one of the two is given, or if the key is inside the
    project's folder, from where it could be committed or published."""
    if not key_path and not certificate_path:
        return None
    if not key_path or not certificate_path:
        missing = "signing_key" if not key_path else "signing_certificate"
        raise ContentError(certificate_path or key_path, "a signing key needs both "
                           f"signing_key and signing_certificate; {missing} is not given",
                           field=missing, hint=KEY_HINT)
    if project and Path(os.path.realpath(key_path)).is_relative_to(project.root):
        raise ContentError(key_path, "the signing key is inside the project's folder, from "
                           "where it could be committed, copied or published with it",
                           field="signing_key", hint="move it to a folder of its own outside "
                           "the project (e.g. ~/signing/) and name it there; if it was ever "
                           "committed, make a new key")
    return read_key(key_path, certificate_path)


def unsigned_warning(project):
    """The warning of a build without a key, if any of its briefs was released."""
    released = [brief for brief in discover(project)
                if project.exists(record_path(project, brief))]
    if not released:
        return None
    return (f"{len(released)} released brief{'s' if len(released) > 1 else ''} "
            f"({', '.join(released[:3])}{', ...' if len(released) > 3 else ''}) "
            "printed without a signature: give the organisation's key to sign them "
            "(snakemake --config signing_key=PATH signing_certificate=PATH; docs/content.md)")


def read_certificate(path, setting="signing_certificate"):
    """The certificate in a PEM file outside the project; ContentError if it is not one."""
    data = _read(path, setting, "certificate")
    try:
        return x509.load_pem_x509_certificate(data)
    except ValueError:
        raise ContentError(path, "this is not a certificate in PEM form (a file that starts "
                           "with -----BEGIN CERTIFICATE-----)", field=setting,
                           hint=KEY_HINT) from None


def read_key(key_path, certificate_path):
    """The organisation's key and certificate, read from outside the project, with the
    passphrase in BRIEFS_SIGNING_PASSPHRASE if the key has one; ContentError, which never
    quotes the key or the passphrase, if either cannot be used."""
    certificate = read_certificate(certificate_path)
    private = _private_key(key_path, _read(key_path, "signing_key", "key"))
    if not isinstance(private, rsa.RSAPrivateKey):
        raise ContentError(key_path, "this key is not an RSA key: only RSA signatures "
                           "(PKCS#1 v1.5) are the same bytes at every build",
                           field="signing_key", hint="make an RSA key of 3072 bits "
                           "(docs/content.md, 'Signing keys')")
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    if (private.public_key().public_bytes(serialization.Encoding.DER, public)
            != certificate.public_key().public_bytes(serialization.Encoding.DER, public)):
        raise ContentError(certificate_path, "this certificate is not the one of the key "
                           "given as signing_key", field="signing_certificate",
                           hint="name the certificate issued for that key")
    return Key(private, certificate)


def _read(path, setting, what):
    """The bytes of a key or certificate file, read in one place, with a message naming
    the setting if it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise ContentError(path, f"the {what} named by {setting} cannot be read "
                           f"({error.strerror or error})", field=setting,
                           hint=KEY_HINT) from None


def _private_key(path, data):
    """The private key of a PEM file, decrypted with the passphrase if it has one."""
    passphrase = os.environ.get(PASSPHRASE)
    try:
        return serialization.load_pem_private_key(
            data, password=passphrase.encode("utf-8") if passphrase else None)
    except TypeError:
        wording = ("this key is protected by a passphrase, and BRIEFS_SIGNING_PASSPHRASE is "
                   "not set" if not passphrase else "this key has no passphrase, but "
                   "BRIEFS_SIGNING_PASSPHRASE is set")
        raise ContentError(path, wording, field="signing_key",
                           hint="set BRIEFS_SIGNING_PASSPHRASE to the key's passphrase in "
                           "the shell that runs the build, or unset it for a key without "
                           "one") from None
    except ValueError:
        raise ContentError(path, "this key cannot be opened: the passphrase in "
                           "BRIEFS_SIGNING_PASSPHRASE is wrong, or the file is not a private "
                           "key in PEM form", field="signing_key",
                           hint="set BRIEFS_SIGNING_PASSPHRASE to the key's passphrase, and "
                           "name the key's file as signing_key") from None
