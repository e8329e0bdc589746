"""Test data builders. Ports and offices come from the data migration, not from factories."""

from __future__ import annotations

from typing import Any, cast

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

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
    date_of_birth = factory.Faker("date_of_birth", minimum_age=1, maximum_age=80)
    sex = "F"
    nationality = "AF"
    primary_language = "prs"


class FlightFactory(factory.django.DjangoModelFactory):
    """An inbound flight to a port (pass ``port=``)."""

    class Meta:
        model = "arrivals.Flight"

    carrier = "QR"
    number = factory.Sequence(lambda n: str(700 + n))
    scheduled_date = factory.LazyFunction(lambda: __import__("datetime").date.today())
    origin = "DOH"
    destination = factory.LazyAttribute(lambda o: o.port.iata)
