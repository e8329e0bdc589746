"""Benchmark: the daily arrival manifest PDF of 500 individuals, against a plain-page floor.

The verdict is a ratio (issue 20): the manifest's best of three ≤ 8× the best of three of the
floor — WeasyPrint rendering a plain one-page document (a heading and a paragraph, no
stylesheet, no template), timed in the same process just before and just after the manifest, so
a busy machine slows both alike. The absolute seconds are printed beside the ratio.

`make bench` runs it on a throwaway PostgreSQL. By hand, from the repository root::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/poe_bench SECRET_KEY=... \
    ALLOWED_HOSTS=localhost python bench/bench_pdf.py [--keep /tmp/manifest.pdf]

It creates a throwaway test database (``test_<name>``, migrated, with the reference data),
books 125 families of four on five inbound flights at ATL today (a third with an onward
flight, some with wheelchairs, interpreters and unaccompanied minors), then times building the
manifest's context (the queries) and rendering it with WeasyPrint, three times each, and
destroys the database. The best of three is the figure quoted; every run is printed.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poe_ops.settings")

from django.db import connection  # noqa: E402

from bench._setup import on_throwaway_database  # noqa: E402

PEOPLE = 500
FLIGHTS = 5
TARGET_RATIO = 8.0
RUNS = 3
FLOOR_HTML = (
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>Floor</title></head>"
    "<body><h1>Arrival manifest</h1><p>One plain page: the cost of WeasyPrint itself, "
    "measured in the same run as the manifest.</p></body></html>"
)


def floor_seconds() -> list[float]:
    """WeasyPrint rendering a plain one-page document, ``RUNS`` times: the PDF floor."""
    from weasyprint import HTML

    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        document = HTML(string=FLOOR_HTML).render()
        document.write_pdf()
        times.append(time.perf_counter() - started)
        assert len(document.pages) == 1
    return times


def emit(key: str, what: str, value: float, unit: str, **extra: Any) -> None:
    row = {"key": key, "what": what, "value": round(value, 3), "unit": unit, **extra}
    print("BENCH-ROW " + json.dumps(row), flush=True)


def make_day(port: Any, day: Any) -> None:
    import datetime as dt
    import random

    from arrivals.models import Flight, Segment
    from cases.models import Case, Individual

    rng = random.Random(4)
    flights = [
        Flight.objects.create(
            carrier="QR",
            number=str(700 + n),
            scheduled_date=day,
            port=port,
            origin=["DOH", "IST", "DXB", "FRA", "AMS"][n],
            destination=port.iata,
            scheduled_arrival=dt.datetime.combine(day, dt.time(6 + 3 * n), tzinfo=port.zone),
        )
        for n in range(FLIGHTS)
    ]
    onward = Flight.objects.create(
        carrier="DL",
        number="1234",
        scheduled_date=day,
        port=port,
        origin=port.iata,
        destination="BOI",
        scheduled_departure=dt.datetime.combine(day, dt.time(21, 5), tzinfo=port.zone),
    )
    cases = Case.objects.bulk_create(
        Case(
            case_number=f"AF{n:06d}",
            abn_number=f"ABN{n:06d}",
            port=port,
            final_destination="Boise, ID",
        )
        for n in range(PEOPLE // 4)
    )
    given = ["Zahra", "Ahmad", "Maryam", "Ali", "Béatrice", "Omid", "Shirin", "Hawa"]
    surnames = ["Haidari", "Nyiramana", "Rahimi", "Mohammadi", "Uwimana", "Karimi", "Ahmadzai"]
    people = []
    for case in cases:
        surname = rng.choice(surnames)
        for n in range(4):
            person = Individual(
                case=case,
                person_number=f"{case.case_number}-{n + 1}",
                given_names=rng.choice(given),
                surname=surname,
                date_of_birth=dt.date(rng.randint(1950, 2022), rng.randint(1, 12), 1),
                sex=rng.choice("FM"),
                primary_language=rng.choice(["prs", "pus", "rw", "ar"]),
                interpreter_needed=rng.random() < 0.3,
                ssr_codes=["WCHR"] if rng.random() < 0.05 else [],
                programme_status="urm" if rng.random() < 0.02 else "",
                document_in_custody=n == 0,
            )
            person.name_folded = f"{person.given_names} {surname}".lower()
            people.append(person)
    Individual.objects.bulk_create(people)
    Segment.objects.bulk_create(
        Segment(case=case, flight=flights[n % FLIGHTS], direction="inbound")
        for n, case in enumerate(cases)
    )
    Segment.objects.bulk_create(
        Segment(case=case, flight=onward, direction="onward") for case in cases[::3]
    )


def run() -> int:
    from django.db import reset_queries
    from django.test.utils import CaptureQueriesContext

    from arrivals.queries.daily_manifest import manifest_context
    from poe_ops.models import Port
    from poe_ops.pdf import render_pdf_pages

    port = Port.objects.get(iata="ATL")
    day = port.local_today()
    make_day(port, day)

    floor_before = floor_seconds()
    keep = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None
    build_times, render_times, totals = [], [], []
    for run_number in range(RUNS):
        reset_queries()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            context = manifest_context(port, day)
        built = time.perf_counter()
        rendered = render_pdf_pages("arrivals/pdf/daily_manifest.html", context, port=port)
        finished = time.perf_counter()
        assert context["total"] == PEOPLE, context["total"]
        build_times.append(built - started)
        render_times.append(finished - built)
        totals.append(finished - started)
        print(
            f"run {run_number + 1}: context {built - started:5.2f} s ({len(queries)} queries), "
            f"render {finished - built:5.2f} s, total {finished - started:5.2f} s, "
            f"{rendered.page_count} pages, {len(rendered.content) / 1024:.0f} KB"
        )
        if keep:
            Path(keep).write_bytes(rendered.content)
    floor_after = floor_seconds()
    floor = min(floor_before + floor_after)
    best = min(totals)
    ratio = best / floor
    print(
        f"manifest of {PEOPLE} people on {FLIGHTS} flights: best context {min(build_times):.2f} s, "
        f"render {min(render_times):.2f} s, total {best:.2f} s"
    )
    print(f"floor (plain one-page PDF): best {floor * 1000:.0f} ms before and after")
    ok = ratio <= TARGET_RATIO
    print(f"target: ≤ {TARGET_RATIO:g}× the floor — {ratio:.1f}× — {'OK' if ok else 'TOO SLOW'}")
    emit(
        "pdf_floor",
        "PDF floor: WeasyPrint, a plain one-page document, best of 6",
        floor * 1000,
        "ms",
    )
    emit(
        "pdf_manifest",
        f"manifest PDF, {PEOPLE} people, best of {RUNS} (context {min(build_times):.2f} s)",
        best,
        "s",
        target=f"≤ {TARGET_RATIO:g}× floor",
        ok=ok,
        ratio=f"{ratio:.1f}× floor",
    )
    return 0


if __name__ == "__main__":
    sys.exit(on_throwaway_database(run))
