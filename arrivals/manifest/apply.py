"""Writing a confirmed plan: cases, people and their papers, flights, segments, history, audit,
and what the offices must hear (moves between ports, cancellations).

Called by ``services.manifest_import.confirm_import`` inside its transaction, with a plan just
worked out again under locks and found equal to the preview. Works in bulk — a fixed number of
queries however long the file. Nothing is deleted: a moved case keeps its history, a cancelled
one its people and steps, a replaced segment stays as ``replaced_by`` its successor, a person
left out of a newer version is marked so (``removed_in_version``)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AccountUser
from django.urls import reverse
from django.utils import timezone

from arrivals.manifest.changes import (
    CASE_FIELDS,
    PERSON_FIELDS,
    CaseChange,
    FlightKey,
    Plan,
    case_values,
    person_values,
    same_receiver,
)
from arrivals.manifest.reading import CaseRows, PersonRow
from arrivals.models import Flight, ImportBatch, Segment
from cases.models import (
    AgencyOffice,
    CarriedDocument,
    Case,
    CaseRevision,
    ExpectedReceiver,
    Individual,
    USTie,
)
from poe_ops.models import NotificationKind
from poe_ops.services.audit import log_actions
from poe_ops.services.notifications import notify
from poe_ops.text import fold

User = AbstractBaseUser | AnonymousUser
AuditEntry = tuple[str, Any, Any, Any]


def apply_plan(user: User, plan: Plan, batch: ImportBatch, agencies: dict[str, int]) -> None:
    now = timezone.now()
    audit: list[AuditEntry] = []
    flights = _save_flights(plan, audit)
    _create_cases(plan, agencies, flights, now, audit, batch)
    _update_cases(plan, flights, now, audit, user, batch)
    _save_receivers(plan, now)
    for case in plan.dropped:
        audit.append(
            (
                "poe.case.cancelled",
                case,
                {"status": [case.status, Case.Status.CANCELLED]},
                {"why": "not on this manifest", "import": batch.pk},
            )
        )
        case.status = Case.Status.CANCELLED
        case.updated_at = now
    Case.objects.bulk_update(plan.dropped, ["status", "updated_at"])
    log_actions(user, audit, port=plan.port)
    _notify(plan, batch)


def _offices(rows: Iterable[CaseRows], agency_ids: set[int]) -> dict[tuple[int, str], int]:
    """The active offices the files' local affiliates name: {(agency id, folded name): id}.
    One query, none when no case names one."""
    named = {fold(r.values["local_affiliate"]) for r in rows if r.values["local_affiliate"]}
    if not named or not agency_ids:
        return {}
    found = AgencyOffice.objects.filter(active=True, agency_id__in=agency_ids)
    return {
        (office.agency_id, fold(office.name)): office.pk
        for office in found.only("pk", "agency_id", "name")
        if fold(office.name) in named
    }


def _save_receivers(plan: Plan, now: dt.datetime) -> None:
    """The new and newer-version cases' agency offices (when the local affiliate names one),
    expected receivers and U.S. ties, as the ABN gives them (the preview listed the changes).
    A newer version replaces the expected receiver it gives and adds a U.S. tie not yet known;
    what it leaves out, staff keep. A fixed number of queries."""
    rows_by_number = {r.case_number: r for r in plan.new} | {
        c.number: c.rows for c in plan.changed if c.version_changed
    }
    if not rows_by_number:
        return
    cases = {
        c.case_number: c
        for c in Case.objects.filter(case_number__in=list(rows_by_number), port=plan.port).only(
            "pk", "case_number", "agency_id", "agency_office_id"
        )
    }
    offices = _offices(
        rows_by_number.values(), {c.agency_id for c in cases.values() if c.agency_id}
    )
    with_office = []
    for number, case in cases.items():
        affiliate = rows_by_number[number].values["local_affiliate"]
        office = offices.get((case.agency_id or 0, fold(affiliate))) if affiliate else None
        if office is not None and office != case.agency_office_id:
            case.agency_office_id = office
            with_office.append(case)
    Case.objects.bulk_update(with_office, ["agency_office"])
    ids = [c.pk for c in cases.values()]
    known_ties = {(t.case_id, fold(t.name)): t for t in USTie.objects.filter(case_id__in=ids)}
    receivers = {r.case_id: r for r in ExpectedReceiver.objects.filter(case_id__in=ids)}
    new_ties = []
    for number, case in cases.items():
        tie = rows_by_number[number].values.get("us_tie")
        if tie and (case.pk, fold(tie["name"])) not in known_ties:
            made = USTie(case=case, source=USTie.Source.MANIFEST, added_at=now, **tie)
            new_ties.append(made)
            known_ties[(case.pk, fold(tie["name"]))] = made
    USTie.objects.bulk_create(new_ties)
    saves: list[ExpectedReceiver] = []
    creates: list[ExpectedReceiver] = []
    for number, case in cases.items():
        given = rows_by_number[number].values.get("expected_receiver")
        stored = receivers.get(case.pk)
        if not given or (stored is not None and same_receiver(stored, given)):
            continue
        receiver = stored or ExpectedReceiver(case=case)
        tie = known_ties.get((case.pk, fold(given["name"])))
        receiver.kind = given["kind"]
        receiver.name, receiver.organisation = given["name"], given["organisation"]
        receiver.phone = given["phone"] or (tie.phone if tie else "")
        receiver.us_tie = tie if given["kind"] == "us_tie" else None
        receiver.agency_office_id = case.agency_office_id if given["kind"] == "agency" else None
        receiver.source, receiver.reason, receiver.set_by, receiver.set_at = (
            USTie.Source.MANIFEST,
            "",
            None,
            now,
        )
        (saves if receiver.pk else creates).append(receiver)
    ExpectedReceiver.objects.bulk_create(creates)
    ExpectedReceiver.objects.bulk_update(
        saves,
        ["kind", "name", "organisation", "phone", "us_tie", "agency_office", "source", "reason",
         "set_by", "set_at"],
    )  # fmt: skip


def _save_flights(plan: Plan, audit: list[AuditEntry]) -> dict[FlightKey, Flight]:
    new = []
    saved: dict[FlightKey, Flight] = {}
    for key, (leg, flight) in plan.flights.items():
        if flight is None:
            flight = Flight(
                carrier=leg.carrier, number=leg.number, scheduled_date=leg.scheduled_date,
                port=plan.port, origin=leg.origin, destination=leg.destination,
                scheduled_departure=leg.scheduled_departure,
                scheduled_arrival=leg.scheduled_arrival,
            )  # fmt: skip
            new.append(flight)
        saved[key] = flight
    for flight, values, changes in plan.flight_updates:
        for name, value in values.items():
            setattr(flight, name, value)
        flight.save(update_fields=[*values, "updated_at"])
        audit.append(("poe.flight.updated", flight, changes, None))
    Flight.objects.bulk_create(new)
    audit += [("poe.flight.created", f, None, None) for f in new]
    return saved


def _person(case: Case, row: PersonRow) -> Individual:
    person = Individual(case=case, person_number=row.person_number, **person_values(row))
    person.name_folded = fold(f"{person.given_names} {person.surname}")
    return person


def _documents(person: Individual, keys: list[str]) -> list[CarriedDocument]:
    made = []
    for key in keys:
        if key.startswith("other:"):
            made.append(
                CarriedDocument(
                    individual=person,
                    kind=CarriedDocument.Kind.OTHER,
                    description=key.removeprefix("other:"),
                )
            )
        else:
            made.append(CarriedDocument(individual=person, kind=key))
    return made


def _segments(
    case: Case, direction: str, keys: list[FlightKey], flights: dict[FlightKey, Flight], now: Any
) -> list[Segment]:
    return [
        Segment(case=case, flight=flights[key], direction=direction, created_at=now) for key in keys
    ]


def _create_cases(
    plan: Plan,
    agencies: dict[str, int],
    flights: dict[FlightKey, Flight],
    now: dt.datetime,
    audit: list[AuditEntry],
    batch: ImportBatch,
) -> None:
    rows: list[CaseRows] = plan.new
    cases = [
        Case(
            case_number=r.case_number,
            port=plan.port,
            created_at=now,
            status=Case.Status.CANCELLED if r.values["cancelled"] else Case.Status.EXPECTED,
            import_warnings=plan.warnings_of(r.case_number),
            **case_values(r, agencies),
        )
        for r in rows
    ]
    Case.objects.bulk_create(cases)
    people, segments = [], []
    packets: list[tuple[Individual, list[str]]] = []
    for case, r in zip(cases, rows, strict=True):
        for row in r.people:
            person = _person(case, row)
            people.append(person)
            if row.values["documents"]:
                packets.append((person, row.values["documents"]))
        inbound = [r.inbound.key] if r.inbound else []
        segments += _segments(case, Segment.Direction.INBOUND, inbound, flights, now)
        segments += _segments(
            case, Segment.Direction.ONWARD, [leg.key for leg in r.onward], flights, now
        )
    Individual.objects.bulk_create(people, batch_size=2000)
    CarriedDocument.objects.bulk_create(
        [d for person, keys in packets for d in _documents(person, keys)], batch_size=2000
    )
    Segment.objects.bulk_create(segments, batch_size=2000)
    audit += [
        (
            "poe.case.imported",
            case,
            None,
            {"abn_version": case.abn_version, "people": len(r.people), "import": batch.pk},
        )
        for case, r in zip(cases, rows, strict=True)
    ]


def _revision(change: CaseChange, stored_people: list[Individual], user: User, now: Any) -> Any:
    case = change.case
    return CaseRevision(
        case=case,
        abn_version=case.abn_version,
        replaced_at=now,
        replaced_by=cast(AccountUser, user),
        values={
            "port": case.port.iata,
            "status": case.status,
            **{f: _jsonable(getattr(case, f)) for f in CASE_FIELDS},
            "people": [
                {
                    "person_number": p.person_number,
                    **{f: _jsonable(getattr(p, f)) for f in PERSON_FIELDS},
                }
                for p in sorted(stored_people, key=lambda p: p.person_number)
            ],
            "segments": {direction: legs.before for direction, legs in sorted(change.legs.items())},
        },
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value if value is None or isinstance(value, bool | int | float) else str(value)


def _update_cases(
    plan: Plan,
    flights: dict[FlightKey, Flight],
    now: dt.datetime,
    audit: list[AuditEntry],
    user: User,
    batch: ImportBatch,
) -> None:
    if not plan.changed:
        return
    people_of: dict[int, list[Individual]] = defaultdict(list)
    for person in Individual.objects.filter(case_id__in=[c.case.pk for c in plan.changed]):
        people_of[person.case_id].append(person)
    revisions: list[CaseRevision] = []
    new_people: list[Individual] = []
    packets: list[tuple[Individual, list[str]]] = []
    changed_people: list[Individual] = []
    removed: list[Individual] = []
    new_documents: list[CarriedDocument] = []
    gone_documents: list[int] = []
    new_segments: list[Segment] = []
    replaced: list[tuple[Segment, FlightKey, dict[FlightKey, Segment]]] = []
    for change in plan.changed:
        case = change.case
        version_before = case.abn_version
        if change.version_changed:
            revisions.append(_revision(change, people_of[case.pk], user, now))
            for name, value in change.after.items():
                setattr(case, name, value)
            case.port = plan.port
            case.import_warnings = plan.warnings_of(change.number)
        if change.status is not None:
            case.status = change.status
        case.updated_at = now
        for row in change.new_people:
            person = _person(case, row)
            new_people.append(person)
            if row.values["documents"]:
                packets.append((person, row.values["documents"]))
        for person, values in change.changed_people:
            for name, value in values.items():
                setattr(person, name, value)
            person.name_folded = fold(f"{person.given_names} {person.surname}")
            changed_people.append(person)
            wanted = change.documents.get(person.person_number)
            if wanted is not None:
                stored = plan.stored_documents.get(person.pk, {})
                new_documents += _documents(person, [k for k in wanted if k not in stored])
                # A document the ABN no longer lists goes, unless staff already recorded
                # something about it (taken by CBP, returned): that stays with its history.
                gone_documents += [
                    d.pk
                    for key, d in stored.items()
                    if key not in wanted and d.status == CarriedDocument.Status.CARRIED
                ]
        for person in change.removed:
            person.removed_in_version = change.after["abn_version"]
            removed.append(person)
        for direction, legs in change.legs.items():
            made = _segments(case, direction, [leg.key for leg in legs.add], flights, now)
            new_segments += made
            by_key = {**legs.kept, **{leg.key: s for leg, s in zip(legs.add, made, strict=True)}}
            replaced += [(old, key, by_key) for old, key in legs.replace]
        audit.append(
            (
                _action(change),
                case,
                change.changes,
                {
                    "abn_version": [version_before, case.abn_version],
                    "import": batch.pk,
                    "not_in_new_version": [p.person_number for p in change.removed],
                    **({"moved_from": change.moved_from.iata} if change.moved_from else {}),
                },
            )
        )
    CaseRevision.objects.bulk_create(revisions)
    case_fields = {f for c in plan.changed for f in CASE_FIELDS if f in c.changes}
    if any(c.moved_from for c in plan.changed):
        case_fields.add("port")
    if any(c.status for c in plan.changed):
        case_fields.add("status")
    if any(c.version_changed for c in plan.changed):
        case_fields.add("import_warnings")
    save_fields(Case, [c.case for c in plan.changed], [*sorted(case_fields), "updated_at"])
    Individual.objects.bulk_create(new_people, batch_size=2000)
    person_fields = {
        name.rsplit(" ", 1)[-1]
        for c in plan.changed
        for name in c.changes
        if name.startswith("person ") and name.rsplit(" ", 1)[-1] in PERSON_FIELDS
    }
    if person_fields & {"given_names", "surname"}:
        person_fields.add("name_folded")
    save_fields(Individual, changed_people, [*sorted(person_fields), "removed_in_version"])
    save_fields(Individual, removed, ["removed_in_version"])
    CarriedDocument.objects.filter(pk__in=gone_documents).delete()
    CarriedDocument.objects.bulk_create(
        new_documents + [d for person, keys in packets for d in _documents(person, keys)],
        batch_size=2000,
    )
    Segment.objects.bulk_create(new_segments, batch_size=2000)
    for old, key, by_key in replaced:
        old.replaced_by = by_key[key]
    Segment.objects.bulk_update([old for old, _k, _b in replaced], ["replaced_by"], batch_size=1000)


def save_fields(model: Any, objs: list[Any], fields: list[str]) -> None:
    """``bulk_update`` of ``fields`` on ``objs``, except that a field given the same value on
    every one of them (the new ABN version, the final destination of a whole day's file, the
    time) is set in one plain UPDATE: Django builds a CASE WHEN per object and field for
    ``bulk_update``, which for a day's manifest costs seconds of Python."""
    if not objs or not fields:
        return
    varying = []
    ids = [o.pk for o in objs]
    for name in fields:
        values = {json.dumps(_jsonable(getattr(o, name)), sort_keys=True) for o in objs}
        if len(values) == 1:
            model.objects.filter(pk__in=ids).update(**{name: getattr(objs[0], name)})
        else:
            varying.append(name)
    if varying:
        model.objects.bulk_update(objs, varying, batch_size=1000)


