"""Writing a checked manifest to the database: cases, people, flights, segments, history, audit.

Called by ``services.import_manifest`` inside its transaction. Works in bulk — a fixed number of
queries however long the file — and raises ``ImportRefused`` (nothing written) when the file
conflicts with what is stored: an older ABN version, or a case or flight of another port.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AccountUser
from django.db.models import Q
from django.utils import timezone

from arrivals.manifest.reading import CaseRows, FlightLeg, Manifest
from arrivals.manifest.values import Problem
from arrivals.models import Flight, ImportBatch, Segment
from cases.models import AgencyOffice, Case, CaseRevision, ExpectedReceiver, Individual, USTie
from poe_ops.models import Port
from poe_ops.refusals import Refusal
from poe_ops.services.audit import changed_fields, log_actions
from poe_ops.text import fold

User = AbstractBaseUser | AnonymousUser
FlightKey = tuple[str, str, dt.date]

CASE_FIELDS = ("abn_number", "abn_version", "agency_id", "local_affiliate", "final_destination")
PERSON_FIELDS = (
    "given_names",
    "surname",
    "date_of_birth",
    "sex",
    "nationality",
    "primary_language",
    "interpreter_needed",
    "relationship",
    "document_in_custody",
    "ssr_codes",
    "programme_status",
    "medical",
    "pregnancy",
    "elderly",
    "single_parent",
    "other_vulnerability",
    "vulnerability_notes",
)
FLIGHT_FIELDS = ("origin", "destination", "scheduled_departure", "scheduled_arrival")


class ImportRefused(Refusal):
    """The file would make a record wrong: ``problems`` say where (row, column, value)."""

    default_code = "manifest_rows"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"The manifest has {len(problems)} problem(s); nothing was imported.")
        self.problems = problems


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value if value is None or isinstance(value, bool | int | float) else str(value)


def _case_values(case: CaseRows, agencies: dict[str, int]) -> dict[str, Any]:
    v = case.values
    return {
        "abn_number": v["abn_number"],
        "abn_version": v["abn_version"],
        "agency_id": agencies.get(v["agency_code"]) if v["agency_code"] else None,
        "local_affiliate": v["local_affiliate"],
        "final_destination": v["final_destination"],
    }


def apply_manifest(
    user: User,
    port: Port,
    manifest: Manifest,
    agencies: dict[str, int],
    batch: ImportBatch,
) -> dict[str, list[Any]]:
    """Create or update everything the manifest describes; returns the batch's summary."""
    now = timezone.now()
    stored = {
        c.case_number: c
        for c in Case.objects.select_for_update()
        .select_related("port")
        .filter(case_number__in=list(manifest.cases))
    }
    problems: list[Problem] = []
    created: list[CaseRows] = []
    updated: list[tuple[CaseRows, Case]] = []
    unchanged: list[str] = []
    for number, rows in manifest.cases.items():
        case = stored.get(number)
        version = rows.values["abn_version"]
        if case is None:
            created.append(rows)
        elif case.port_id != port.pk:
            problems.append(
                Problem(
                    rows.first_row,
                    "case_number",
                    f"case {number} is already at {case.port.iata}; it cannot also come to "
                    f"{port.iata}. Ask {case.port.iata} or HQ to check the ABN.",
                )
            )
        elif version < case.abn_version:
            problems += [
                Problem(
                    row,
                    "abn_version",
                    f"version {version} of case {number} is older than version "
                    f"{case.abn_version}, which is already imported. Use the newest ABN.",
                )
                for row in rows.rows
            ]
        elif version == case.abn_version:
            unchanged.append(number)
        else:
            updated.append((rows, case))
    flights, flight_problems = _load_flights(port, [r for r in created] + [r for r, _ in updated])
    problems += flight_problems
    if problems:
        raise ImportRefused(sorted(problems, key=lambda p: p.row or 0))

    audit: list[tuple[str, Any, Any, Any]] = []
    flight_summary = _save_flights(flights, port, audit)
    created_cases = _create_cases(created, port, agencies, flights, now, audit, batch)
    updated_cases = _update_cases(updated, agencies, flights, now, audit, user, batch)
    _save_receivers(created, updated, port, now)
    log_actions(user, audit, port=port)
    return {
        "created": created_cases,
        "updated": updated_cases,
        "unchanged": sorted(unchanged),
        **flight_summary,
    }


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


