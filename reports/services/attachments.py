"""Photos and scans on incident reports: what is accepted (by the file's first bytes, not its
name), how big, and where it is kept (the private default storage, like generated PDFs)."""

from __future__ import annotations

import uuid

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import get_valid_filename

from poe_ops.roles import OPERATE
from poe_ops.scoping import require_port_perm
from poe_ops.services.audit import log_action
from reports.models import IncidentAttachment, IncidentReport

User = AbstractBaseUser | AnonymousUser

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_REPORT = 20
ACCEPTED = "JPEG or PNG photos, PDF scans, or HEIC photos from an iPhone or iPad"
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/pdf": ".pdf",
    "image/heic": ".heic",
}
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


def sniff(head: bytes) -> str | None:
    """The content type the file's first bytes show, or ``None`` for anything we do not take."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "image/heic"
    return None


def check_upload(upload: UploadedFile) -> str:
    """The accepted file's content type; ``ValidationError`` saying what is wrong otherwise."""
    name = upload.name or "the file"
    size = upload.size or 0
    if size == 0:
        raise ValidationError(f"“{name}” is empty; nothing was added.")
    if size > MAX_BYTES:
        raise ValidationError(
            f"“{name}” is {size / 1024 / 1024:.1f} MB; files can be at most "
            f"{MAX_BYTES // 1024 // 1024} MB. Nothing was added — take a smaller photo "
            "or scan fewer pages."
        )
    upload.seek(0)
    content_type = sniff(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise ValidationError(
            f"“{name}” is not a photo or scan POE Ops accepts ({ACCEPTED}); nothing was added."
        )
    return content_type


def stored_name(original: str, content_type: str) -> str:
    """The file's name on disk: the uploaded name made safe, with the extension its content
    shows. A name with nothing safe left (".png", "!!!.jpg", "؟؟.png") is stored under a
    generated one; the original name is still what the report shows."""
    try:
        stem = get_valid_filename(original.rsplit(".", 1)[0])[:80]
    except SuspiciousFileOperation:  # Django refuses a name that reduces to nothing
        stem = ""
    if not stem.strip("._-"):
        stem = f"attachment-{uuid.uuid4().hex[:8]}"
    return f"{stem}{EXTENSIONS[content_type]}"


def add_attachment(user: User, report: IncidentReport, upload: UploadedFile) -> IncidentAttachment:
    """The author adds a photo or scan while the report can still be changed."""
    if not user.is_authenticated or user.pk != report.author_id:
        raise PermissionDenied("Only the person who wrote this report can add photos or scans.")
    require_port_perm(user, report.port, OPERATE)
    if not report.is_editable:
        raise ValidationError("This report has been submitted; photos can no longer be added.")
    content_type = check_upload(upload)
    if report.attachments.count() >= MAX_PER_REPORT:
        raise ValidationError(f"A report can have at most {MAX_PER_REPORT} photos or scans.")
    original = (upload.name or "attachment")[:200]
    assert isinstance(user, AbstractBaseUser)
    attachment = IncidentAttachment(  # type: ignore[misc]
        report=report,
        original_name=original,
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=user,
    )
    attachment.file.save(stored_name(original, content_type), upload, save=False)
    try:
        with transaction.atomic():
            attachment.save()
            log_action(
                user,
                "poe.incident.attachment_added",
                report,
                port=report.port,
                data={"name": original, "type": content_type, "size": attachment.size},
            )
    except BaseException:
        attachment.file.delete(save=False)  # no row, no file
        raise
    return attachment
