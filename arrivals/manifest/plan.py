"""What an import would do, worked out without writing anything: the preview, and — worked out
again under locks when a person confirms — the change that is applied.

``plan_manifest`` compares a checked manifest with what is stored: new cases, changed ones (field
by field, people added and removed, flights replaced), cases moved from another port, cases
cancelled (marked so on the ABN, or — for a manifest that lists every arrival of its days — left
out of it), and the flights to create or reschedule. What would make a record wrong is a
*problem* (the file is refused); what someone should look at is a *warning*. What the plan
holds, and the summary the preview shows and the confirmation compares (if it differs when
confirmed, the preview is out of date and nothing is applied), are in ``changes.py``. A fixed
number of queries however long the file.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q

from arrivals.manifest.cells import Problem
from arrivals.manifest.changes import (
    CASE_FIELDS,
    CaseChange,
    FlightKey,
    LegsChange,
    Plan,
    case_values,
    person_values,
    same_receiver,
)
from arrivals.manifest.legs import FlightLeg
from arrivals.manifest.reading import CaseRows, Manifest
from arrivals.models import Flight, Segment
from cases.models import CarriedDocument, Case, ExpectedReceiver, Individual, USTie
from cases.steps import ArrivalStep
from poe_ops.models import Port
from poe_ops.roles import COORDINATE, hq_offices
from poe_ops.scoping import has_port_perm
from poe_ops.services.audit import changed_fields
from poe_ops.text import fold

User = AbstractBaseUser | AnonymousUser

FLIGHT_FIELDS = ("origin", "destination", "scheduled_departure", "scheduled_arrival")
NOT_HERE = "this case number cannot be imported here; ask Operations HQ."


def receiver_words(receiver: ExpectedReceiver | dict[str, str]) -> str:
    if isinstance(receiver, dict):
        return f"{receiver['name']} ({receiver['organisation']})"
    return f"{receiver.name} ({receiver.organisation})"


def document_label(key: str) -> str:
    if key.startswith("other:"):
        return key.removeprefix("other:")
    return str(CarriedDocument.Kind(key).label)


def may_move(user: User, from_port: Port) -> bool:
    """Moving a case from another port is for Operations HQ, or for someone who coordinates
    both ports: a port's own staff must not learn where another port's families are."""
    return has_port_perm(user, from_port, COORDINATE) or bool(hq_offices(user))


def plan_manifest(
    user: User,
    port: Port,
    manifest: Manifest,
    agencies: dict[str, int],
    *,
    complete: bool = False,
    lock: bool = False,
) -> Plan:
    """Compare ``manifest`` with what is stored. With ``lock`` (inside the confirming
    transaction) the stored cases and flights are locked until it ends."""
    plan = Plan(port=port, manifest=manifest, complete=complete)
    plan.warnings = list(manifest.warnings)
    cases = Case.objects.select_related("port").filter(case_number__in=list(manifest.cases))
    if lock:
        cases = cases.select_for_update(of=("self",))
    stored = {c.case_number: c for c in cases}
    movers: dict[int, bool] = {}
    for number, rows in manifest.cases.items():
        case = stored.get(number)
        version = rows.values["abn_version"]
        if case is None:
            plan.new.append(rows)
            continue
        if case.port_id != port.pk:
            if case.port_id not in movers:
                movers[case.port_id] = may_move(user, case.port)
            if not movers[case.port_id]:
                plan.problems.append(_problem(rows, "case_number", NOT_HERE))
            elif version <= case.abn_version:
                plan.problems.append(
                    _problem(
                        rows,
                        "abn_version",
                        f"case {number} is at another port with ABN version "
                        f"{case.abn_version}; moving it here needs a newer version of its ABN.",
                    )
                )
            else:
                plan.changed.append(_change(rows, case, agencies, version_changed=True))
            continue
        if version < case.abn_version:
            plan.problems += [
                Problem(
                    p.row,
                    "abn_version",
                    f"version {version} of case {number} is older than version "
                    f"{case.abn_version}, which is already imported. Use the newest ABN.",
                    number,
                    p.name,
                )
                for p in rows.people
            ]
        elif version == case.abn_version:
            wanted = Case.Status.CANCELLED if rows.values["cancelled"] else None
            if (case.status == Case.Status.CANCELLED) != (wanted is not None):
                # The same version: only whether it is cancelled may change.
                plan.changed.append(_change(rows, case, agencies, version_changed=False))
            else:
                plan.unchanged.append(number)
        else:
            plan.changed.append(_change(rows, case, agencies, version_changed=True))
    _plan_flights(plan, lock)
    _plan_changes(plan)
    if complete:
        _plan_dropped(plan, lock)
    return plan


def _problem(rows: CaseRows, column: str, message: str) -> Problem:
    first = rows.people[0] if rows.people else None
    return Problem(rows.first_row, column, message, rows.case_number, first.name if first else "")


def _change(
    rows: CaseRows, case: Case, agencies: dict[str, int], *, version_changed: bool
) -> CaseChange:
    after = case_values(rows, agencies)
    if not version_changed:
        after = {f: getattr(case, f) for f in CASE_FIELDS}
    return CaseChange(rows=rows, case=case, after=after, version_changed=version_changed)


# --- flights ---------------------------------------------------------------------------------


def _plan_flights(plan: Plan, lock: bool) -> None:
    """The flights the new and changed cases travel on: stored ones (locked when confirming)
    or to be created. A flight that lands at or leaves this port but is another port's is a
    problem — named without naming that port."""
    legs: dict[FlightKey, tuple[FlightLeg, CaseRows]] = {}
    for rows in [*plan.new, *(c.rows for c in plan.changed if c.version_changed)]:
        for leg in rows.legs:
            legs.setdefault(leg.key, (leg, rows))
    if not legs:
        return
    query = Q()
    for carrier, number, day in legs:
        query |= Q(carrier=carrier, number=number, scheduled_date=day)
    flights = Flight.objects.filter(query)
    if lock:
        flights = flights.select_for_update(of=("self",))
    existing = {(f.carrier, f.number, f.scheduled_date): f for f in flights}
    here = plan.port
    for key, (leg, rows) in legs.items():
        flight = existing.get(key)
        plan.flights[key] = (leg, flight)
        if flight is None:
            continue
        values = {f: getattr(leg, f) for f in FLIGHT_FIELDS if getattr(leg, f) is not None}
        touches_here = here.iata in (leg.origin, leg.destination)
        if flight.port_id != here.pk:
            if touches_here:
                plan.problems.append(
                    _problem(
                        rows,
                        "inbound_flight" if leg.destination == here.iata else "onward_flight",
                        f"{leg.code} on {leg.scheduled_date:%Y-%m-%d} cannot be imported here: "
                        "it is already known with another route. Check the flight number and "
                        "date; if they are right, ask Operations HQ.",
                    )
                )
            elif changed_fields({f: getattr(flight, f) for f in values}, values):
                plan.warnings.append(
                    _problem(
                        rows,
                        "onward_flight",
                        f"{leg.code} on {leg.scheduled_date:%Y-%m-%d} is already known with "
                        "other times; the times already known are kept.",
                    )
                )
            continue
        changes = changed_fields({f: getattr(flight, f) for f in values}, values)
        if changes:
            plan.flight_updates.append((flight, values, changes))


# --- changed cases ---------------------------------------------------------------------------


def _plan_changes(plan: Plan) -> None:
    if not plan.changed:
        return
    case_ids = [c.case.pk for c in plan.changed]
    people: dict[int, dict[str, Individual]] = defaultdict(dict)
    for person in Individual.objects.filter(case_id__in=case_ids):
        people[person.case_id][person.person_number] = person
    for document in CarriedDocument.objects.filter(individual__case_id__in=case_ids):
        plan.stored_documents.setdefault(document.individual_id, {})[document.key] = document
    current: dict[tuple[int, str], list[Segment]] = defaultdict(list)
    for segment in (
        Segment.objects.filter(case_id__in=case_ids, replaced_by__isnull=True)
        .select_related("flight")
        .prefetch_related("individuals")
        .order_by("flight__scheduled_departure", "flight__scheduled_arrival", "pk")
    ):
        current[(segment.case_id, segment.direction)].append(segment)
    newer = [c.case.pk for c in plan.changed if c.version_changed]
    receivers = {r.case_id: r for r in ExpectedReceiver.objects.filter(case_id__in=newer)}
    ties: dict[int, set[str]] = defaultdict(set)
    for case_id, name in USTie.objects.filter(case_id__in=newer).values_list("case_id", "name"):
        ties[case_id].add(fold(name))
    for change in plan.changed:
        _plan_status(plan, change, people[change.case.pk])
        if not change.version_changed:
            continue
        case = change.case
        change.changes.update(
            changed_fields({f: getattr(case, f) for f in CASE_FIELDS}, change.after)
        )
        _plan_receivers(change, receivers.get(case.pk), ties[case.pk])
        if case.port_id != plan.port.pk:
            change.moved_from = case.port
            change.changes["port"] = [case.port.iata, plan.port.iata]
        _plan_people(plan, change, people[case.pk])
        for direction, legs in (
            (Segment.Direction.INBOUND, [change.rows.inbound] if change.rows.inbound else []),
            (Segment.Direction.ONWARD, change.rows.onward),
        ):
            legs_change = _plan_legs(current[(case.pk, direction)], legs)
            if legs_change is not None:
                change.legs[direction] = legs_change
                change.changes[f"{direction} flights"] = [
                    ", ".join(legs_change.before) or None,
                    ", ".join(legs_change.after) or "not on the new version (kept)",
                ]


def _plan_receivers(
    change: CaseChange, stored: ExpectedReceiver | None, tie_names: set[str]
) -> None:
    """A newer version's expected receiver and U.S. tie, when they change what is on record
    (left empty, staff's stay): shown in the preview, applied by ``apply._save_receivers``."""
    given = change.rows.values.get("expected_receiver")
    if given and (stored is None or not same_receiver(stored, given)):
        change.changes["expected receiver"] = [
            receiver_words(stored) if stored else None,
            receiver_words(given),
        ]
    tie = change.rows.values.get("us_tie")
    if tie and fold(tie["name"]) not in tie_names:
        change.changes["U.S. tie"] = [None, f"{tie['name']} ({tie['relationship']}, added)"]


def _plan_status(plan: Plan, change: CaseChange, people: dict[str, Individual]) -> None:
    case = change.case
    if change.rows.values["cancelled"]:
        if case.status == Case.Status.CANCELLED:
            return
        started = [p for p in people.values() if p.current_step != ArrivalStep.EXPECTED]
        if started:
            plan.warnings.append(
                _problem(
                    change.rows,
                    "case_status",
                    f"case {change.number} is cancelled on the ABN, but {len(started)} of its "
                    "people have already been met; it is left as it is. Check with Operations "
                    "HQ.",
                )
            )
            return
        change.status = Case.Status.CANCELLED
    elif case.status == Case.Status.CANCELLED:
        met = any(p.current_step != ArrivalStep.EXPECTED for p in people.values())
        change.status = Case.Status.IN_PROGRESS if met else Case.Status.EXPECTED
    else:
        return
    change.changes["status"] = [case.status, change.status]


def _plan_people(plan: Plan, change: CaseChange, stored: dict[str, Individual]) -> None:
    version = change.after["abn_version"]
    listed = set()
    for row in change.rows.people:
        listed.add(row.person_number)
        person = stored.get(row.person_number)
        if person is None:
            change.new_people.append(row)
            change.changes[f"person {row.person_number}"] = [None, "added"]
            continue
        values = person_values(row)
        values["removed_in_version"] = None
        person_changes = changed_fields({f: getattr(person, f) for f in values}, values)
        if "medical_notes" in person_changes:
            person_changes["medical_notes"] = _medical_change(*person_changes["medical_notes"])
        documents = plan.stored_documents.get(person.pk, {})
        wanted = row.values["documents"]
        if set(documents) != set(wanted):
            person_changes["documents"] = [
                ", ".join(document_label(k) for k in documents) or None,
                ", ".join(document_label(k) for k in wanted) or None,
            ]
            change.documents[row.person_number] = wanted
        if person_changes:
            change.changed_people.append((person, values))
            change.changes.update(
                {f"person {row.person_number} {f}": v for f, v in person_changes.items()}
            )
    for number, person in sorted(stored.items()):
        if number not in listed and person.removed_in_version is None:
            change.removed.append(person)
            change.changes[f"person {number}"] = ["listed", f"not on version {version} (kept)"]


def _medical_change(before: Any, after: Any) -> list[Any]:
    """A change of medical notes as the preview and the audit log show it: that they changed,
    never what they say (the preview is read by coordinators and the case page's audit by the
    whole port; the notes themselves only by those ``scoping.may_read_medical_details`` lets)."""
    return [
        "(medical notes)" if before else None,
        "(medical notes, changed)" if after else "(removed)",
    ]


def _plan_legs(current: list[Segment], legs: list[FlightLeg]) -> LegsChange | None:
    """How a case's segments in one direction change. A direction the new version leaves
    empty keeps its segments (they are history; the case page says so). A segment a rebooking
    made for some of the case is replaced by a whole-case one when the ABN names its flight."""
    before = [f"{s.flight.code} {s.flight.scheduled_date:%Y-%m-%d}" for s in current]
    after = [str(leg) for leg in legs]
    keys = [(s.flight.carrier, s.flight.number, s.flight.scheduled_date) for s in current]
    whole = [not s.individuals.all() for s in current]
    wanted = [leg.key for leg in legs]
    if keys == wanted and all(whole):
        return None
    if not legs:
        return LegsChange([], [], {}, before, []) if current else None
    kept = {
        key: segment
        for segment, key, is_whole in zip(current, keys, whole, strict=True)
        if is_whole and key in wanted
    }
    add = [leg for leg in legs if leg.key not in kept]
    replace = [
        (segment, wanted[min(i, len(wanted) - 1)])
        for i, (segment, key, is_whole) in enumerate(zip(current, keys, whole, strict=True))
        if not (is_whole and key in wanted)
    ]
    return LegsChange(add, replace, kept, before, after)


# --- cases left out of a complete manifest ---------------------------------------------------


def _plan_dropped(plan: Plan, lock: bool) -> None:
    """Cases of this port arriving on the manifest's days that it leaves out: cancelled when
    nobody in them has been met yet; otherwise left as they are, with a warning."""
    days = plan.manifest.days
    if not days:
        return
    arriving = Segment.objects.filter(
        case_id=OuterRef("pk"),
        direction=Segment.Direction.INBOUND,
        replaced_by__isnull=True,
        flight__port=plan.port,
        flight__scheduled_date__in=sorted(days),
    )
    started = Individual.objects.filter(case_id=OuterRef("pk")).exclude(
        current_step=ArrivalStep.EXPECTED
    )
    candidates = (
        Case.objects.filter(port=plan.port)
        .exclude(status=Case.Status.CANCELLED)
        .exclude(case_number__in=list(plan.manifest.cases))
        .filter(Exists(arriving))
        .annotate(started=Exists(started))
        .order_by("case_number")
    )
    if lock:
        candidates = candidates.select_for_update(of=("self",))
    dropped = list(candidates)
    counts: dict[int, int] = defaultdict(int)
    for case_id in Individual.objects.filter(case_id__in=[c.pk for c in dropped]).values_list(
        "case_id", flat=True
    ):
        counts[case_id] += 1
    for case in dropped:
        case.people_count = counts[case.pk]  # type: ignore[attr-defined]
        if case.started:
            plan.warnings.append(
                Problem(
                    None,
                    "case_number",
                    f"case {case.case_number} is not on this manifest, but some of its people "
                    "have already been met; it is left as it is.",
                    case.case_number,
                )
            )
        else:
            plan.dropped.append(case)