def _save_receivers(
    created: list[CaseRows], updated: list[tuple[CaseRows, Case]], port: Port, now: dt.datetime
) -> None:
    """The cases' agency offices (when the local affiliate names one), expected receivers and
    U.S. ties, as the ABN gives them. A newer version replaces the expected receiver it gives
    and adds a U.S. tie not yet known; what it leaves out, staff keep."""
    rows_by_number = {r.case_number: r for r in created} | {r.case_number: r for r, _ in updated}
    if not rows_by_number:
        return
    cases = {
        c.case_number: c
        for c in Case.objects.filter(case_number__in=list(rows_by_number), port=port).only(
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
        if not given:
            continue
        receiver = receivers.get(case.pk) or ExpectedReceiver(case=case)
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


def _legs(cases: Iterable[CaseRows]) -> dict[FlightKey, FlightLeg]:
    legs: dict[FlightKey, FlightLeg] = {}
    for case in cases:
        for leg in (case.inbound, case.onward):
            if leg is not None:
                legs.setdefault(leg.key, leg)
    return legs


def _load_flights(
    port: Port, cases: list[CaseRows]
) -> tuple[dict[FlightKey, tuple[FlightLeg, Flight | None]], list[Problem]]:
    legs = _legs(cases)
    if not legs:
        return {}, []
    query = Q()
    for carrier, number, day in legs:
        query |= Q(carrier=carrier, number=number, scheduled_date=day)
    existing = {
        (f.carrier, f.number, f.scheduled_date): f
        for f in Flight.objects.select_for_update(of=("self",)).select_related("port").filter(query)
    }
    problems = []
    for key, flight in existing.items():
        if flight.port_id != port.pk:
            row = next(c.first_row for c in cases if key in _legs([c]))
            problems.append(
                Problem(
                    row,
                    "inbound_flight" if legs[key].destination == port.iata else "onward_flight",
                    f"{flight.code} on {flight.scheduled_date:%Y-%m-%d} is already handled by "
                    f"{flight.port.iata}; check the flight number and date.",
                )
            )
    return {key: (leg, existing.get(key)) for key, leg in legs.items()}, problems


def _save_flights(
    flights: dict[FlightKey, tuple[FlightLeg, Flight | None]],
    port: Port,
    audit: list[tuple[str, Any, Any, Any]],
) -> dict[str, list[Any]]:
    new, changed = [], []
    for key, (leg, flight) in list(flights.items()):
        values = {f: getattr(leg, f) for f in FLIGHT_FIELDS if getattr(leg, f) is not None}
        if flight is None:
            flight = Flight(
                carrier=leg.carrier, number=leg.number, scheduled_date=leg.scheduled_date,
                port=port, **values,
            )  # fmt: skip
            new.append(flight)
        else:
            before = {f: getattr(flight, f) for f in values}
            changes = changed_fields(before, values)
            if changes:
                for name, value in values.items():
                    setattr(flight, name, value)
                flight.save(update_fields=[*values, "updated_at"])
                changed.append(flight)
                audit.append(("poe.flight.updated", flight, changes, None))
        flights[key] = (leg, flight)
    Flight.objects.bulk_create(new)
    audit += [("poe.flight.created", f, None, None) for f in new]
    return {
        "flights_created": [f"{f.code} {f.scheduled_date:%Y-%m-%d}" for f in new],
        "flights_updated": [f"{f.code} {f.scheduled_date:%Y-%m-%d}" for f in changed],
    }


def _person(case: Case, person_number: str, values: dict[str, Any]) -> Individual:
    person = Individual(case=case, person_number=person_number, **values)
    person.name_folded = fold(f"{person.given_names} {person.surname}")
    return person


def _create_cases(
    rows: list[CaseRows],
    port: Port,
    agencies: dict[str, int],
    flights: dict[FlightKey, tuple[FlightLeg, Flight | None]],
    now: dt.datetime,
    audit: list[tuple[str, Any, Any, Any]],
    batch: ImportBatch,
) -> list[str]:
    cases = [
        Case(case_number=r.case_number, port=port, created_at=now, **_case_values(r, agencies))
        for r in rows
    ]
    Case.objects.bulk_create(cases)
    people, segments = [], []
    for case, r in zip(cases, rows, strict=True):
        people += [_person(case, p.person_number, p.values) for p in r.people]
        segments += _new_segments(case, r, flights, now)
    Individual.objects.bulk_create(people, batch_size=2000)
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
    return [c.case_number for c in cases]


def _new_segments(
    case: Case,
    rows: CaseRows,
    flights: dict[FlightKey, tuple[FlightLeg, Flight | None]],
    now: dt.datetime,
) -> list[Segment]:
    segments = []
    for leg, direction in ((rows.inbound, "inbound"), (rows.onward, "onward")):
        if leg is not None:
            flight = flights[leg.key][1]
            segments.append(Segment(case=case, flight=flight, direction=direction, created_at=now))
    return segments


def _update_cases(
    updates: list[tuple[CaseRows, Case]],
    agencies: dict[str, int],
    flights: dict[FlightKey, tuple[FlightLeg, Flight | None]],
    now: dt.datetime,
    audit: list[tuple[str, Any, Any, Any]],
    user: User,
    batch: ImportBatch,
) -> list[dict[str, Any]]:
    if not updates:
        return []
    case_ids = [case.pk for _, case in updates]
    people: dict[int, dict[str, Individual]] = {pk: {} for pk in case_ids}
    for person in Individual.objects.filter(case_id__in=case_ids):
        people[person.case_id][person.person_number] = person
    current: dict[tuple[int, str], Segment] = {
        (s.case_id, s.direction): s
        for s in Segment.objects.filter(case_id__in=case_ids, replaced_by__isnull=True)
        .select_related("flight")
        .order_by("created_at", "pk")
    }
    revisions: list[CaseRevision] = []
    new_people: list[Individual] = []
    changed_people: list[Individual] = []
    new_segments: list[Segment] = []
    replaced: list[tuple[Segment, Segment]] = []
    summary = []
    for rows, case in updates:
        before_case = {f: getattr(case, f) for f in CASE_FIELDS}
        revisions.append(
            CaseRevision(
                case=case,
                abn_version=case.abn_version,
                replaced_at=now,
                replaced_by=cast(AccountUser, user),
                values={
                    **{f: _jsonable(v) for f, v in before_case.items()},
                    "people": [
                        {"person_number": n, **{f: _jsonable(getattr(p, f)) for f in PERSON_FIELDS}}
                        for n, p in sorted(people[case.pk].items())
                    ],
                    "segments": [
                        {"direction": d, "flight": str(s.flight)}
                        for (cid, d), s in current.items()
                        if cid == case.pk
                    ],
                },
            )
        )
        after_case = _case_values(rows, agencies)
        changes = changed_fields(before_case, after_case)
        for name, value in after_case.items():
            setattr(case, name, value)
        case.updated_at = now
        for p in rows.people:
            found = people[case.pk].get(p.person_number)
            if found is None:
                new_people.append(_person(case, p.person_number, p.values))
                changes[f"person {p.person_number}"] = [None, "added"]
                continue
            person = found
            before = {f: getattr(person, f) for f in PERSON_FIELDS}
            person_changes = changed_fields(before, p.values)
            if person_changes:
                for name, value in p.values.items():
                    setattr(person, name, value)
                person.name_folded = fold(f"{person.given_names} {person.surname}")
                changed_people.append(person)
                changes.update(
                    {f"person {p.person_number} {f}": v for f, v in person_changes.items()}
                )
        for leg, direction in ((rows.inbound, "inbound"), (rows.onward, "onward")):
            old = current.get((case.pk, direction))
            flight = flights[leg.key][1] if leg is not None else None
            if leg is None or flight is None:
                if old is not None:  # dropped from the ABN: kept, and said so
                    changes[f"{direction} flight"] = [str(old.flight), "not on the new version"]
                continue
            if old is not None and old.flight_id == flight.pk:
                continue
            segment = Segment(case=case, flight=flight, direction=direction, created_at=now)
            new_segments.append(segment)
            if old is not None:
                replaced.append((old, segment))
            changes[f"{direction} flight"] = [
                str(old.flight) if old is not None else None,
                str(flight),
            ]
        missing = sorted(set(people[case.pk]) - {p.person_number for p in rows.people})
        audit.append(
            (
                "poe.case.updated",
                case,
                changes,
                {
                    "abn_version": [before_case["abn_version"], case.abn_version],
                    "import": batch.pk,
                    "not_in_new_version": missing,
                },
            )
        )
        summary.append(
            {
                "case_number": case.case_number,
                "from_version": before_case["abn_version"],
                "to_version": case.abn_version,
                "changed": sorted(changes),
                "not_in_new_version": missing,
            }
        )
    CaseRevision.objects.bulk_create(revisions)
    Case.objects.bulk_update([c for _, c in updates], [*CASE_FIELDS, "updated_at"])
    Individual.objects.bulk_create(new_people)
    Individual.objects.bulk_update(changed_people, [*PERSON_FIELDS, "name_folded"], batch_size=1000)
    Segment.objects.bulk_create(new_segments)
    for old, new in replaced:
        old.replaced_by = new
    Segment.objects.bulk_update([old for old, _ in replaced], ["replaced_by"])
    return summary
