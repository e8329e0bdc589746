"""Photos and scans on incident reports, added by the report's author while it can change. What
is accepted and how it is stored is ``poe_ops.uploads`` (shared with credential scans)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from poe_ops.roles import OPERATE
from poe_ops.scoping import require_port_perm
from poe_ops.services.audit import log_action
from poe_ops.uploads import EXTENSIONS, MAX_BYTES, check_upload, stored_name
from reports.models import IncidentAttachment, IncidentReport

__all__ = ["EXTENSIONS", "MAX_BYTES", "MAX_PER_REPORT", "add_attachment", "check_upload"]

User = AbstractBaseUser | AnonymousUser

MAX_PER_REPORT = 20


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
