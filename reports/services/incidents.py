"""Incident reports: who may see them, and the services that write them.

Every view, the approvals inbox, the PDF and the attachments find incident reports through
``visible_incidents`` — the one place that says who sees what:

- the port's staff (``view_port``) see its submitted, returned and approved reports;
- a draft is its author's alone until it is submitted;
- protection/PSEA and unaccompanied-minor concerns are seen only by their reporter, the port's
  officers (``supervise_port``) and the Operations HQ office the port reports to.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.services.agency_messages import tell_agency
from poe_ops.keys import once
from poe_ops.models import AuditEvent, NotificationKind, Port, ReviewStatus
from poe_ops.refusals import Conflict, Refusal
from poe_ops.roles import OPERATE
from poe_ops.scoping import ensure_may_approve, require_port_perm
from poe_ops.services import review
from poe_ops.services.audit import changed_fields, log_action
from poe_ops.services.notifications import notify
from reports.models import (
    IncidentCategory,
    IncidentReport,
    IncidentSeverity,
)

User = AbstractBaseUser | AnonymousUser

# What a draft holds, in the order the audit and the form list them.
FIELDS = (
    "occurred_at",
    "flight",
    "case",
    "individuals",
    "category",
    "severity",
    "narrative",
    "actions_taken",
    "follow_up_needed",
)
ALERT_SEVERITIES = frozenset({IncidentSeverity.HIGH, IncidentSeverity.CRITICAL})


# --- Who sees what ---------------------------------------------------------------------------


# --- Drafts ----------------------------------------------------------------------------------


def _state(report: IncidentReport) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: getattr(report, name) for name in FIELDS if name != "individuals"
    }
    values["flight"], values["case"] = report.flight_id, report.case_id
    values["individuals"] = (
        sorted(report.individuals.values_list("pk", flat=True)) if report.pk else []
    )
    return values


def _apply(report: IncidentReport, data: Mapping[str, Any]) -> None:
    for name, value in data.items():
        if name not in FIELDS or name == "individuals":
            continue
        setattr(report, name, value)


def _check_links(port: Port, data: Mapping[str, Any]) -> None:
    """Flights, cases and people must belong to the report's port (the form checks too; this
    is the service refusing what a crafted request might send)."""
    flight, case = data.get("flight"), data.get("case")
    if flight is not None and flight.port_id != port.pk:
        raise ValidationError({"flight": f"That flight is not handled at {port.iata}."})
    if case is not None and case.port_id != port.pk:
        raise ValidationError({"case": f"Case {case.case_number} is not at {port.iata}."})
    for person in data.get("individuals") or []:
        if person.case.port_id != port.pk:
            raise ValidationError({"individuals": f"{person} is not on a case at {port.iata}."})


def create_draft(
    user: User, port: Port, data: Mapping[str, Any], *, draft_key: uuid.UUID | None = None
) -> IncidentReport:
    """A new draft by ``user`` at ``port``. With ``draft_key`` (the form's), a second call with
    the same key — a retried autosave — updates that draft instead of making another."""
    require_port_perm(user, port, OPERATE)
    assert isinstance(user, AbstractBaseUser)
    _check_links(port, data)
    report = IncidentReport(port=port, author=user)  # type: ignore[misc]
    if draft_key is not None:
        report.draft_key = draft_key
    _apply(report, data)

    def created(report: IncidentReport) -> None:
        if data.get("individuals"):
            report.individuals.set(data["individuals"])
        log_action(
            user,
            "poe.incident.created",
            report,
            port=port,
            changes=changed_fields({}, {k: v for k, v in _state(report).items() if v}),
        )

    with transaction.atomic():
        saved = once(report, created, key_field="draft_key")
    if saved.repeated:  # a retried (or racing) first autosave: the draft exists, update it
        return update_draft(user, saved.obj, data)
    return saved.obj


def update_draft(user: User, report: IncidentReport, data: Mapping[str, Any]) -> IncidentReport:
    """The author changes their draft (or returned report): one audit event with the changed
    fields only, none when nothing changed (an autosave of the same text)."""
    if not user.is_authenticated or user.pk != report.author_id:
        raise PermissionDenied("Only the person who wrote this report can change it.")
    require_port_perm(user, report.port, OPERATE)
    _check_links(report.port, data)
    with transaction.atomic():
        locked = (
            IncidentReport.objects.select_for_update(of=("self",))
            .select_related("port")
            .get(pk=report.pk)
        )
        if not locked.is_editable:
            status = ReviewStatus(locked.status).label.lower()
            raise Conflict(f"Incident report {locked} is {status}; changes here were not saved.")
        before = _state(locked)
        _apply(locked, data)
        if "individuals" in data:
            locked.individuals.set(data["individuals"] or [])
        after = _state(locked)
        changes = changed_fields(before, after)
        if changes:
            locked.save()
            log_action(user, "poe.incident.updated", locked, port=locked.port, changes=changes)
    return locked


# --- Submitting and deciding -----------------------------------------------------------------


def _missing(report: IncidentReport) -> dict[str, str]:
    errors = {}
    if not report.occurred_at:
        errors["occurred_at"] = "Say when it happened."
    elif report.occurred_at > timezone.now() + dt.timedelta(minutes=10):
        errors["occurred_at"] = "The time it happened is in the future; check the date and time."
    if not report.category:
        errors["category"] = "Choose what kind of incident this is."
    if not report.severity:
        errors["severity"] = "Choose how serious it is."
    if not report.narrative.strip():
        errors["narrative"] = "Describe what happened."
    return errors


def _path(report: IncidentReport) -> str:
    return reverse("reports:incident", args=[report.pk])


def _alert_office(report: IncidentReport) -> None:
    """High and critical incidents and every medical emergency reach the office at once."""
    if report.severity not in ALERT_SEVERITIES and report.category != IncidentCategory.MEDICAL:
        return
    label = report.get_category_display()
    severity = report.get_severity_display()
    details = [["Port", report.port.iata], ["Category", label], ["Severity", severity]]
    if report.occurred_at:
        local = timezone.localtime(report.occurred_at, report.port.zone)
        details.append(["When", f"{local:%a %d %b %H:%M} ({report.port.iata} local time)"])
    if report.flight_id and not report.is_sensitive:
        details.append(["Flight", str(report.flight)])
    details.append(["Reported by", report.author.get_full_name() or report.author.get_username()])
    notify(
        NotificationKind.INCIDENT,
        report.port,
        report,
        f"{report.port.iata} {severity.lower()} incident: {label}",
        {
            "summary": f"A {severity.lower()} incident ({label}) was reported at "
            f"{report.port.iata}; incident report {report}.",
            "details": details,
            "path": _path(report),
        },
        # Once per report: a resubmission after a return does not alarm the office again.
        dedupe_key=f"incident:{report.pk}:alert",
        restricted=report.is_sensitive,
    )


def submit_incident(user: User, report: IncidentReport) -> IncidentReport:
    """The author sends the report to the port's officers. Refused with a ``ValidationError``
    naming each missing field; a second submit of the same report raises ``Conflict``
    and records nothing."""
    if not user.is_authenticated or user.pk != report.author_id:
        raise PermissionDenied("Only the person who wrote this report can submit it.")
    require_port_perm(user, report.port, OPERATE)
    with transaction.atomic():
        locked = (
            IncidentReport.objects.select_for_update(of=("self",))
            .select_related("port", "author", "flight")
            .get(pk=report.pk)
        )
        if locked.is_editable:
            errors = _missing(locked)
            if errors:
                raise ValidationError(errors)
        review.submit(user, locked)
        _alert_office(locked)
    return locked


OPENED = "poe.incident.opened_to_decide"


def note_opened(user: User, report: IncidentReport) -> None:
    """Record that ``user``, who may decide ``report``, has opened it: a high-severity report
    can be approved only by someone who has (``decide_incident``)."""
    log_action(user, OPENED, report, port=report.port)


def read_first(report: IncidentReport) -> str:
    """Why the inbox must not offer Approve on ``report`` ("" when it may)."""
    if not report.must_be_read_first:
        return ""
    return f"{report.get_severity_display()} severity: read the report before approving it."


def _opened_since_submitted(user: User, report: IncidentReport) -> bool:
    events = AuditEvent.objects.for_object(report).filter(actor_id=user.pk, action=OPENED)
    if report.submitted_at is not None:
        events = events.filter(at__gte=report.submitted_at)
    return events.exists()


def decide_incident(
    actor: User, report: IncidentReport, *, approve: bool, comment: str = ""
) -> IncidentReport:
    """An officer of the port approves the report or returns it with a comment; the reporter
    is told either way. Refusals as ``poe_ops.services.review.decide``; a high-severity report
    is approved only by someone who has opened it since it was (re)submitted."""
    ensure_may_approve(actor, report.port, report.author)  # a 403 before any word on it
    if approve and report.must_be_read_first and not _opened_since_submitted(actor, report):
        raise Refusal(
            f"Incident report {report} is {report.get_severity_display().lower()} severity: "
            "open it and read it before approving. Nothing was changed.",
            code="read_first",
        )
    with transaction.atomic():
        decided = review.decide(actor, report, approve=approve, comment=comment)
        assert isinstance(decided, IncidentReport)
        category = decided.get_category_display() or "no category"
        review.tell_author(
            decided,
            actor,
            what=f"incident report {decided} ({category})",
            path=_path(decided),
            restricted=decided.is_sensitive,
        )
        if approve:
            _tell_agencies(decided)
    return decided


def _tell_agencies(report: IncidentReport) -> None:
    """Each case the approved report involves tells its agency office: when, which of its
    people, and the kind of incident — never the narrative, never another case, and for a
    protection or minor concern not even the kind (the officer follows up in person)."""
    people = list(report.individuals.select_related("case"))
    cases: dict[int, Case] = {p.case_id: p.case for p in people}
    if report.case is not None:
        cases.setdefault(report.case_id, report.case)  # type: ignore[arg-type]
    port = report.port
    when = (
        f"{timezone.localtime(report.occurred_at, port.zone):%a %d %b %H:%M} {port.iata} time"
        if report.occurred_at
        else "—"
    )
    for case_id, case in sorted(cases.items()):
        theirs = [str(p) for p in people if p.case_id == case_id]
        details = [("When", when)]
        if theirs:
            details.append(("People involved", ", ".join(theirs)))
        if report.is_sensitive:
            summary = (
                f"An incident involving case {case.case_number} was recorded at {port.iata}. "
                "The POE officer will contact you about it directly."
            )
        else:
            details.insert(0, ("Kind", report.get_category_display()))
            summary = (
                f"An incident involving case {case.case_number} was recorded at {port.iata}: "
                f"{report.get_category_display().lower()}."
            )
        tell_agency(
            case,
            "incident report",
            summary,
            details,
            dedupe_key=f"incident:{report.pk}:{case_id}",
        )


def decide_for_inbox(actor: Any, record: Any, approve: bool, comment: str) -> IncidentReport:
    """The ``ApprovalSource.decide`` contract for the officers' inbox."""
    return decide_incident(actor, record, approve=approve, comment=comment)
