"""The chain of custody: who handed people (or the documents IOM holds for a case) to whom, when
and where — and the rules a hand-over lives by:

- people leaving IOM to an agency worker or a U.S. tie (the "handed over" exit) go to a receiver
  identified by a document (type and last characters), with a phone; the expected receiver, or
  another with a reason;
- a URM or separated minor goes only to the case's expected receiver, or to another on an
  officer's override with a reason (audited), and both sides sign on the tablet;
- a URM or separated minor who leaves the POE onward goes to the airline (UMNR) or an IOM
  escort, both signing.

``custody_refusal`` is the check the arrival steps run: nobody is marked handed over without a
hand-over naming their receiver. The database backs the rules with check constraints on
``CustodyHandover``."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cases.models import (
    FINAL_RECEIVERS,
    ONWARD_RECEIVERS,
    AgencyOffice,
    Case,
    CustodyHandover,
    ExpectedReceiver,
    Individual,
    USTie,
)
from cases.services.signatures import clean_png
from cases.steps import ArrivalStep
from poe_ops.keys import Saved, check_key, claim
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE, SUPERVISE
from poe_ops.scoping import User, has_port_perm, require_port_perm, signed_in
from poe_ops.services.audit import log_action
from poe_ops.text import display_name, fold

Party = CustodyHandover.Party
LAST_DIGITS = re.compile(r"^[A-Za-z0-9]{2,6}$")
PHONE = re.compile(r"^\+?[0-9 ().-]{7,40}$")

# The steps that end the POE's care of a URM or separated minor by sending them onward: they
# leave on the domestic flight in the airline's care (UMNR, handed over at the gate) or with an
# IOM escort, and that hand-over is recorded, signed, first.
ONWARD_RELEASE_STEPS = frozenset({ArrivalStep.DEPARTED})


@dataclass
class Receiver:
    """One side of a hand-over. ``organisation`` is the organisation, or for a U.S. tie how
    they are related; phone and identity document are asked of whoever receives people."""

    kind: str
    name: str
    organisation: str = ""
    phone: str = ""
    id_type: str = ""
    id_last_digits: str = ""
    agency_office: AgencyOffice | None = None
    us_tie: USTie | None = None


# The giving side names only a person and an organisation.
Giver = Receiver


@dataclass(frozen=True)
class Signatures:
    """PNGs drawn on the tablet: the one handing over (``giver``) and the one receiving."""

    giver: bytes | None = None
    receiver: bytes | None = None


@dataclass(frozen=True)
class ReceiverChoice:
    """Whether the receiver is someone other than the expected one, and why; ``override``
    when an officer authorises that for a minor."""

    reason: str = ""
    override: bool = False


ANOTHER = frozenset({CustodyHandover.Check.OTHER, CustodyHandover.Check.OVERRIDE})

# Defaults of the services' keyword arguments (frozen, so one instance serves every call).
EXPECTED_RECEIVER = ReceiverChoice()
UNSIGNED = Signatures()


def _people_words(people: Sequence[Individual]) -> str:
    return ", ".join(str(p) for p in people)


def _minors_words(minors: Sequence[Individual]) -> str:
    """“Aline Uwase, a URM (unaccompanied refugee minor),” — or several, with their statuses."""
    if len(minors) == 1:
        minor = minors[0]
        return f"{minor}, a {minor.get_programme_status_display()},"
    return ", ".join(f"{p} ({p.get_programme_status_display()})" for p in minors)


def is_expected(receiver: Receiver, expected: ExpectedReceiver | None) -> bool:
    """The receiver is the case's expected one: same kind and the same name (letters compared
    without case or accents)."""
    if expected is None:
        return False
    return receiver.kind == expected.kind and fold(receiver.name) == fold(expected.name)


def _check_receiver(receiver: Receiver, people: Sequence[Individual]) -> None:
    label = "Receiver"
    if receiver.kind not in Party.values:
        raise Refusal(f"{label}: choose who receives them.", field="to_kind")
    if not receiver.name.strip():
        raise Refusal(f"{label}: name the person who receives them.", field="to_name")
    if not receiver.organisation.strip():
        what = "how they are related" if receiver.kind == Party.US_TIE else "their organisation"
        raise Refusal(f"{label}: say {what}.", field="to_organisation")
    if not people or receiver.kind == Party.STAFF:
        return
    if receiver.id_type not in CustodyHandover.IdType.values:
        raise Refusal(
            f"{label}: which identity document did {receiver.name.strip()} show?",
            field="to_id_type",
        )
    digits = receiver.id_last_digits.strip()
    if not LAST_DIGITS.match(digits):
        raise Refusal(
            f"{label}: the last 2 to 6 letters or digits of the document's number (only those "
            "are kept, never the whole number).",
            field="to_id_last_digits",
        )
    if not PHONE.match(receiver.phone.strip()):
        raise Refusal(
            f"{label}: a phone number where {receiver.name.strip()} can be reached, e.g. "
            "+1 404 555 0100.",
            field="to_phone",
        )


def _receiver_check(
    user: User,
    case: Case,
    receiver: Receiver,
    people: Sequence[Individual],
    of_minor: bool,
    choice: ReceiverChoice,
) -> str:
    """How the receiver of people compares with the expected one; refused when a minor would
    go to anyone else without an officer's override, or anyone else is given no reason."""
    if receiver.kind not in FINAL_RECEIVERS:
        return CustodyHandover.Check.NONE
    expected = ExpectedReceiver.objects.filter(case=case).first()
    if is_expected(receiver, expected):
        return CustodyHandover.Check.EXPECTED
    shown = f"{expected.name} ({expected.organisation})" if expected else ""
    reason = choice.reason.strip()
    if of_minor:
        who = _minors_words([p for p in people if p.needs_custody])
        if not choice.override:
            if expected is None:
                raise Refusal(
                    f"{who} has no expected receiver on record, so cannot be handed over to "
                    "anyone yet. An officer of the port can set the expected receiver on the "
                    "case page, or authorise this receiver here with a reason.",
                    code="not_expected_receiver",
                )
            raise Refusal(
                f"{who} may be handed over only to the expected receiver, {shown}, "
                f"not to {receiver.name.strip()}. An officer of the port can authorise another "
                "receiver, with a reason.",
                code="not_expected_receiver",
            )
        if not has_port_perm(user, case.port, SUPERVISE):
            raise Refusal(
                "Only an officer of this port can authorise handing a minor to someone other "
                "than the expected receiver.",
                code="override_needs_officer",
            )
        if not reason:
            raise Refusal(
                "Officer override: say why this receiver instead of the expected one.",
                field="reason",
            )
        return CustodyHandover.Check.OVERRIDE
    if not reason:
        if expected is None:
            message = (
                f"No expected receiver is on record for case {case.case_number}: say why "
                f"{receiver.name.strip()} receives them."
            )
        else:
            message = (
                f"{receiver.name.strip()} is not the expected receiver ({shown}): say why they "
                "receive them instead."
            )
        raise Refusal(message, field="reason", code="reason_needed")
    return CustodyHandover.Check.OTHER


