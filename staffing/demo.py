"""Demo staffing for the quick start: profiles with phones, badges and languages for each port's
demo staff (at ATL one airport badge has expired: an officer renews it), a roster for the current
and next week, and who is on call tonight and the nights after. Today and tomorrow (the days with
demo flights) are staffed to the projected arrivals except one hour where a large flight lands,
and one arriving interpreter language has no rostered speaker. Invented people only.

``seed_staffing`` is idempotent: a port whose current week already has shifts is left alone."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User

from cases.models import Individual
from poe_ops import demo
from poe_ops.languages import language_key
from poe_ops.models import OnCall, Port, night_of
from staffing.models import (
    Credential,
    Position,
    Shift,
    StaffLanguage,
    StaffProfile,
    StaffRole,
)
from staffing.queries.coverage import coverage, projected_arrivals
from staffing.services import rosters
from staffing.services.rosters import ShiftRefused

# Extra staff who are rostered but never sign in (no usable password).
EXTRA_STAFF: dict[str, list[tuple[str, str, str]]] = {
    "ATL": [
        ("atl.fnoori", "Fatima", "Noori"),
        ("atl.jmensah", "John", "Mensah"),
        ("atl.ltorres", "Lucia", "Torres"),
        ("atl.sbakr", "Samir", "Bakr"),
    ],
    "JFK": [
        ("jfk.hkarimi", "Hamid", "Karimi"),
        ("jfk.anduwimana", "Aline", "Nduwimana"),
        ("jfk.pgarcia", "Pablo", "Garcia"),
        ("jfk.mtesfaye", "Meron", "Tesfaye"),
    ],
}
ROLE_OF = {
    "associate": StaffRole.ASSOCIATE,
    "senior": StaffRole.SENIOR,
    "officer": StaffRole.OFFICER,
}
# A few languages every port's staff speak, whatever flies in.
COMMON_LANGUAGES = ("en", "es", "fr", "ar", "sw")
AREA_CODES = {"ATL": "404", "JFK": "718"}
# Whose airport badge has expired in the demo: the officer renews it on the staff page, and the
# roster then takes them airside again.
EXPIRED_BADGE = "atl.ltorres"


def _local(port: Port, day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=port.zone) + dt.timedelta(hours=hour)


def _people(port: Port) -> tuple[User | None, list[User]]:
    """The port's officer (who rosters) and everyone to roster, officer last."""
    prefix = port.iata.lower()
    users = {u.username: u for u in User.objects.filter(username__startswith=f"{prefix}.")}
    officer = users.get(f"{prefix}.officer")
    for username, first, last in EXTRA_STAFF.get(port.iata, []):
        if username not in users:
            user = User(username=username, first_name=first, last_name=last)
            user.set_unusable_password()
            user.save()
            users[username] = user
    staff = [u for name, u in sorted(users.items()) if name != f"{prefix}.officer"]
    return officer, staff + ([officer] if officer else [])


def _needed_languages(port: Port, today: dt.date) -> list[str]:
    start = _local(port, today, 0)
    found = {
        language_key(a.language)
        for a in projected_arrivals(port, start, start + dt.timedelta(days=2))
        if a.language
    }
    return sorted(found)


def _profiles(
    port: Port, people: list[User], today: dt.date, unspoken: str, needed: list[str]
) -> None:
    spoken = [code for code in needed if code != unspoken] or ["en"]
    for n, user in enumerate(people):
        profile, created = StaffProfile.objects.get_or_create(user=user)
        profile.home_ports.add(port)
        if not created:
            continue
        suffix = user.username.split(".", 1)[1]
        profile.role = ROLE_OF.get(suffix, StaffRole.ASSOCIATE)
        profile.phone = f"+1 {AREA_CODES.get(port.iata, '202')} 555 01{n + 10:02d}"
        profile.save(update_fields=["role", "phone"])
        # One badge about to expire per port, one expired at ATL, and one PSEA training due.
        expires = today + dt.timedelta(days=12 if n == 2 else 400 + 30 * n)
        if user.username == EXPIRED_BADGE:
            expires = today - dt.timedelta(days=6)
        Credential.objects.create(
            profile=profile,
            kind=Credential.Kind.AIRPORT_BADGE,
            number=f"SIDA-{port.iata}-{4100 + n}",
            authority=f"{port.name or port.iata} security office",
            issued=expires - dt.timedelta(days=730),
            expires=expires,
        )
        Credential.objects.create(
            profile=profile,
            kind=Credential.Kind.TRAINING_PSEA,
            number=f"PSEA-{2025}-{n:03d}",
            authority="IOM",
            issued=today - dt.timedelta(days=340 if n == 1 else 100),
            expires=today + dt.timedelta(days=25 if n == 1 else 265),
        )
        # One code per language: "sw" and the arrivals' "swa" are both Swahili.
        codes = {
            language_key(code): code
            for code in ("en", COMMON_LANGUAGES[n % len(COMMON_LANGUAGES)], spoken[n % len(spoken)])
        }
        for key, code in sorted(codes.items()):
            if key != language_key(unspoken):
                StaffLanguage.objects.get_or_create(profile=profile, code=code)


def _try(
    officer: User, port: Port, person: User, start: dt.datetime, end: dt.datetime, position: str
) -> bool:
    try:
        rosters.add_shift(officer, port, staff=person, start=start, end=end, position=position)
    except ShiftRefused:
        return False
    return True