def _action(change: CaseChange) -> str:
    if change.moved_from is not None:
        return "poe.case.moved"
    if change.status == Case.Status.CANCELLED:
        return "poe.case.cancelled"
    if change.status is not None and change.changes["status"][0] == Case.Status.CANCELLED:
        return "poe.case.reinstated"
    return "poe.case.updated"


def _notify(plan: Plan, batch: ImportBatch) -> None:
    """Both ports of a moved case, and both their HQ offices, are told once; the port is told
    once per import of the cases it cancelled."""
    for change in plan.changed:
        old = change.moved_from
        if old is None:
            continue
        case, new = change.case, plan.port
        subject = f"Case {case.case_number} moved from {old.iata} to {new.iata}"
        inbound = change.legs.get(Segment.Direction.INBOUND)
        details = [
            ["Case", case.case_number],
            ["People", str(len(change.rows.people))],
            ["From", f"{old.iata} — {old.name}"],
            ["To", f"{new.iata} — {new.name}"],
            ["Inbound flight", ", ".join(inbound.after) if inbound else "unchanged"],
            ["ABN version", str(case.abn_version)],
        ]
        for port, summary, path in (
            (
                old,
                f"Case {case.case_number} will not arrive at {old.iata}: it was moved to "
                f"{new.iata} (ABN version {case.abn_version}). It has left {old.iata}'s lists.",
                "",
            ),
            (
                new,
                f"Case {case.case_number} was moved here from {old.iata} (ABN version "
                f"{case.abn_version}), with its history.",
                reverse("arrivals:case", args=[case.case_number]),
            ),
        ):
            notify(
                NotificationKind.CASE_CHANGE,
                port,
                case,
                subject,
                {"summary": summary, "details": details, "path": path},
                dedupe_key=f"case-moved:{case.pk}:v{case.abn_version}:{port.iata}",
            )
    cancelled = [
        *(r.case_number for r in plan.new if r.values["cancelled"]),
        *(c.number for c in plan.changed if c.status == Case.Status.CANCELLED),
        *(c.case_number for c in plan.dropped),
    ]
    if cancelled:
        more = len(cancelled) - 20
        shown = ", ".join(cancelled[:20]) + (f" and {more} more" if more > 0 else "")
        notify(
            NotificationKind.CASE_CHANGE,
            plan.port,
            batch,
            f"{len(cancelled)} case{'s' if len(cancelled) != 1 else ''} cancelled at "
            f"{plan.port.iata} by the manifest {batch.file_name}",
            {
                "summary": f"Cancelled (kept, shown as cancelled): {shown}.",
                "details": [["Manifest", batch.file_name], ["Cases", str(len(cancelled))]],
                "path": reverse("arrivals:import_detail", args=[batch.pk]),
            },
            dedupe_key=f"import:{batch.pk}:cancelled",
        )