def record_handover(
    user: User,
    case: Case,
    *,
    subject: str,
    giver: Giver,
    receiver: Receiver,
    place: str,
    idempotency_key: str,
    individuals: Sequence[Individual] = (),
    at: dt.datetime | None = None,
    choice: ReceiverChoice = EXPECTED_RECEIVER,
    signatures: Signatures = UNSIGNED,
) -> Saved[CustodyHandover]:
    """Who handed people (or a case's documents in custody) to whom, when and where, under the
    rules in this module's docstring; refused in words otherwise, with nothing saved. A repeat
    of the same key returns the first record. Call inside the transaction of the whole
    hand-over (``arrivals.services.handover`` moves the steps in the same one)."""
    require_port_perm(user, case.port, OPERATE)
    check_key(idempotency_key)
    if subject not in CustodyHandover.Subject.values:
        raise Refusal("Handover of: people or documents held in custody.", field="subject")
    people = case.members(individuals)
    moving = subject == CustodyHandover.Subject.PEOPLE
    if moving and not people:
        raise Refusal("Choose who is handed over.", field="individuals")
    if giver.kind not in Party.values or not giver.name.strip():
        raise Refusal("From: name who hands them over.", field="from_name")
    _check_receiver(receiver, people if moving else [])
    if not place.strip():
        raise Refusal("Place: where did the hand-over happen?", field="place")
    when = at or timezone.now()
    if when > timezone.now() + dt.timedelta(minutes=5):
        raise Refusal("Time: a hand-over cannot be recorded in the future.", field="at")
    of_minor = moving and receiver.kind != Party.STAFF and any(p.needs_custody for p in people)
    check = _receiver_check(user, case, receiver, people, of_minor, choice) if moving else ""
    giver_png = clean_png(signatures.giver, "Your signature") if signatures.giver else None
    receiver_png = (
        clean_png(signatures.receiver, "The receiver's signature") if signatures.receiver else None
    )
    if of_minor and (giver_png is None or receiver_png is None):
        if giver_png is None and receiver_png is None:
            missing = "Neither side has signed yet."
        elif giver_png is None:
            missing = "You have not signed yet."
        else:
            missing = "The receiver has not signed yet."
        raise Refusal(
            f"{_people_words([p for p in people if p.needs_custody])}: a minor in the "
            f"programme's care is handed over with both sides signing on the tablet. {missing}",
            code="no_signature",
            field="to_signature" if receiver_png is None else "from_signature",
        )
    actor = signed_in(user)
    earlier = CustodyHandover.objects.filter(idempotency_key=idempotency_key).first()
    if earlier is not None:
        return _repeat(earlier, case)

    handover = CustodyHandover(
        case=case,
        subject=subject,
        of_minor=of_minor,
        from_kind=giver.kind,
        from_name=giver.name.strip(),
        from_organisation=giver.organisation.strip(),
        to_kind=receiver.kind,
        to_name=receiver.name.strip(),
        to_organisation=receiver.organisation.strip(),
        to_phone=receiver.phone.strip(),
        to_id_type=receiver.id_type,
        to_id_last_digits=receiver.id_last_digits.strip().upper(),
        agency_office=receiver.agency_office,
        us_tie=receiver.us_tie,
        receiver_check=check,
        receiver_reason=choice.reason.strip()[:300] if check in ANOTHER else "",
        override_by=actor if check == CustodyHandover.Check.OVERRIDE else None,
        at=when,
        place=place.strip(),
        idempotency_key=idempotency_key,
        recorded_by=actor,
    )
    stored: list[str] = []
    try:
        for field, png in (("from_signature", giver_png), ("to_signature", receiver_png)):
            if png is not None:
                getattr(handover, field).save("signature.png", ContentFile(png), save=False)
                stored.append(getattr(handover, field).name)
        with transaction.atomic():
            saved, created = claim(handover)
            if created:
                saved.individuals.set(people)
                _audit(user, saved, people)
    except BaseException:
        _delete_files(handover, stored)
        raise
    if not created:  # another request with the same key was first: keep its files only
        _delete_files(handover, stored)
        return _repeat(saved, case)
    return Saved(saved)


