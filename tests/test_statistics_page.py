"""``/statistics/``: filters in the URL, the reader's ports only (another port is a 404), every
table as CSV and XLSX with the page's figures, formula-safe, and bad filters refused in words."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from poe_ops.models import Port
from reports.queries.statistics.tables import BUILDERS
from tests.factories import CaseFactory, FlightFactory, IndividualFactory, SegmentFactory
from tests.statistics_month import EXPECTED, build_march

pytestmark = pytest.mark.django_db

URL = reverse("reports:statistics")
MARCH = "period=month&start=2026-03-01"


@pytest.fixture
def march(jfk, atl) -> None:
    build_march(jfk, Port.objects.get(iata="ORD"), atl)


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_it_shows_the_months_figures_of_the_readers_ports(client, march, ny_ops):
    client.force_login(ny_ops)
    response = client.get(f"{URL}?{MARCH}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "March 2026" in page
    assert "3 ports: JFK, LAX, ORD" in page
    assert "ATL" not in page.split('id="main"')[1].split("</form>")[1]
    stats = response.context["stats"]
    assert stats.total.people == 16
    # The tables and their download links carry the same filters.
    assert f"/statistics/ports.csv?{MARCH}".replace("&", "&amp;") in page
    assert "2 h 15 min" in page  # JFK's median landing to hand-over, 135 minutes


def test_one_port_and_another_period_by_the_url(client, march, ny_ops):
    client.force_login(ny_ops)
    response = client.get(f"{URL}?period=custom&start=2026-03-31&end=2026-03-31&port=ORD")
    stats = response.context["stats"]
    assert [p.iata for p in stats.ports] == ["ORD"]
    assert stats.total.people == 4  # C12, 31 March 22:30 CDT
    assert "31 Mar 2026" in response.content.decode()
    week = client.get(f"{URL}?period=week&start=2026-03-08&port=JFK").context["stats"]
    assert (week.period.first.isoformat(), week.total.people) == ("2026-03-02", 2)


def test_another_ports_filter_is_a_404(client, march, jfk_associate):
    client.force_login(jfk_associate)
    assert client.get(f"{URL}?{MARCH}&port=ATL").status_code == 404
    assert client.get(f"{URL}?{MARCH}&port=ZZZ").status_code == 404
    assert (
        client.get(
            reverse("reports:statistics_download", args=["ports", "csv"]) + "?port=ATL"
        ).status_code
        == 404
    )
    assert client.get(f"{URL}?{MARCH}&port=JFK").status_code == 200


def test_someone_with_no_port_sees_nothing_counted(client, march, outsider):
    client.force_login(outsider)
    response = client.get(f"{URL}?{MARCH}")
    assert response.status_code == 200
    assert response.context["stats"].total.people == 0
    assert response.context["stats"].ports == []


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            "period=custom&start=2026-03-10&end=2026-03-01",
            "end",
            "The last day is before the first.",
        ),
        ("period=custom&start=2025-01-01&end=2026-03-01", "end", "at most 366 days"),
        ("period=custom&start=2026-03-10", "end", "Give the last day of the period."),
        ("period=month&start=2026-02-30", "start", "Enter a valid date."),
        ("period=fortnight", "period", "Select a valid choice."),
    ],
)
def test_bad_filters_are_refused_in_words(client, march, ny_ops, query, field, message):
    client.force_login(ny_ops)
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert message in " ".join(response.context["filters"].errors[field])
    assert response.context["stats"] is None
    download = client.get(
        reverse("reports:statistics_download", args=["ports", "csv"]) + f"?{query}"
    )
    assert download.status_code == 400


def test_every_table_downloads_as_csv_and_xlsx_with_the_pages_figures(client, march, ny_ops):
    client.force_login(ny_ops)
    for table in BUILDERS:
        for fmt in ("csv", "xlsx"):
            url = reverse("reports:statistics_download", args=[table, fmt]) + f"?{MARCH}"
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Content-Disposition"] == (
                f'attachment; filename="statistics-{table}-JFK-LAX-ORD-2026-03.{fmt}"'
            )
    rows = _csv(
        client.get(reverse("reports:statistics_download", args=["ports", "csv"]) + f"?{MARCH}")
    )
    assert rows[0][:3] == ["Port", "People arrived", "Cases"]
    jfk = next(r for r in rows if r[0] == "JFK")
    assert (jfk[1], jfk[2]) == (str(EXPECTED["JFK"]["people"]), str(EXPECTED["JFK"]["cases"]))
    assert rows[-1][:3] == ["All ports", "16", "9"]
    costs = _csv(
        client.get(reverse("reports:statistics_download", args=["costs", "csv"]) + f"?{MARCH}")
    )
    assert next(r for r in costs if r[0] == "JFK")[5:7] == ["611.00", "87.29"]
    times = _csv(
        client.get(reverse("reports:statistics_download", args=["times", "csv"]) + f"?{MARCH}")
    )
    assert times[0][2] == "To hand-over, median (minutes)"
    assert next(r for r in times if r[0] == "JFK")[1:4] == ["4", "135", "171"]
    book = load_workbook(
        io.BytesIO(
            client.get(
                reverse("reports:statistics_download", args=["costs", "xlsx"]) + f"?{MARCH}"
            ).content
        )
    )
    sheet = book.active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["Costs and staff hours · March 2026 · JFK, LAX, ORD"] + [None] * 9
    assert next(r for r in values if r[0] == "JFK")[5] == 611.0


# 19:40 in New York on 30 November: already 1 December in UTC (the server's time zone).
NEW_YORK_EVENING_OF_THE_30TH = dt.datetime(2026, 12, 1, 0, 40, tzinfo=dt.UTC)


def test_this_month_is_the_month_at_the_readers_ports_not_in_utc(client, jfk, jfk_associate):
    """Opened without a period on New York's evening of the 30th, the page is November's there,
    with the family that landed at 18:00 — not an empty December that has begun nowhere the
    reader looks (the CI met this between 00:00 and 05:00 UTC on the 1st)."""
    with time_machine.travel(NEW_YORK_EVENING_OF_THE_30TH, tick=False):
        case = CaseFactory.create(port=jfk)
        IndividualFactory.create(case=case, current_step="met", immigration_category="P1")
        landed = dt.datetime(2026, 11, 30, 23, 0, tzinfo=dt.UTC)  # 18:00 at JFK
        SegmentFactory.create(
            case=case, flight=FlightFactory.create(port=jfk, scheduled_arrival=landed)
        )
        client.force_login(jfk_associate)
        page = client.get(URL).content.decode()
        rows = _csv(client.get(reverse("reports:statistics_download", args=["category", "csv"])))
    assert "November 2026" in page
    assert "December 2026" not in page.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert [row[1:3] for row in rows[1:]] == [["1", "1"]]


def test_a_value_that_looks_like_a_formula_stays_text(client, jfk, jfk_associate):
    # An immigration category outside the list is shown (and downloaded) as it was stored.
    case = CaseFactory.create(port=jfk)
    IndividualFactory.create(case=case, current_step="met", immigration_category="=1+2")
    IndividualFactory.create(case=case, current_step="met", immigration_category="@SUM(A1)")
    SegmentFactory.create(
        case=case, flight=FlightFactory.create(port=jfk, scheduled_arrival=timezone.now())
    )
    client.force_login(jfk_associate)
    url = reverse("reports:statistics_download", args=["category", "csv"])
    rows = _csv(client.get(url))
    assert sorted(rows[1:]) == [["'=1+2", "1", "1"], ["'@SUM(A1)", "1", "1"]]
    book = load_workbook(
        io.BytesIO(
            client.get(reverse("reports:statistics_download", args=["category", "xlsx"])).content
        )
    )
    cells = sorted(str(row[0].value) for row in book.active.iter_rows(min_row=3))
    assert cells == ["'=1+2", "'@SUM(A1)"]
    assert book.active["A3"].data_type == "s"


def test_an_unknown_table_is_a_404(client, ny_ops):
    client.force_login(ny_ops)
    assert (
        client.get(reverse("reports:statistics_download", args=["salaries", "csv"])).status_code
        == 404
    )
    assert (
        client.get(reverse("reports:statistics_download", args=["ports", "pdf"])).status_code == 404
    )


def test_the_page_reads_a_fixed_number_of_queries(client, march, ny_ops, django_assert_num_queries):
    client.force_login(ny_ops)
    client.get(f"{URL}?{MARCH}")
    # The people of the period are counted in one PostgreSQL query (inside a savepoint that
    # gives it the memory to group a year), whatever the period's length. (21 since the process
    # remembers the reader's port permissions after the first request, issue 20.)
    with django_assert_num_queries(21):
        client.get(f"{URL}?{MARCH}")
    with django_assert_num_queries(21):
        client.get(f"{URL}?period=custom&start=2025-04-01&end=2026-03-31")


def test_the_page_draws_its_charts_with_their_words(client, march, ny_ops):
    client.force_login(ny_ops)
    page = client.get(f"{URL}?{MARCH}").content.decode()
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"') == 3
    assert (
        "People arrived per day, March 2026: JFK 10 (busiest 1 Mar: 3); LAX none; "
        "ORD 6 (busiest 31 Mar: 4)."
    ) in page
    assert (
        "Time from landing to hand-over, 6 people: under 1 h: 0; 1–2 h: 3; 2–3 h: 2; 3–4 h: 1; "
        "4–6 h: 0; 6–12 h: 0; 12 h or more: 0."
    ) in page
    assert (
        "Misconnections by cause, 3 people: Inbound flight landed late: 1; "
        "Onward flight delayed or cancelled: 1; Time in CBP and the airport: 1."
    ) in page


def test_a_hostile_value_in_a_table_arrives_escaped(client, march, ny_ops):
    """The tables' rows are written in Python (``stat_rows``), not by the template language:
    every cell is still escaped."""
    from cases.models import Case, ResettlementAgency

    hostile = ResettlementAgency.objects.create(code='<i x="1">', name="Hostile")
    Case.objects.filter(port__iata="JFK").update(agency=hostile)
    client.force_login(ny_ops)
    page = client.get(f"{URL}?{MARCH}").content.decode()
    assert "&lt;i x=&quot;1&quot;&gt;" in page
    assert '<i x="1">' not in page
