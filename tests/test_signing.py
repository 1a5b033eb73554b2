"""Released PDFs signed by their organisation (PAdES, pyHanko) and the manifest signed
beside them, through the real workflow, with a certificate authority the tests make: the
signatures validate against it, the signed PDFs still pass PDF/UA-1 and PDF/A-3u, they are
the same bytes in any folder, `briefs verify` names a changed PDF or manifest, and the key
and its passphrase are in no file the build writes."""

import asyncio
import datetime
import io
import os
import re
import shutil
import subprocess
import sys
from types import SimpleNamespace

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from briefs.publish.keys import fingerprint, read_key
from briefs.publish.signing import _signed, pdf_problems, sign_pdf
from conftest import make_project
from test_validation import failures, misread

BRIEF = "test-statement"
RELEASED_AT = "2023-04-25T10:00:00+06:00"
PASSPHRASE = "lighthouse keeper 1987"
CERTIFIED = (datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc),
             datetime.datetime(2040, 1, 1, tzinfo=datetime.timezone.utc))


def name(common):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def certificate(subject, issuer, public_key, signing_key, serial, authority):
    """A certificate valid from 2020 to 2040: of an authority, or of a signer."""
    usage = dict.fromkeys(["digital_signature", "content_commitment", "key_encipherment",
                           "data_encipherment", "key_agreement", "key_cert_sign", "crl_sign",
                           "encipher_only", "decipher_only"], False)
    usage.update({"key_cert_sign": True, "crl_sign": True} if authority
                 else {"digital_signature": True, "content_commitment": True})
    builder = (x509.CertificateBuilder().subject_name(name(subject)).issuer_name(name(issuer))
               .public_key(public_key).serial_number(serial)
               .not_valid_before(CERTIFIED[0]).not_valid_after(CERTIFIED[1])
               .add_extension(x509.KeyUsage(**usage), critical=True))
    if authority:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None),
                                        critical=True)
    return builder.sign(signing_key, hashes.SHA256())


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    """A test certificate authority, and the organisation's key (with a passphrase) and
    certificate issued by it, in a folder outside the project."""
    folder = tmp_path_factory.mktemp("keys")
    authority_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    authority = certificate("Test Authority", "Test Authority", authority_key.public_key(),
                            authority_key, 1, True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    issued = certificate("Alpha Rights Centre", "Test Authority", key.public_key(),
                         authority_key, 2, False)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.BestAvailableEncryption(PASSPHRASE.encode()))
    (folder / "key.pem").write_bytes(pem)
    (folder / "certificate.pem").write_bytes(issued.public_bytes(serialization.Encoding.PEM))
    (folder / "authority.pem").write_bytes(authority.public_bytes(serialization.Encoding.PEM))
    clear = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    secrets = {"passphrase": PASSPHRASE.encode(), "encrypted PEM body": pem_body(pem),
               "PEM body": pem_body(clear),
               "DER": key.private_bytes(serialization.Encoding.DER,
                                        serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()),
               "traditional DER": key.private_bytes(
                   serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
                   serialization.NoEncryption()),
               "private exponent": key.private_numbers().d.to_bytes(384, "big")}
    return {"folder": folder, "key": folder / "key.pem",
            "certificate": folder / "certificate.pem", "authority": folder / "authority.pem",
            "secrets": secrets}


def pem_body(pem):
    """The base64 lines of a PEM file, each a secret of its own (a log may wrap them)."""
    return [line for line in pem.splitlines() if line and not line.startswith(b"-----")]


def signing_config(keys):
    """Snakemake's --config with the key; it takes every key=value that follows."""
    return ["--config", f"signing_key={keys['key']}",
            f"signing_certificate={keys['certificate']}"]


def build(project, *args, passphrase=PASSPHRASE):
    """The real workflow, with the key's passphrase in its environment (None: unset)."""
    environment = {k: v for k, v in os.environ.items() if k != "BRIEFS_SIGNING_PASSPHRASE"}
    if passphrase is not None:
        environment["BRIEFS_SIGNING_PASSPHRASE"] = passphrase
    return subprocess.run([sys.executable, "-m", "snakemake", "--cores", "2", *args],
                          cwd=project.root, capture_output=True, text=True, env=environment)


def briefs(project, *args):
    return subprocess.run([sys.executable, "-m", "briefs", "--root", str(project.root), *args],
                          cwd=project.root, capture_output=True, text=True)


