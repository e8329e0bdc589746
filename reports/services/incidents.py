"""Incident reports: the services that write them.

Who sees a report, reads its medical details and decides it is one rule in
``reports.queries.incidents`` (``visibility``): protection/PSEA reports go to the protection
focal points of the port's office instead of the port's officers, and staff a report names never
see it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.services.agency_messages import tell_agency
from poe_ops.keys import once
from poe_ops.models import AuditEvent, NotificationKind, Port, ReviewStatus
from poe_ops.refusals import Conflict, Refusal
from poe_ops.roles import OPERATE
from poe_ops.scoping import require_port_perm
from poe_ops.services import review
from poe_ops.services.audit import changed_fields, log_action
from poe_ops.services.notifications import notify
from poe_ops.text import display_name
from reports.models import (
    IncidentCategory,
    IncidentReport,
    IncidentSeverity,
)
from reports.queries.incidents import may_decide, protection_focal_points

User = AbstractBaseUser | AnonymousUser

# What a draft holds, in the order the audit and the form list them.
FIELDS = (
    "occurred_at",
    "flight",
    "case",
    "individuals",
    "staff_concerned",
    "category",
    "severity",
    "narrative",
    "actions_taken",
    "follow_up_needed",
)
ALERT_SEVERITIES = frozenset({IncidentSeverity.HIGH, IncidentSeverity.CRITICAL})


# --- Who sees what ---------------------------------------------------------------------------


# --- Drafts ----------------------------------------------------------------------------------


MANY = ("individuals", "staff_concerned")


def _state(report: IncidentReport) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(report, name) for name in FIELDS if name not in MANY}
    values["flight"], values["case"] = report.flight_id, report.case_id
    for name in MANY:
        related = getattr(report, name)
        values[name] = sorted(related.values_list("pk", flat=True)) if report.pk else []
    return values


def _apply(report: IncidentReport, data: Mapping[str, Any]) -> None:
    for name, value in data.items():
        if name not in FIELDS or name in MANY:
            continue
        setattr(report, name, value)


def _set_many(report: IncidentReport, data: Mapping[str, Any]) -> None:
    for name in MANY:
        if name in data:
            getattr(report, name).set(data[name] or [])


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
    staff = list(data.get("staff_concerned") or [])
    if staff:
        at_port = set(
            staff_of(port).filter(pk__in=[s.pk for s in staff]).values_list("pk", flat=True)
        )
        strangers = [display_name(s) for s in staff if s.pk not in at_port]
        if strangers:
            raise ValidationError(
                {"staff_concerned": f"Not staff of {port.iata}: {', '.join(strangers)}."}
            )


def staff_of(port: Port) -> models.QuerySet[Any]:
    """Everyone who works at ``port`` (holds a permission there themselves): whom a report may
    name as the staff it is about."""
    from django.contrib.auth import get_user_model
    from guardian.models import UserObjectPermission

    holders = UserObjectPermission.objects.filter(
        object_pk=str(port.pk), content_type__app_label="poe_ops", content_type__model="port"
    ).values("user_id")
    return (
        get_user_model()
        .objects.filter(pk__in=holders, is_active=True)
        .order_by("first_name", "last_name", "username")
    )


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

    if any(s.pk == user.pk for s in data.get("staff_concerned") or []):
        raise ValidationError(
            {"staff_concerned": "You cannot name yourself; a report is about someone else."}
        )

    def created(report: IncidentReport) -> None:
        _set_many(report, data)
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
        if any(s.pk == user.pk for s in data.get("staff_concerned") or []):
            raise ValidationError(
                {"staff_concerned": "You cannot name yourself; a report is about someone else."}
            )
        before = _state(locked)
        _apply(locked, data)
        _set_many(locked, data)
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


def _alert_protection_focal_points(report: IncidentReport, details: list[list[str]]) -> None:
    """Every protection/PSEA report, whatever its severity, goes to the protection focal points
    of the port's office, each by name; not to the office's list, not to the port. An office
    with none is told (without the report) that one must be named."""
    label = report.get_category_display()
    focal_points = list(protection_focal_points(report))
    for person in focal_points:
        notify(
            NotificationKind.INCIDENT,
            report.port,
            report,
            f"{report.port.iata} protection report for you: {label}",
            {
                "summary": f"A protection/PSEA report was filed at {report.port.iata} and "
                f"awaits you as protection focal point; incident report {report}.",
                "details": details,
                "path": _path(report),
            },
            dedupe_key=f"incident:{report.pk}:protection:{person.pk}",
            recipient=person,
            restricted=True,
        )
    if not focal_points:
        _ask_hq_to_name_a_focal_point(report)


def _ask_hq_to_name_a_focal_point(report: IncidentReport) -> None:
    """An office with no protection focal point: its HQ staff are told, each by name, that one
    must be named — that a report waits, not what it says (the port's officers are not told)."""
    from django.contrib.auth import get_user_model

    office = report.port.office
    hq = get_user_model().objects.filter(groups__name=office.hq_group_name, is_active=True)
    for person in hq.order_by("pk"):
        notify(
            NotificationKind.INCIDENT,
            report.port,
            None,
            f"{report.port.iata}: a protection report awaits a protection focal point",
            {
                "summary": f"A protection/PSEA report was filed at {report.port.iata}, but "
                f"{office.name} has no protection focal point to receive it. An administrator "
                f"must add someone to the group “{office.protection_group_name}”; they will "
                "then see it.",
                "details": [["Port", report.port.iata]],
                "path": "",
            },
            dedupe_key=f"incident:{report.pk}:protection:unrouted:{person.pk}",
            recipient=person,
            restricted=True,
        )


def _alert_office(report: IncidentReport) -> None:
    """High and critical incidents and every medical emergency reach the office at once;
    protection/PSEA reports reach the office's protection focal points instead."""
    if report.is_protection:
        details = [["Port", report.port.iata], ["Severity", report.get_severity_display()]]
        _alert_protection_focal_points(report, details)
        return
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


def _ensure_may_decide(actor: User, record: Any) -> None:
    if not may_decide(actor, record):
        who = (
            "the protection focal points of this office"
            if record.is_protection
            else "an officer of this port"
        )
        if actor.is_authenticated and actor.pk == record.author_id:
            raise PermissionDenied("You cannot approve your own submission; another officer must.")
        raise PermissionDenied(f"Only {who} can decide this report.")


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
    """An officer of the port — or a senior associate acting as officer there — (for a
    protection/PSEA report: a protection focal point of the port's office) approves the report
    or returns it with a comment; the reporter is told either way. Refusals as
    ``poe_ops.services.review.decide``; a high-severity report is approved only by someone who
    has opened it since it was (re)submitted."""
    _ensure_may_decide(actor, report)  # a 403 before any word on it
    if approve and report.must_be_read_first and not _opened_since_submitted(actor, report):
        raise Refusal(
            f"Incident report {report} is {report.get_severity_display().lower()} severity: "
            "open it and read it before approving. Nothing was changed.",
            code="read_first",
        )
    with transaction.atomic():
        # A protection report is the focal points' (its own check); any other goes through the
        # port's approvers, so an acting officer's decision records whom they acted for.
        decided = review.decide(
            actor,
            report,
            approve=approve,
            comment=comment,
            check=_ensure_may_decide if report.is_protection else None,
        )
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
