"""Test data builders: one factory per model, with defaults for what a test does not care about.

Ports and offices come from the data migration, not from factories: pass ``port=`` (or, for a
row reached through its case, ``case__port=``). Whole scenarios built from these factories — a
family on a flight, a port's day — are in ``tests/scenarios.py``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from poe_ops.keys import new_key
from poe_ops.models import Port
from poe_ops.roles import Role, assign_port_role

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)


def make_user(username: str, **fields: Any) -> User:
    """A saved user with the shared test password."""
    return cast(User, UserFactory(username=username, **fields))


def make_port_user(username: str, port: Port, role: Role, **fields: Any) -> User:
    """A saved user holding ``role`` (associate, senior associate or officer) at ``port``."""
    user = make_user(username, **fields)
    assign_port_role(user, port, role)
    return user


def _booker(port: Port) -> User:
    """The one user per port who books, records and reports in the bookings factories."""
    return make_user(f"{port.iata.lower()}.booker")


# Cases and arrivals


class CaseFactory(factory.django.DjangoModelFactory):
    """A case at a port (pass ``port=``)."""

    class Meta:
        model = "cases.Case"

    case_number = factory.Sequence(lambda n: f"AF{n + 100000:06d}")
    abn_number = factory.Sequence(lambda n: f"ABN{n + 500000}")
    abn_version = 1
    final_destination = "Boise, ID"


class IndividualFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Individual"

    case = factory.SubFactory(CaseFactory)
    person_number = factory.Sequence(lambda n: f"P{n + 1:04d}")
    given_names = factory.Faker("first_name")
    surname = factory.Faker("last_name")
    programme_status = ""
    # A URM, separated or accompanied minor is under 18 (16 here); anyone else 1 to 80.
    date_of_birth = factory.Maybe(
        "programme_status",
        yes_declaration=factory.LazyFunction(
            lambda: dt.date.today().replace(day=1) - dt.timedelta(days=16 * 365)
        ),
        no_declaration=factory.Faker("date_of_birth", minimum_age=1, maximum_age=80),
    )
    sex = "F"
    nationality = "AF"
    primary_language = "prs"


class CarriedDocumentFactory(factory.django.DjangoModelFactory):
    """A paper in a person's travel packet (pass ``individual__case__port=``)."""

    class Meta:
        model = "cases.CarriedDocument"

    individual = factory.SubFactory(IndividualFactory)
    kind = "cbp_packet"


class FlightFactory(factory.django.DjangoModelFactory):
    """An inbound flight to a port (pass ``port=``). Given a ``scheduled_arrival``, its date is
    that arrival's date; without one, today."""

    class Meta:
        model = "arrivals.Flight"

    carrier = "QR"
    number = factory.Sequence(lambda n: str(700 + n))
    scheduled_arrival = None
    scheduled_date = factory.LazyAttribute(
        lambda o: o.scheduled_arrival.date() if o.scheduled_arrival else dt.date.today()
    )
    origin = "DOH"
    destination = factory.LazyAttribute(lambda o: o.port.iata)


class SegmentFactory(factory.django.DjangoModelFactory):
    """A case's inbound leg on a flight of the case's port (pass ``case=`` or ``case__port=``).
    ``individuals=[...]`` limits it to some of the case; by default it carries the whole case."""

    class Meta:
        model = "arrivals.Segment"
        skip_postgeneration_save = True  # the hook only adds to a many-to-many

    case = factory.SubFactory(CaseFactory)
    flight = factory.SubFactory(FlightFactory, port=factory.SelfAttribute("..case.port"))
    direction = "inbound"

    @factory.post_generation
    def individuals(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.individuals.add(*extracted)


class StepEventFactory(factory.django.DjangoModelFactory):
    """An accepted move from expected to met, at the person's port."""

    class Meta:
        model = "arrivals.StepEvent"

    individual = factory.SubFactory(IndividualFactory)
    port = factory.SelfAttribute("individual.case.port")
    from_step = "expected"
    to_step = "met"
    actor = factory.SubFactory(UserFactory)
    idempotency_key = factory.LazyFunction(new_key)


class ImportBatchFactory(factory.django.DjangoModelFactory):
    """A refused manifest upload at a port (pass ``port=``)."""

    class Meta:
        model = "arrivals.ImportBatch"

    uploaded_by = factory.SubFactory(UserFactory)
    file_name = "manifest.csv"
    sha256 = "0" * 64
    status = "refused"


# Bookings, escorts and custody


class VendorFactory(factory.django.DjangoModelFactory):
    """A hotel (or, with ``kind=``, a ground-transport company or interpreter service) at a port
    (pass ``port=``)."""

    class Meta:
        model = "cases.Vendor"

    kind = "hotel"
    name = factory.LazyAttributeSequence(lambda o, n: f"{o.port.iata} {o.kind} {n + 1}")


class VendorRateFactory(factory.django.DjangoModelFactory):
    """A hotel's room rate of $129 a night from 1 January 2026 until further notice (pass
    ``vendor=`` or ``vendor__port=``)."""

    class Meta:
        model = "cases.VendorRate"

    vendor = factory.SubFactory(VendorFactory)
    unit = "room_night"
    amount = Decimal("129.00")
    valid_from = dt.date(2026, 1, 1)
    created_by = factory.LazyAttribute(lambda o: _booker(o.vendor.port))


class HotelBookingFactory(factory.django.DjangoModelFactory):
    """A requested night at a hotel of the case's port (pass ``case=`` or ``case__port=``)."""

    class Meta:
        model = "cases.HotelBooking"

    case = factory.SubFactory(CaseFactory)
    vendor = factory.SubFactory(VendorFactory, port=factory.SelfAttribute("..case.port"))
    check_in = factory.LazyAttribute(lambda o: o.case.port.local_today())
    nights = 1
    rooms = 1
    cost = Decimal("129.00")
    meal_cost = Decimal("42.00")
    idempotency_key = factory.LazyFunction(new_key)
    created_by = factory.LazyAttribute(lambda o: _booker(o.case.port))


class GroundTransportBookingFactory(factory.django.DjangoModelFactory):
    """A requested ride from the arrivals hall to the hotel, now, with a company of the case's
    port (pass ``case=`` or ``case__port=``)."""

    class Meta:
        model = "cases.GroundTransportBooking"

    case = factory.SubFactory(CaseFactory)
    vendor = factory.SubFactory(
        VendorFactory, port=factory.SelfAttribute("..case.port"), kind="ground_transport"
    )
    pickup_at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC))
    pickup_place = "Arrivals hall"
    dropoff = "hotel"
    cost = Decimal("85.00")
    idempotency_key = factory.LazyFunction(new_key)
    created_by = factory.LazyAttribute(lambda o: _booker(o.case.port))