def one_brief_project(folder):
    """The fixture content with the test statement alone (English and Russian)."""
    project = make_project(folder)
    for other in project.briefs_dir.iterdir():
        if other.name != BRIEF:
            shutil.rmtree(other)
    return project


@pytest.fixture(scope="module")
def released(tmp_path_factory, keys):
    """The test statement built, released, built without a key (its run kept), then built
    with the organisation's key, in both variants."""
    project = one_brief_project(tmp_path_factory.mktemp("released"))
    first = build(project, passphrase=None)
    assert first.returncode == 0, first.stderr
    made = briefs(project, "release", BRIEF, "--at", RELEASED_AT)
    assert made.returncode == 0, made.stderr
    unsigned = build(project, passphrase=None)
    assert unsigned.returncode == 0, unsigned.stderr
    printed = {path: path.read_bytes() for path in released_pdfs(project)}
    runs = []
    for args in ((), ("pdf_variant=pdf/a-3u", "out=build-pdfa")):
        signed = build(project, *signing_config(keys), *args)
        assert signed.returncode == 0, signed.stderr
        runs.append(signed)
    return SimpleNamespace(root=project.root, content=project.content, unsigned_run=unsigned,
                           unsigned_pdfs=printed, runs=runs)


def released_pdfs(project, out="build"):
    """The PDFs of the released brief: its current editions and version 1."""
    folder = project.root / out / BRIEF
    return sorted([*folder.glob("*.pdf"), *folder.glob("v*/*.pdf")])


def validated(path, keys):
    """pyHanko's status of each signature of a PDF, trusting the test authority alone."""
    authority = load_cert_from_pemder(str(keys["authority"]))
    with path.open("rb") as stream:
        reader = PdfFileReader(stream)
        return [validate_pdf_signature(signature, ValidationContext(
            trust_roots=[authority], allow_fetching=False))
            for signature in reader.embedded_signatures]


def test_released_pdfs_are_signed_by_the_organisation_and_valid_for_its_authority(released,
                                                                                 keys):
    organisation = load_cert_from_pemder(str(keys["certificate"]))
    paths = released_pdfs(released) + released_pdfs(released, "build-pdfa")
    # en and ru as they are and as version 1; the archival build, of another standard than
    # the one released, serves no version 1, but its editions are released and signed
    assert len(paths) == 6
    for path in paths:
        [status] = validated(path, keys)
        assert status.bottom_line, (path, status.summary())
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        assert status.signing_cert.dump() == organisation.dump()
        assert status.signer_reported_dt == datetime.datetime.fromisoformat(RELEASED_AT)
    # the signed file is the PDF as printed, with the signature in an update after it
    for path in released_pdfs(released, "build"):
        printed = released.unsigned_pdfs[path]
        assert path.read_bytes()[:len(printed)] == printed


def test_the_manifest_is_signed_by_the_organisation(released, keys):
    authority = load_cert_from_pemder(str(keys["authority"]))
    for out in ("build", "build-pdfa"):
        folder = released.root / out
        signed_data = cms.ContentInfo.load((folder / "manifest.json.p7s").read_bytes())
        status = asyncio.run(async_validate_detached_cms(
            (folder / "manifest.json").read_bytes(), signed_data["content"],
            signer_validation_context=ValidationContext(trust_roots=[authority],
                                                        allow_fetching=False)))
        assert status.bottom_line, status.summary()


def test_signed_pdfs_pass_pdf_ua_1_and_pdf_a_3u(released, keys):
    assert all(validated(path, keys) for path in released_pdfs(released))
    found = {path.name: failures(path, "ua1") + misread(path)
             for path in released_pdfs(released)}
    found.update({f"pdfa/{path.name}": failures(path, "3u") + misread(path)
                  for path in released_pdfs(released, "build-pdfa")})
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_without_a_key_released_pdfs_are_unsigned_and_the_build_says_so_once(released):
    warnings = [line for line in released.unsigned_run.stderr.splitlines()
                if line.startswith("warning:")]
    assert len(warnings) == 1 and "1 released brief (test-statement)" in warnings[0], warnings
    assert "signing_key" in warnings[0]
    for path, data in released.unsigned_pdfs.items():
        assert b"/ByteRange" not in data, path
    assert not any("warning:" in run.stderr and "signature" in run.stderr
                   for run in released.runs)


