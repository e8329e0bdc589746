"""Benchmark: handing a URM over on the tablet — the custody record with two signatures (decoded,
checked and redrawn by Pillow, written to the private storage), the step and the agency
office's message, in one transaction — and the custody PDF with both signature images.

`make bench` runs it on a throwaway PostgreSQL (see bench/README.md). It makes 30 URM cases at
ATL through customs, each expected by an agency worker of an office that takes the POE's messages,
hands each over (the first only to warm up; the figure: the median and 95th percentile of
``hand_over``), then renders the custody form of one three times (best of three). Targets: a
hand-over under 250 ms at the 95th percentile (the associate waits for it with the receiver in
front of them), the PDF under 2 s — judged, since issue 20 point 1, as ratios to floors measured
just before and after (``HANDOVER_RATIO``, ``PDF_RATIO``): one ORM update in the same process
(``bench/floor.py``) and WeasyPrint's plain one-page document (``bench/bench_pdf.py``).
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poe_ops.settings")

from bench._setup import on_throwaway_database  # noqa: E402
from bench.floor import Beside, orm_update  # noqa: E402
from bench.report import emit  # noqa: E402

MINORS = 30
# Issue 15's targets — a hand-over's p95 under 250 ms, the custody PDF under 2 s — as ratios to
# their floors on a quiet machine (docs/decisions.md, "Every bench verdict a ratio"): the ORM
# update's p50 was QUIET_FLOOR_MS, the plain page's best QUIET_PDF_FLOOR_MS.
HANDOVER_TARGET_MS = 250
PDF_TARGET_SECONDS = 2.0
QUIET_FLOOR_MS = 0.36
QUIET_PDF_FLOOR_MS = 14.0
HANDOVER_RATIO = round(HANDOVER_TARGET_MS / QUIET_FLOOR_MS)
PDF_RATIO = round(PDF_TARGET_SECONDS * 1000 / QUIET_PDF_FLOOR_MS)


def _signature(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (1200, 360), (0, 0, 0, 0))  # a tablet canvas at 2x density
    pen = ImageDraw.Draw(image)
    points = [(40 + i * 55, 120 + ((i * seed) % 7) * 25) for i in range(20)]
    pen.line(points, fill="black", width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def run() -> int:
    import datetime as dt

    from django.conf import settings

    from arrivals.models import Flight, Segment
    from arrivals.services.handover import hand_over
    from cases.documents import custody_form
    from cases.models import AgencyOffice, Case, ExpectedReceiver, Individual, ResettlementAgency
    from cases.services.custody import Giver, Receiver, Signatures
    from poe_ops.keys import new_key
    from poe_ops.models import Document, Port
    from poe_ops.pdf import render_pdf_pages
    from poe_ops.roles import Role, assign_port_role
    from tests.factories import make_user

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tempfile.mkdtemp(prefix="bench-handover-")},
        },
    }
    port = Port.objects.get(iata="ATL")
    user = make_user("bench.associate", first_name="Amina", last_name="Haidari")
    assign_port_role(user, port, Role.ASSOCIATE)
    office = AgencyOffice.objects.create(
        agency=ResettlementAgency.objects.get(code="IRC"),
        name="IRC Atlanta",
        city="Decatur",
        state="GA",
        duty_phone="+1 404 555 0140",
        email="atlanta@irc.example.org",
    )
    flight = Flight.objects.create(
        carrier="ET",
        number="513",
        scheduled_date=port.local_today(),
        port=port,
        origin="ADD",
        destination="ATL",
        scheduled_arrival=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
    )
    minors = []
    for n in range(MINORS):
        case = Case.objects.create(
            case_number=f"URM{n:05d}", abn_number=f"A{n}", port=port, agency_office=office
        )
        Segment.objects.create(case=case, flight=flight, direction="inbound")
        ExpectedReceiver.objects.create(
            case=case,
            kind="agency",
            name="Sam Rivera",
            organisation="IRC Atlanta",
            phone="+1 404 555 0142",
            agency_office=office,
        )
        minors.append(
            Individual.objects.create(
                case=case,
                person_number="P1",
                given_names="Aline",
                surname=f"Uwase{n}",
                date_of_birth=dt.date(2010, 3, 14),
                programme_status="urm",
                current_step="customs_cleared",
            )
        )
    receiver = Receiver(
        "agency",
        "Sam Rivera",
        "IRC Atlanta",
        phone="+1 404 555 0142",
        id_type="badge",
        id_last_digits="7731",
    )
    giver = Giver("staff", "Amina Haidari", "IOM")
    timings = []
    last = None

    def hand(minor: Individual, signatures: Signatures) -> Any:
        return hand_over(
            user,
            port,
            minor.case_id,
            individual_ids=[minor.pk],
            receiver=receiver,
            giver=giver,
            place="Door 3",
            signatures=signatures,
            idempotency_key=new_key(),
        )

    warm_up, *minors = minors  # the first call also loads the URL resolver and templates
    hand(warm_up, Signatures(_signature(1), _signature(2)))
    with Beside(orm_update(user)) as floor:
        for n, minor in enumerate(minors):
            signatures = Signatures(_signature(n + 2), _signature(n + 3))
            started = time.perf_counter()
            last = hand(minor, signatures)
            timings.append((time.perf_counter() - started) * 1000)
    assert last is not None and last.handover.signed
    median = statistics.median(timings)
    p95 = sorted(timings)[int(len(timings) * 0.95) - 1]
    floor_ms = floor.p50 * 1000
    print(f"hand-over of a URM with two signatures: median {median:.0f} ms, p95 {p95:.0f} ms")
    emit(
        "handover_floor",
        "floor: one ORM update in the same process, p50, just before and after the hand-overs",
        floor_ms,
        "ms",
        digits=3,
    )
    handover_ok = p95 <= HANDOVER_RATIO * floor_ms
    emit(
        "handover_urm",
        "Hand a URM over: record, 2 signatures, step, agency message (p95)",
        round(p95),
        "ms",
        f"≤ {HANDOVER_RATIO}× floor (< {HANDOVER_TARGET_MS} ms quiet)",
        handover_ok,
        ratio=f"{p95 / floor_ms:.0f}× floor",
    )

    from bench.bench_pdf import floor_seconds

    document = Document(kind="custody_form", port=port, object_id=str(last.handover.pk))
    renders = []
    pdf_floor = floor_seconds()
    for _ in range(3):
        started = time.perf_counter()
        rendered = render_pdf_pages(
            "cases/pdf/custody_form.html", custody_form(document), port=port
        )
        renders.append(time.perf_counter() - started)
    pdf_floor += floor_seconds()
    best, floor_best = min(renders), min(pdf_floor)
    print(f"custody form with 2 signatures: best {best:.2f} s, {len(rendered.content)} bytes")
    pdf_ok = best <= PDF_RATIO * floor_best
    emit(
        "custody_pdf",
        "Custody handover PDF with both signature images (best of 3)",
        round(best, 2),
        "s",
        f"≤ {PDF_RATIO}× PDF floor (< {PDF_TARGET_SECONDS:.0f} s quiet)",
        pdf_ok,
        ratio=f"{best / floor_best:.0f}× PDF floor ({floor_best * 1000:.0f} ms)",
    )
    return 0  # a missed target is the table's verdict, not a crash (bench/README.md)


if __name__ == "__main__":
    sys.exit(on_throwaway_database(run))