class VendorProblemFactory(factory.django.DjangoModelFactory):
    """A late pickup reported against a ground-transport company (pass ``vendor__port=``)."""

    class Meta:
        model = "cases.VendorProblem"

    vendor = factory.SubFactory(VendorFactory, kind="ground_transport")
    kind = "late_pickup"
    description = "Forty minutes late."
    reported_by = factory.LazyAttribute(lambda o: _booker(o.vendor.port))


class EscortAssignmentFactory(factory.django.DjangoModelFactory):
    """An IOM staff escort for ``individuals=[...]`` of a case (pass ``case=`` and
    ``assigned_by=``)."""

    class Meta:
        model = "cases.EscortAssignment"
        skip_postgeneration_save = True  # the hook only adds to a many-to-many

    kind = "iom_staff"
    name = "Grace Mwangi"
    organisation = "IOM"
    idempotency_key = factory.LazyFunction(new_key)

    @factory.post_generation
    def individuals(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.individuals.set(extracted)


class CustodyHandoverFactory(factory.django.DjangoModelFactory):
    """A case's documents handed from IOM staff to an agency representative, named (pass
    ``case=`` or ``case__port=``)."""

    class Meta:
        model = "cases.CustodyHandover"

    case = factory.SubFactory(CaseFactory)
    subject = "documents"
    from_kind = "staff"
    from_name = "Amina Haidari"
    from_organisation = "IOM"
    to_kind = "agency"
    to_name = "Sam Rivera"
    to_organisation = "IRC Atlanta"
    place = "Arrivals hall"
    idempotency_key = factory.LazyFunction(new_key)
    recorded_by = factory.LazyAttribute(lambda o: _booker(o.case.port))


def _agency(code: str) -> Any:
    """One of the agencies the data migration loads."""
    from cases.models import ResettlementAgency

    return ResettlementAgency.objects.get(code=code)


class AgencyOfficeFactory(factory.django.DjangoModelFactory):
    """A local office of the IRC (or ``agency=``) that takes the POE's messages."""

    class Meta:
        model = "cases.AgencyOffice"
        skip_postgeneration_save = True

    agency = factory.LazyFunction(lambda: _agency("IRC"))
    name = factory.Sequence(lambda n: f"IRC Office {n + 1}")
    city = "Atlanta"
    state = "GA"
    duty_phone = "+1 404 555 0100"
    after_hours_phone = "+1 404 555 0199"
    email = factory.Sequence(lambda n: f"office{n + 1}@irc.example.org")

    @factory.post_generation
    def ports(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.ports.add(*extracted)


class USTieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.USTie"

    case = factory.SubFactory(CaseFactory)
    name = "Farid Noori"
    relationship = "brother"
    phone = "+1 404 555 0123"


class ExpectedReceiverFactory(factory.django.DjangoModelFactory):
    """The case is expected to be handed to Sam Rivera, an agency worker (pass ``case=``)."""

    class Meta:
        model = "cases.ExpectedReceiver"

    kind = "agency"
    name = "Sam Rivera"
    organisation = "IRC Atlanta"
    phone = "+1 404 555 0142"
    source = "manifest"


# Staffing


class StaffProfileFactory(factory.django.DjangoModelFactory):
    """A user's staff profile (one per user), with ``home_ports=[...]`` added to it."""

    class Meta:
        model = "staffing.StaffProfile"
        django_get_or_create = ("user",)
        skip_postgeneration_save = True  # the hook only adds to a many-to-many

    user = factory.SubFactory(UserFactory)

    @factory.post_generation
    def home_ports(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.home_ports.add(*extracted)


class CredentialFactory(factory.django.DjangoModelFactory):
    """An airport badge (SIDA) valid until 2099."""

    class Meta:
        model = "staffing.Credential"

    profile = factory.SubFactory(StaffProfileFactory)
    kind = "airport_badge"
    number = factory.LazyAttribute(lambda o: f"SIDA-{o.profile.user.pk:05d}")
    authority = "Airport Authority"
    issued = dt.date(2024, 1, 1)
    expires = dt.date(2099, 1, 1)


class StaffLanguageFactory(factory.django.DjangoModelFactory):
    """A language a staff member speaks fluently (pass ``code=``)."""

    class Meta:
        model = "staffing.StaffLanguage"

    profile = factory.SubFactory(StaffProfileFactory)
    code = "prs"
    level = "fluent"


class ShiftFactory(factory.django.DjangoModelFactory):
    """An 08:00–16:00 arrivals-hall shift today, port-local (pass ``port=``), rostered by the
    person working it."""

    class Meta:
        model = "staffing.Shift"

    staff = factory.SubFactory(UserFactory)
    start = factory.LazyAttribute(
        lambda o: dt.datetime.combine(o.port.local_today(), dt.time(8), tzinfo=o.port.zone)
    )
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=8))
    created_by = factory.SelfAttribute("staff")


class LeaveRequestFactory(factory.django.DjangoModelFactory):
    """Two days of annual leave, 1–2 December 2026, awaiting a decision (pass ``port=``)."""

    class Meta:
        model = "staffing.LeaveRequest"

    author = factory.SubFactory(UserFactory)
    first_day = dt.date(2026, 12, 1)
    last_day = dt.date(2026, 12, 2)
    status = "submitted"


class TimesheetFactory(factory.django.DjangoModelFactory):
    """October 2026's timesheet, awaiting a decision (pass ``port=``)."""

    class Meta:
        model = "staffing.Timesheet"

    author = factory.SubFactory(UserFactory)
    month = dt.date(2026, 10, 1)
    status = "submitted"


# The port's operations: contacts, on-call, acting officer, the shift log, interpreters


class ContactFactory(factory.django.DjangoModelFactory):
    """The CBP passenger operations desk at a port (pass ``port=``)."""

    class Meta:
        model = "poe_ops.Contact"

    kind = "cbp"
    name = "Passenger operations desk"
    organisation = "CBP"
    phone = "+1 404 555 0100"
    updated_by = factory.LazyAttribute(lambda o: _booker(o.port))


class OnCallFactory(factory.django.DjangoModelFactory):
    """Tonight's on-call at a port (pass ``port=``)."""

    class Meta:
        model = "poe_ops.OnCall"

    night = factory.LazyAttribute(lambda o: o.port.local_today())
    person = factory.SubFactory(UserFactory)
    phone = "+1 404 555 0199"
    set_by = factory.SelfAttribute("person")


class DelegationFactory(factory.django.DjangoModelFactory):
    """Two port-local days of acting officer from today (pass ``port=``)."""

    class Meta:
        model = "poe_ops.Delegation"

    officer = factory.SubFactory(UserFactory)
    delegate = factory.SubFactory(UserFactory)
    starts_at = factory.LazyAttribute(
        lambda o: dt.datetime.combine(o.port.local_today(), dt.time.min, tzinfo=o.port.zone)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(days=2))
    idempotency_key = factory.LazyFunction(new_key)
    created_by = factory.SelfAttribute("officer")


class ShiftLogEntryFactory(factory.django.DjangoModelFactory):
    """A line in a port's shift log, written now (pass ``port=``)."""

    class Meta:
        model = "arrivals.ShiftLogEntry"

    text = "Belt 4 stopped at 23:10; bags for QR747 came out on belt 6."
    author = factory.SubFactory(UserFactory)
    idempotency_key = factory.LazyFunction(new_key)


class InterpreterBookingFactory(factory.django.DjangoModelFactory):
    """Two hours of a Dari interpreter in person for a flight now (pass ``port=``)."""

    class Meta:
        model = "arrivals.InterpreterBooking"

    vendor = factory.SubFactory(
        VendorFactory, port=factory.SelfAttribute("..port"), kind="interpreter"
    )
    flight = factory.SubFactory(FlightFactory, port=factory.SelfAttribute("..port"))
    language = "prs"
    starts_at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC))
    hours = Decimal("2")
    cost = Decimal("120.00")
    idempotency_key = factory.LazyFunction(new_key)
    created_by = factory.LazyAttribute(lambda o: _booker(o.port))


# Paperwork


class DocumentFactory(factory.django.DjangoModelFactory):
    """A pending request for the port's daily manifest of today (pass ``port=``)."""

    class Meta:
        model = "poe_ops.Document"

    kind = "daily_manifest"
    day = factory.LazyAttribute(lambda o: o.port.local_today())
    subject = factory.LazyAttribute(lambda o: f"{o.port.iata} day")
    requested_by = factory.SubFactory(UserFactory)
