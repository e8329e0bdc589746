"""The monthly report: on the first of each month (Celery beat, ``reports.tasks``) each
operations office gets the previous month's statistics of its ports as a PDF, and its HQ staff
are told where to read it. Made the same way as a report asked for on ``/statistics/``
(``reports.documents``): a ``Document`` the core's worker renders. Running twice makes one
report per office and month."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.urls import reverse

from poe_ops.dispatch import send_on_commit
from poe_ops.models import Document, NotificationKind, OperationsOffice
from poe_ops.services.audit import log_action
from poe_ops.services.notifications import notify
from reports.documents import STATISTICS_REPORT, report_spec
from reports.queries.periods import Period, month_of

# Who "asks" for what the schedule makes: an account nobody can sign in to.
SCHEDULE_USERNAME = "poe-ops.schedule"


def schedule_user() -> AbstractBaseUser:
    user, created = get_user_model().objects.get_or_create(
        username=SCHEDULE_USERNAME, defaults={"first_name": "POE Ops", "last_name": "schedule"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def previous_month(today: dt.date) -> Period:
    return month_of(today.replace(day=1) - dt.timedelta(days=1))


def make_office_report(office: OperationsOffice, period: Period) -> Document | None:
    """The office's report of ``period`` (made once; None for an office without ports), its
    rendering queued after the commit and its HQ told."""
    from poe_ops.tasks import render_document

    ports = list(office.ports.order_by("iata"))
    if not ports:
        return None
    spec = report_spec(ports, period)
    with transaction.atomic():
        OperationsOffice.objects.select_for_update().filter(pk=office.pk).first()
        existing = (
            Document.objects.filter(kind=STATISTICS_REPORT, object_id=spec)
            .exclude(status=Document.Status.FAILED)
            .first()
        )
        if existing is not None:
            return existing
        iatas = ", ".join(p.iata for p in ports)
        document = Document.objects.create(
            kind=STATISTICS_REPORT,
            port=ports[0],
            object_id=spec,
            subject=f"{office.name} · {period.label} ({iatas})",
            requested_by=schedule_user(),  # type: ignore[misc]
        )
        log_action(
            None,
            "poe.document.requested",
            document,
            port=ports[0],
            data={"kind": STATISTICS_REPORT, "office": office.code, "period": period.slug},
        )
        notify(
            NotificationKind.REPORT,
            ports[0],
            document,
            f"{office.code} monthly report: {period.label}",
            {
                "summary": f"The statistics of {period.label} at {iatas} are ready to read.",
                "details": [["Period", period.label], ["Ports", iatas]],
                "path": reverse("document", args=[document.pk]),
            },
            dedupe_key=f"monthly-report:{spec}",
            restricted=True,
        )
        send_on_commit(render_document, document.pk)
    return document


def make_monthly_reports(today: dt.date) -> list[Document]:
    """Each office's report of the month before ``today``."""
    period = previous_month(today)
    made = [make_office_report(office, period) for office in OperationsOffice.objects.all()]
    return [document for document in made if document is not None]
