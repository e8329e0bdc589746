"""/statistics/ in real Chromium under the strict CSP: the charts are drawn (no script, no
inline style needed), the page never scrolls sideways at 1440×900 or 1024×768, and the
screenshots are kept for a person to look at (test-artifacts/)."""

from __future__ import annotations

import pytest

from poe_ops.models import Port
from tests.browser.tablet import ARTIFACTS, sign_in
from tests.statistics_month import build_march

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1024, 768), (768, 1024)])
def test_the_statistics_page_draws_its_charts(watched_page, live_server, ny_ops, width, height):
    build_march(
        Port.objects.get(iata="JFK"), Port.objects.get(iata="ORD"), Port.objects.get(iata="ATL")
    )
    page = watched_page
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server, "ny.ops")
    page.wait_for_url(f"{live_server.url}/board/")
    page.goto(f"{live_server.url}/statistics/?period=month&start=2026-03-01")
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() == 3
    for n in range(3):
        box = charts.nth(n).bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 60
    assert page.locator(".stat-tiles dd").first.inner_text() == "16"
    # The filters' inputs and the button in line on each row they wrap to (a new row starts
    # where a control is left of the one before), whatever hint hangs below one of them.
    rows = page.eval_on_selector_all(
        ".stats-filters input, .stats-filters select, .stats-filters button",
        """els => els.map(el => el.getBoundingClientRect()).reduce((rows, box, i, boxes) => {
            if (i === 0 || box.left < boxes[i - 1].left) { rows.push([]); }
            rows[rows.length - 1].push(Math.round(box.top));
            return rows;
        }, [])""",
    )
    assert sum(len(row) for row in rows) == 5, rows
    assert all(max(row) - min(row) <= 2 for row in rows), rows
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "horizontal scroll"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"statistics-{width}x{height}.png"), full_page=True)
    assert page.console_errors == []
