"""Released PDFs signed by the organisation that publishes them, the manifest signed
beside them, and both checked (`briefs verify`).

A released PDF gets a PAdES signature (pyHanko) in an incremental update: the signed file
is the PDF as printed, byte for byte, followed by one revision that holds the signature.
Everything in that revision comes from the PDF and its release: the signing time is the
release's, the trailer's second ID is made from the PDF's bytes and that time, the
document's metadata is left as printed, and an RSA PKCS#1 v1.5 signature is
deterministic; so a signed PDF is the same bytes at every build. The key comes from
briefs.publish.keys and goes into no file the build writes.

pyHanko takes a second and more to import: the build imports this module only where a
released PDF is published (briefs.workflow.driver).
"""

import asyncio
import hashlib
import io
from pathlib import Path

from asn1crypto import cms
from pyhanko.keys.internal import (translate_pyca_cryptography_cert_to_asn1,
                                   translate_pyca_cryptography_key_to_asn1)
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from briefs import i18n

FIELD = "Signature"  # the name of the signature's form field
DIGEST = "sha256"


class _ReleaseRevision(IncrementalPdfFileWriter):
    """pyHanko's incremental update, with nothing taken from the clock or chance: the
    trailer's second ID is made from the PDF and its release, and the document's
    metadata is left as printed (pyHanko would date its modification now, in the
    machine's time zone)."""

    def __init__(self, pdf, released_at):
        super().__init__(io.BytesIO(pdf))
        second = hashlib.sha256(pdf + released_at.isoformat().encode()).digest()[:16]
        self._document_id = generic.ArrayObject([self._document_id[0],
                                                 generic.ByteStringObject(second)])

    def _update_meta(self):
        pass


def released_pdf(pdf, released_at, description, key=None, sent=None):
    """A released version's PDF as it is published: signed with key; without a key, as it
    was sent if the file sent holds it signed (verify's rebuild); else as printed."""
    if key is not None:
        return sign_pdf(pdf, key, released_at, description)
    return reattach(pdf, sent) if sent else pdf


def description(organisation, lang):
    """What the signature's field is called for assistive technology, in the language
    of the edition."""
    _ = i18n.translations(lang).gettext
    name = organisation.name.get(lang) or organisation.name["en"]
    return _("Digital signature of %(organisation)s") % {"organisation": name}


def sign_pdf(pdf, key, released_at, description):
    """The PDF signed by key at the time it was released (an aware datetime), in a field
    described for assistive technology by description.

    Like the printed PDF (briefs.pdf_tags.end_stream), the signature's revision holds no
    stream whose data ends in CR, which readers measure differently: pyHanko writes LF
    alone before endstream. Where its cross-reference stream's data would end so, the room
    kept for the signature grows by a byte, which moves what that stream lists."""
    attempts = (_signed(pdf, key, released_at, description, padding)
                for padding in range(0, 64, 2))
    return next(signed for signed in attempts if b"\r\nendstream" not in signed[len(pdf):])


def _signed(pdf, key, released_at, description, padding):
    """The PDF signed, with padding more hexadecimal digits of room for the signature."""
    writer = _ReleaseRevision(pdf, released_at)
    fields.append_signature_field(writer, fields.SigFieldSpec(
        FIELD, readable_field_name=description))
    _tag_field(writer)
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name=FIELD, md_algorithm=DIGEST,
                                     subfilter=fields.SigSeedSubFilter.PADES),
        signer=_signer(key))
    return asyncio.run(_sign(pdf_signer, writer, released_at, padding)).getvalue()


async def _sign(pdf_signer, writer, released_at, padding):
    """pyHanko's PdfSigner.async_sign_pdf, step by step, with the release's time as the
    signing time where pyHanko would take the clock's."""
    session = pdf_signer.init_signing_session(writer, existing_fields_only=True)
    session.system_time = released_at
    reserved = await session.estimate_signature_container_size(None) + padding
    document = session.prepare_tbs_document(validation_info=None, bytes_reserved=reserved)
    digest, output = document.digest_tbs_document()
    signed = await document.perform_signature(
        document_digest=digest.document_digest,
        pdf_cms_signed_attrs=PdfCMSSignedAttributes(signing_time=released_at))
    await signed.post_signature_processing(output)
    return output