def test_two_builds_in_different_folders_give_identical_signed_bytes(released, keys,
                                                                    tmp_path):
    copy = one_brief_project(tmp_path)
    shutil.rmtree(copy.content)
    shutil.copytree(released.content, copy.content)  # with the release record and archive
    result = build(copy, *signing_config(keys))
    assert result.returncode == 0, result.stderr
    for path in [*released_pdfs(released), released.root / "build" / "manifest.json.p7s"]:
        relative = path.relative_to(released.root)
        assert path.suffix == ".p7s" or validated(path, keys), relative
        assert (copy.root / relative).read_bytes() == path.read_bytes(), relative


def test_the_key_and_its_passphrase_are_in_no_output_log_or_cache(released, keys):
    assert all(validated(path, keys) for path in released_pdfs(released))  # the key was used
    written = [path for path in released.root.rglob("*") if path.is_file()
               and path.parts[len(released.root.parts)] in ("build", "build-pdfa", ".cache",
                                                            ".snakemake", "content")]
    assert any(path.suffix == ".log" for path in written)
    runs = "".join(run.stdout + run.stderr for run in [released.unsigned_run, *released.runs])
    places = {str(path.relative_to(released.root)): path.read_bytes() for path in written}
    places["the runs' output"] = runs.encode()
    secrets = keys["secrets"]
    needles = {"passphrase": [secrets["passphrase"]], "DER": [secrets["DER"]],
               "traditional DER": [secrets["traditional DER"]],
               "private exponent": [secrets["private exponent"]],
               "PEM body": secrets["PEM body"],
               "encrypted PEM body": secrets["encrypted PEM body"]}
    found = [f"{what} in {place}" for place, data in places.items()
             for what, pieces in needles.items() if any(piece in data for piece in pieces)]
    assert found == []
    # nor where the organisation keeps them (of its certificate, only the fingerprint),
    # but in Snakemake's own log of the command that named them
    paths = [str(keys["folder"]).encode(), keys["key"].name.encode()]
    kept = [place for place, data in places.items() if any(path in data for path in paths)
            and not place.startswith(".snakemake/log/") and place != "the runs' output"]
    assert kept == []


def test_a_wrong_passphrase_is_a_clear_error_and_keeps_what_was_built(released, keys,
                                                                     tmp_path):
    copy = one_brief_project(tmp_path)
    for folder in ("content", "build"):
        shutil.rmtree(copy.root / folder, ignore_errors=True)
        shutil.copytree(released.root / folder, copy.root / folder)
    before = {path: path.read_bytes() for path in (copy.root / "build").rglob("*")
              if path.is_file()}
    for passphrase in ("wrong passphrase", None):
        result = build(copy, "-F", *signing_config(keys), passphrase=passphrase)
        assert result.returncode != 0
        assert "BRIEFS_SIGNING_PASSPHRASE" in result.stderr and "What to do:" in result.stderr
        assert "Traceback" not in result.stderr and "Nothing was built." in result.stderr
        if passphrase:
            assert passphrase not in result.stdout + result.stderr
        after = {path: path.read_bytes() for path in (copy.root / "build").rglob("*")
                 if path.is_file()}
        assert after == before


@pytest.fixture(scope="module")
def sent(released, tmp_path_factory):
    """A copy of the released project and what it sent, for verify to check."""
    folder = tmp_path_factory.mktemp("sent")
    copy = one_brief_project(folder)
    for name in ("content", "build"):
        shutil.rmtree(copy.root / name, ignore_errors=True)
        shutil.copytree(released.root / name, copy.root / name)
    return copy


def verify(project, keys):
    return briefs(project, "verify", str(project.root / "build" / "manifest.json"),
                  "--certificate", str(keys["certificate"]))


def test_verify_rebuilds_without_the_key_and_finds_every_signature_valid(sent, keys):
    result = verify(sent, keys)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SIGNATURE" not in result.stdout
    assert re.search(r"The manifest and its 4 released PDFs are signed", result.stdout)
    assert re.search(r"(\d+) of \1 outputs rebuilt byte for byte", result.stdout)


@pytest.mark.parametrize("name", [f"{BRIEF}/{BRIEF}.ru.pdf", f"{BRIEF}/v1/{BRIEF}.en.pdf"])
def test_verify_names_a_pdf_changed_after_signing(sent, keys, name, tmp_path):
    path = sent.root / "build" / name
    original = path.read_bytes()
    try:
        changed = bytearray(original)
        at = changed.index(b"Free") if b"Free" in changed else len(changed) // 3
        changed[at] ^= 0x01
        path.write_bytes(bytes(changed))
        result = verify(sent, keys)
    finally:
        path.write_bytes(original)
    assert result.returncode == 1
    assert f"SIGNATURE of {name}: its signature does not match its bytes" in result.stdout
    assert f"CHANGED since the build: {name}" in result.stdout