def _repeat(earlier: CustodyHandover, case: Case) -> Saved[CustodyHandover]:
    if earlier.case_id != case.pk:
        raise Refusal("This form was already used for another case; reload the page.")
    return Saved(earlier, repeated=True)


def _delete_files(handover: CustodyHandover, names: list[str]) -> None:
    storage = handover.from_signature.storage
    for name in names:
        storage.delete(name)


def discard_signatures(handover: CustodyHandover) -> None:
    """Delete the signature files of a hand-over whose transaction did not commit (a caller
    that records more in the same transaction, and was refused after this record was made)."""
    _delete_files(handover, [f.name for f in (handover.from_signature, handover.to_signature) if f])


def _audit(user: User, handover: CustodyHandover, people: Sequence[Individual]) -> None:
    data = {
        "handover": handover.pk,
        "subject": handover.subject,
        "people": [p.pk for p in people],
        "from": [handover.from_kind, handover.from_name, handover.from_organisation],
        "to": [handover.to_kind, handover.to_name, handover.to_organisation],
        "to_id": [handover.to_id_type, handover.to_id_last_digits],
        "receiver_check": handover.receiver_check,
        "reason": handover.receiver_reason,
        "signed": handover.signed,
        "place": handover.place,
        "at": handover.at,
    }
    log_action(user, "poe.custody.handover", handover.case, port=handover.case.port, data=data)
    if handover.receiver_check == CustodyHandover.Check.OVERRIDE:
        log_action(
            user,
            "poe.custody.override",
            handover.case,
            port=handover.case.port,
            data={
                "handover": handover.pk,
                "officer": display_name(user),
                "receiver": handover.to_name,
                "reason": handover.receiver_reason,
                "people": [p.pk for p in people],
            },
        )


# --- The check the arrival steps run -----------------------------------------------------------


def release_of(person: Individual, receivers: frozenset[str]) -> CustodyHandover | None:
    """The latest hand-over of ``person`` to one of ``receivers`` that counts for them: for a
    URM or separated minor, only one made under the minors' rules (signed, checked)."""
    found = CustodyHandover.objects.filter(
        individuals=person, subject=CustodyHandover.Subject.PEOPLE, to_kind__in=receivers
    )
    if person.needs_custody:
        found = found.filter(of_minor=True)
    return found.order_by("-at", "-id").first()


def custody_refusal(person: Individual, to_step: str) -> str:
    """Why ``person`` may not be moved to ``to_step`` yet; empty otherwise. Asks the database
    only for the steps that end the POE's care (handed over; a minor's onward connection)."""
    if to_step == ArrivalStep.HANDED_OVER:
        if release_of(person, FINAL_RECEIVERS) is not None:
            return ""
        if person.needs_custody:
            return (
                f"{person} is a {person.get_programme_status_display()}: use “Hand over…” to "
                "hand them to the expected receiver, with ID and both signatures."
            )
        return (
            f"Handing {person} over needs the receiver named: use “Hand over…” (who receives "
            "them, their ID and phone)."
        )
    if to_step in ONWARD_RELEASE_STEPS and person.needs_custody:
        if release_of(person, ONWARD_RECEIVERS) is not None:
            return ""
        return (
            f"{person} is a {person.get_programme_status_display()}: record the hand-over to the "
            "airline (UMNR) or an IOM escort, with both signatures, before they depart."
        )
    return ""