def _base_roster(port: Port, officer: User, staff: list[User], monday: dt.date) -> None:
    """Each day: one arrivals-hall shift 06–14 and one 14–22, transit/hotel overnight, the
    officer supervising 09–17 on weekdays. Rotated so nobody passes the weekly maximum."""
    others = [p for p in staff if p != officer]
    for d in range(14):
        day = monday + dt.timedelta(days=d)
        slots = [
            (6, 14, Position.ARRIVALS_HALL),
            (14, 22, Position.ARRIVALS_HALL),
            (22, 30, Position.TRANSIT_HOTEL),
        ]
        for k, (start, end, position) in enumerate(slots):
            for attempt in range(len(others)):
                person = others[(d * len(slots) + k + attempt) % len(others)]
                if _try(
                    officer,
                    port,
                    person,
                    _local(port, day, start),
                    _local(port, day, end),
                    position,
                ):
                    break
        if day.weekday() < 5:
            _try(
                officer,
                port,
                officer,
                _local(port, day, 9),
                _local(port, day, 17),
                Position.SUPERVISOR,
            )


def _cover_all_but_one(port: Port, officer: User, staff: list[User], today: dt.date) -> None:
    """Add shifts until every hour of today and tomorrow is covered, except the hour with the
    largest shortfall, which stays short to show what the page warns of."""
    days = coverage(port, today, 2)
    short = [h for day in days for h in day.hours if h.shortfall]
    if not short:
        return
    kept = max(short, key=lambda h: (h.shortfall, h.weighted))
    for _ in range(40):
        days = coverage(port, today, 2)
        todo = [h for day in days for h in day.hours if h.shortfall and h.start != kept.start]
        if not todo:
            return
        hour = todo[0]
        start, end = hour.start, hour.start + dt.timedelta(hours=4)
        if start < kept.start < end:
            end = kept.start
        if not any(
            _try(officer, port, p, start, end, Position.ARRIVALS_HALL)
            for p in _least_busy(port, staff, start)
        ):
            return  # nobody left to roster: the page shows the rest as short too


def _least_busy(port: Port, staff: list[User], moment: dt.datetime) -> list[User]:
    """Staff by the hours they already work that day, fewest first."""
    day = moment.astimezone(port.zone).date()
    start, end = _local(port, day, 0), _local(port, day, 24)
    hours = {p.pk: 0.0 for p in staff}
    for shift in Shift.objects.filter(port=port, start__gte=start, start__lt=end):
        if shift.staff_id in hours:
            hours[shift.staff_id] += float(shift.hours)
    return sorted(staff, key=lambda p: (hours[p.pk], p.username))


def _speakers_on_shift(port: Port, today: dt.date, unspoken: str) -> None:
    """Someone rostered when each interpreter language lands speaks it, except ``unspoken``."""
    window = dt.timedelta(minutes=max(port.cbp_allowance_minutes, 1))
    start = _local(port, today, 0)
    for arrival in projected_arrivals(port, start, start + dt.timedelta(days=2)):
        if arrival.departing or not arrival.language or arrival.language == unspoken:
            continue
        on_hand = Shift.objects.filter(
            port=port, start__lt=arrival.eta + window, end__gt=arrival.eta
        ).order_by("start", "staff_id")
        spoken = StaffLanguage.objects.filter(profile__user_id__in=on_hand.values("staff_id"))
        first = on_hand.first()
        if first is not None and not any(language_key(s.code) == arrival.language for s in spoken):
            profile = StaffProfile.objects.get(user_id=first.staff_id)
            if not any(language_key(s.code) == arrival.language for s in profile.languages.all()):
                StaffLanguage.objects.create(profile=profile, code=arrival.language)


def seed_staffing(port: Port) -> int:
    """Profiles and two weeks of roster at ``port``; returns the shifts created."""
    officer, staff = _people(port)
    if officer is None:
        return 0
    today = port.local_today()
    monday = today - dt.timedelta(days=today.weekday())
    week_start, _ = rosters.week_bounds(port, monday)
    if Shift.objects.filter(port=port, start__gte=week_start).exists():
        return 0
    needed = _needed_languages(port, today)
    busiest = sorted(
        needed,
        key=lambda code: (
            -Individual.objects.filter(
                case__port=port, interpreter_needed=True, primary_language=code
            ).count()
        ),
    )
    unspoken = busiest[-1] if len(busiest) > 1 else ""
    _profiles(port, staff, today, unspoken, needed)
    before = Shift.objects.filter(port=port).count()
    _base_roster(port, officer, staff, monday)
    _cover_all_but_one(port, officer, staff, today)
    _speakers_on_shift(port, today, unspoken)
    return Shift.objects.filter(port=port).count() - before


def seed_on_call(port: Port, nights: int = 7) -> int:
    """Who is on call tonight and the next nights: the port's staff with a phone, in turn."""
    officer, staff = _people(port)
    with_phone = [
        p
        for p in StaffProfile.objects.filter(user__in=staff, home_ports=port)
        .exclude(phone="")
        .select_related("user")
        .order_by("user__username")
    ]
    if officer is None or not with_phone:
        return 0
    made = 0
    first = night_of(port)
    for n in range(nights):
        profile = with_phone[n % len(with_phone)]
        _, created = OnCall.objects.get_or_create(
            port=port,
            night=first + dt.timedelta(days=n),
            defaults={"person": profile.user, "phone": profile.phone, "set_by": officer},
        )
        made += created
    return made


def seed_demo() -> str:
    """Staff profiles, this week's and next week's roster and the on-call rota where there are
    demo staff."""
    ports = demo.ports_with_demo_staff()
    shifts = sum(seed_staffing(port) for port in ports)
    nights = sum(seed_on_call(port) for port in ports)
    return f"{shifts} new shifts, {nights} on-call nights"