def _tag_field(writer):
    """Put the signature's widget into the structure tree as a Form element at the end of
    the document, as PDF/UA asks of every widget (PDF/A forbids hiding it instead)."""
    root = writer.root
    if "/StructTreeRoot" not in root:
        return
    [(_, _, field_ref)] = fields.enumerate_sig_fields(writer, with_name=FIELD)
    widget = field_ref.get_object()
    page = widget.raw_get("/P")
    tree = root["/StructTreeRoot"]
    document = tree["/K"].raw_get(0)  # WeasyPrint's one Document element
    numbers = tree["/ParentTree"]["/Nums"]
    key = max(int(numbers[index]) for index in range(0, len(numbers), 2)) + 1
    name = generic.pdf_name
    element = writer.add_object(generic.DictionaryObject({
        name("/Type"): name("/StructElem"), name("/S"): name("/Form"),
        name("/P"): document, name("/Pg"): page,
        name("/K"): generic.DictionaryObject({name("/Type"): name("/OBJR"),
                                              name("/Obj"): field_ref, name("/Pg"): page}),
    }))
    widget[name("/StructParent")] = generic.NumberObject(key)
    numbers += [generic.NumberObject(key), element]
    writer.update_container(numbers)
    kids = document.get_object()["/K"]
    kids.append(element)
    writer.update_container(kids)
    writer.update_container(widget)


def unsigned_part(data):
    """The bytes of a signed PDF before its signature's revision (the PDF as printed), or
    None if it holds no signature."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # a damaged file is not one we signed
        return None
    if not signatures:
        return None
    contents = signatures[-1].byte_range[1]
    end = data.rfind(b"%%EOF", 0, contents)
    if end < 0:
        return None
    end += len(b"%%EOF")
    while data[end:end + 1] in (b"\r", b"\n"):
        end += 1
    return data[:end]


def reattach(pdf, sent):
    """The PDF as sent (a file, signed), if it is this PDF signed; else the PDF. A build
    without the key (verify's rebuild) so makes again the bytes that were sent."""
    path = Path(sent)
    if not path.is_file():
        return pdf
    data = path.read_bytes()
    return data if unsigned_part(data) == pdf else pdf


def pdf_problems(data, fingerprint):
    """What is wrong with a signed PDF's signature, as short phrases; [] if it is valid,
    made with the certificate of this fingerprint (briefs.publish.keys.fingerprint) and
    covers the whole file."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:
        return [f"it cannot be read as a PDF ({error})"]
    if not signatures:
        return ["it holds no signature"]
    problems = []
    for signature in signatures:
        try:
            status = validate_pdf_signature(signature, _own_context(signature.signer_cert))
        except Exception as error:
            problems.append(f"its signature cannot be checked ({error})")
            continue
        if not (status.intact and status.valid):
            problems.append("its signature does not match its bytes: it was changed after "
                            "signing")
        if _fingerprint(status.signing_cert) != fingerprint:
            problems.append("it was signed with another certificate than the organisation's")
        if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            problems.append("its signature does not cover the whole file: something was "
                            "added after signing")
    return problems


def manifest_signature(data, key):
    """A detached CMS signature (DER) of the manifest's bytes, without a signing time, so
    that it is the same bytes for the same manifest."""
    signed = asyncio.run(_signer(key).async_sign_general_data(data, DIGEST, detached=True))
    return signed.dump()


def manifest_problem(data, signature, fingerprint):
    """What is wrong with the manifest's detached signature, or None if it is valid and
    made with the certificate of this fingerprint."""
    try:
        signed_data = cms.ContentInfo.load(signature)["content"]
        signer = signed_data["certificates"][0].chosen
        status = asyncio.run(async_validate_detached_cms(
            data, signed_data, signer_validation_context=_own_context(signer)))
    except Exception as error:
        return f"its signature cannot be read ({error.__class__.__name__})"
    if not (status.intact and status.valid):
        return "its signature does not match its bytes: it was changed after signing"
    if _fingerprint(status.signing_cert) != fingerprint:
        return "it was signed with another certificate than the organisation's"
    return None


def _fingerprint(certificate):
    """briefs.publish.keys.fingerprint of a certificate as pyHanko reads it (asn1crypto)."""
    return hashlib.sha256(certificate.dump()).hexdigest()


def _signer(key):
    """pyHanko's signer of a key (briefs.publish.keys.Key), with RSA PKCS#1 v1.5."""
    certificate = translate_pyca_cryptography_cert_to_asn1(key.certificate)
    return signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=translate_pyca_cryptography_key_to_asn1(key.private),
        cert_registry=SimpleCertificateStore.from_certs([certificate]))


def _own_context(certificate):
    """What pyHanko checks a signature in: the certificate it names trusted as it is.
    Whose certificate it is, is checked apart (against the organisation's); nothing is
    fetched from the network."""
    return ValidationContext(trust_roots=[certificate], allow_fetching=False)
