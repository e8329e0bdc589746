"""The import screens in real Chromium at tablet sizes: upload the sample, then a broken file;
nothing off-screen, no CSP errors, the errors table readable."""

from __future__ import annotations

import pytest

from tests.browser.tablet import ARTIFACTS, TABLET_SIZES, sign_in
from tests.manifests import SAMPLE_CSV, manifest_rows, to_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wider_than_screen(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize(("width", "height"), TABLET_SIZES)
def test_a_senior_uploads_the_sample_then_a_broken_manifest(
    watched_page, live_server, atl_senior, tmp_path, width, height
):
    page = watched_page
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server, "atl.senior")
    page.wait_for_load_state()
    page.click("text=Imports")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"imports-{width}x{height}.png", full_page=True)

    page.set_input_files("input[type=file]", str(SAMPLE_CSV))
    page.click("button:has-text('Check and import')")
    page.wait_for_selector("text=Created: 6 cases")
    assert not wider_than_screen(page)
    page.screenshot(path=ARTIFACTS / f"import-applied-{width}x{height}.png", full_page=True)

    rows = manifest_rows(cases=20, people_per_case=2, prefix="B")
    rows[35]["date_of_birth"] = "1999-02-30"
    rows[3]["inbound_arrival_local"] = "2026-04-14 3pm"
    broken = tmp_path / "broken.csv"
    broken.write_bytes(to_csv(rows))
    page.click("text=Upload another")
    page.set_input_files("input[type=file]", str(broken))
    page.click("button:has-text('Check and import')")
    page.wait_for_selector("text=Nothing was imported")
    assert page.locator(".errors-table tbody tr").count() == 2
    assert not wider_than_screen(page)
    page.screenshot(path=ARTIFACTS / f"import-refused-{width}x{height}.png", full_page=True)
    assert page.console_errors == []
