"""Benchmark: the daily arrival manifest PDF of 500 individuals, against a plain-page floor.

The verdict is a ratio (issue 20): the manifest's best of three ≤ 8× the best of three of the
floor — WeasyPrint rendering a plain one-page document (a heading and a paragraph, no
stylesheet, no template), timed in the same process just before and just after the manifest, so
a busy machine slows both alike. The absolute seconds are printed beside the ratio.

Beside the verdict, a **per-page floor**: ``pdf/base.html`` (the project's stylesheet, fonts,
running header and "Page N of M" footer) with as many pages of plain paragraphs as the
manifest has pages, rendered the same way (``poe_ops.pdf.pdf_of_html``). The manifest ÷ that
floor is the part of the cost that is the manifest's own (its 500-row tables), not the cost of
making that many pages; see docs/performance.md, "The manifest PDF (issue 20 point 4)". The
render's CPU time is printed beside its wall clock (other work on shared cores inflates the
latter). ``--profile`` adds a cProfile of one render.

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

import cProfile
import functools
import io
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poe_ops.settings")

from django.db import connection  # noqa: E402

from bench._setup import on_throwaway_database  # noqa: E402
from bench.report import emit as emit_row  # noqa: E402

PEOPLE = 500
FLIGHTS = 5
TARGET_RATIO = 8.0
RUNS = 3
FLOOR_HTML = (
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>Floor</title></head>"
    "<body><h1>Arrival manifest</h1><p>One plain page: the cost of WeasyPrint itself, "
    "measured in the same run as the manifest.</p></body></html>"
)


PLAIN_PAGE = (
    "This page is the per-page floor: plain paragraphs in the project's PDF stylesheet, with "
    "the running header and the page footer every PDF has, and nothing else — no tables, no "
    "inline markup. "
) * 4
PAGES_FLOOR_TEMPLATE = (
    '{% extends "pdf/base.html" %}{% block content %}{% for page in pages %}'
    '<section{% if not forloop.first %} style="break-before: page"{% endif %}>'
    "<h2>Plain page {{ page }}</h2>"
    "{% for paragraph in paragraphs %}<p>{{ paragraph }}</p>{% endfor %}</section>"
    "{% endfor %}{% endblock %}"
)


# Seconds to the millisecond, as these figures were always printed.
emit = functools.partial(emit_row, digits=3)


def pages_floor_html(port: Any, pages: int) -> str:
    """``pdf/base.html`` with ``pages`` pages of plain text: what that many pages cost before
    any table."""
    from django.template import engines
    from django.utils import timezone

    template = engines["django"].from_string(PAGES_FLOOR_TEMPLATE)
    with timezone.override(port.zone):
        return template.render(
            {
                "title": "Per-page floor",
                "port": port,
                "generated_at": port.local_now(),
                "pages": range(1, pages + 1),
                "paragraphs": [PLAIN_PAGE] * 6,  # a page full, not more
            }
        )


def pages_floor_seconds(html: str, pages: int) -> float:
    """One render of the per-page floor, as the manifest is rendered (WeasyPrint only)."""
    from poe_ops.pdf import pdf_of_html

    started = time.perf_counter()
    rendered = pdf_of_html(html)
    elapsed = time.perf_counter() - started
    assert rendered.page_count == pages, (rendered.page_count, pages)
    return elapsed


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
    build_times, render_times, totals, cpu_times = [], [], [], []
    pages, pages_floor_html_text, pages_floor_times = 0, "", []
    for run_number in range(RUNS):
        reset_queries()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            context = manifest_context(port, day)
        built = time.perf_counter()
        cpu = time.process_time()
        rendered = render_pdf_pages("arrivals/pdf/daily_manifest.html", context, port=port)
        cpu = time.process_time() - cpu
        finished = time.perf_counter()
        assert context["total"] == PEOPLE, context["total"]
        pages = rendered.page_count
        build_times.append(built - started)
        render_times.append(finished - built)
        cpu_times.append(cpu)
        totals.append(finished - started)
        print(
            f"run {run_number + 1}: context {built - started:5.2f} s ({len(queries)} queries), "
            f"render {finished - built:5.2f} s (CPU {cpu:5.2f} s), "
            f"total {finished - started:5.2f} s, "
            f"{rendered.page_count} pages, {len(rendered.content) / 1024:.0f} KB, "
            f"load {os.getloadavg()[0]:.2f}"
        )
        if keep:
            Path(keep).write_bytes(rendered.content)
        # The per-page floor takes turns with the manifest, so both see the same machine.
        pages_floor_html_text = pages_floor_html_text or pages_floor_html(port, pages)
        pages_floor_times.append(pages_floor_seconds(pages_floor_html_text, pages))
    floor_after = floor_seconds()
    pages_floor = min(pages_floor_times)
    floor = min(floor_before + floor_after)
    best = min(totals)
    ratio = best / floor
    pages_ratio = min(render_times) / pages_floor
    print(
        f"manifest of {PEOPLE} people on {FLIGHTS} flights: best context {min(build_times):.2f} s, "
        f"render {min(render_times):.2f} s (CPU {min(cpu_times):.2f} s), total {best:.2f} s"
    )
    print(f"floor (plain one-page PDF): best {floor * 1000:.0f} ms before and after")
    print(
        f"per-page floor (pdf/base.html, {pages} pages of plain text): best {pages_floor:.2f} s "
        f"= {pages_floor / pages * 1000:.0f} ms a page; the manifest's render is "
        f"{pages_ratio:.1f}× it (its tables' own cost)"
    )
    ok = ratio <= TARGET_RATIO
    print(f"target: ≤ {TARGET_RATIO:g}× the floor — {ratio:.1f}× — {'OK' if ok else 'TOO SLOW'}")
    emit(
        "pdf_floor",
        "PDF floor: WeasyPrint, a plain one-page document, best of 6",
        floor * 1000,
        "ms",
    )
    emit(
        "pdf_pages_floor",
        f"PDF per-page floor: pdf/base.html, {pages} pages of plain text, best of {RUNS}",
        pages_floor,
        "s",
        detail=f"{pages_floor / pages * 1000:.0f} ms a page",
        ratio=f"{pages_floor / floor:.0f}× floor",
    )
    emit(
        "pdf_manifest",
        f"manifest PDF, {PEOPLE} people, {pages} pages, best of {RUNS} "
        f"(context {min(build_times):.2f} s, render CPU {min(cpu_times):.2f} s)",
        best,
        "s",
        target=f"≤ {TARGET_RATIO:g}× floor",
        ok=ok,
        ratio=f"{ratio:.1f}× floor; render {pages_ratio:.1f}× the {pages}-page floor",
    )
    if "--profile" in sys.argv:
        profiler = cProfile.Profile()
        profiler.enable()
        render_pdf_pages("arrivals/pdf/daily_manifest.html", context, port=port)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(15)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(on_throwaway_database(run))
