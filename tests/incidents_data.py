"""Incident reports for tests: built through the services, as an associate would file them."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from poe_ops.models import Port
from poe_ops.roles import Role, assign_port_role
from reports.models import IncidentAttachment, IncidentReport
from reports.services import attachments, incidents
from tests.factories import make_user

_numbers = itertools.count(1)

# The smallest files whose first bytes are what they claim.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"\x00" * 64


def complete(**overrides: Any) -> dict[str, Any]:
    """What a report needs before it can be submitted."""
    data: dict[str, Any] = {
        "occurred_at": timezone.now() - dt.timedelta(minutes=30),
        "category": "lost_luggage",
        "severity": "low",
        "narrative": "One suitcase did not arrive on the belt.",
        "actions_taken": "Filed a property irregularity report with the airline.",
    }
    data.update(overrides)
    return data


def reporter_at(port: Port, name: str = "") -> Any:
    user = make_user(name or f"{port.iata.lower()}.reporter{next(_numbers)}")
    assign_port_role(user, port, Role.ASSOCIATE)
    return user


def draft_incident(port: Port, author: Any = None, **data: Any) -> IncidentReport:
    return incidents.create_draft(author or reporter_at(port), port, complete(**data))


def submitted_incident(port: Port, author: Any = None, **data: Any) -> IncidentReport:
    report = draft_incident(port, author, **data)
    return incidents.submit_incident(report.author, report)


def attachment_on(report: IncidentReport, content: bytes = PNG) -> IncidentAttachment:
    """Attachments go on while the report is editable; added directly on a submitted one."""
    upload = SimpleUploadedFile("photo.png", content, content_type="image/png")
    if report.is_editable:
        return attachments.add_attachment(report.author, report, upload)
    found = IncidentAttachment(
        report=report,
        original_name="photo.png",
        content_type=attachments.check_upload(upload),
        size=len(content),
        uploaded_by=report.author,
    )
    found.file.save("photo.png", upload, save=True)
    return found