def test_verify_names_a_pdf_with_something_added_after_signing(sent, keys):
    path = sent.root / "build" / BRIEF / f"{BRIEF}.en.pdf"
    original = path.read_bytes()
    try:
        path.write_bytes(original + b"\n% added after signing\n")
        result = verify(sent, keys)
    finally:
        path.write_bytes(original)
    assert result.returncode == 1
    assert (f"SIGNATURE of {BRIEF}/{BRIEF}.en.pdf: its signature does not cover the whole "
            "file") in result.stdout


def test_verify_names_a_changed_manifest(sent, keys):
    path = sent.root / "build" / "manifest.json"
    original = path.read_bytes()
    try:
        path.write_bytes(original.replace(b'"audience": "public"', b'"audience":  "public"', 1))
        assert path.read_bytes() != original
        result = verify(sent, keys)
    finally:
        path.write_bytes(original)
    assert result.returncode == 1
    assert "SIGNATURE of manifest.json: its signature does not match its bytes" in result.stdout


def test_verify_refuses_a_signature_made_with_another_key(sent, keys, tmp_path):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    stranger = certificate("Someone Else", "Someone Else", other.public_key(), other, 3, False)
    (tmp_path / "other.pem").write_bytes(stranger.public_bytes(serialization.Encoding.PEM))
    result = briefs(sent, "verify", str(sent.root / "build" / "manifest.json"),
                    "--certificate", str(tmp_path / "other.pem"))
    assert result.returncode == 1
    assert ("SIGNATURE of manifest.json: it was signed with another certificate than the "
            "organisation's") in result.stdout
    assert (f"SIGNATURE of {BRIEF}/{BRIEF}.en.pdf: it was signed with another certificate"
            in result.stdout)


def test_the_signature_writes_no_stream_whose_data_ends_in_cr(tmp_path):
    """pyHanko writes LF alone before endstream, and a stream whose data ends in CR is
    measured differently by different readers (docs/architecture.md, "Validated PDFs").
    Line ends after the fixture statement's %%EOF move every offset its signature's revision
    lists, so one count of them below 256 ends that revision's cross-reference stream in
    CR (0x0D as the low byte of its last offset): signed, the room for its signature grows
    instead."""
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project")
    printed = briefs(project, "brief", BRIEF, "--out", str(tmp_path / "out"))
    assert printed.returncode == 0, printed.stderr
    pdf = (tmp_path / "out" / f"{BRIEF}.en.pdf").read_bytes()
    authority_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issued = certificate("Alpha Rights Centre", "Test CA", key.public_key(), authority_key, 2,
                         False)
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    (tmp_path / "certificate.pem").write_bytes(issued.public_bytes(serialization.Encoding.PEM))
    organisation = read_key(tmp_path / "key.pem", tmp_path / "certificate.pem")
    at = datetime.datetime.fromisoformat(RELEASED_AT)
    for count in range(256):
        padded = pdf + b"\n" * count
        unpadded = _signed(padded, organisation, at, "Signature", 0)
        if b"\r\nendstream" in unpadded[len(padded):]:
            break
    else:
        pytest.fail("no count of line ends gave a stream ending in CR: the test provokes nothing")
    signed = sign_pdf(padded, organisation, at, "Signature")
    assert b"\r\nendstream" not in signed[len(padded):]
    assert room(signed) > room(unpadded)
    assert pdf_problems(signed, fingerprint(issued)) == []


def room(signed):
    """The bytes kept for a signed PDF's signature."""
    [signature] = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    return signature.byte_range[2] - signature.byte_range[1]


def test_a_key_inside_the_project_or_missing_is_refused_naming_the_setting(keys, tmp_path):
    project = one_brief_project(tmp_path)
    inside = project.root / "signing"
    inside.mkdir()
    shutil.copy(keys["key"], inside / "key.pem")
    for key, reason in ((inside / "key.pem", "the signing key is inside the project's folder"),
                        (tmp_path.parent / "no-such-key.pem", "cannot be read")):
        result = build(project, "--config", f"signing_key={key}",
                       f"signing_certificate={keys['certificate']}")
        assert result.returncode != 0
        assert reason in result.stderr and "field 'signing_key'" in result.stderr
        assert "What to do:" in result.stderr and "Traceback" not in result.stderr
        assert not (project.root / "build").exists()
