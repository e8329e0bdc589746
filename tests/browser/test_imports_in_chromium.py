"""The import screens in real Chromium at tablet sizes: upload the sample, see the preview with
nothing written, confirm it; then a file that moves nothing but has problems. Nothing
off-screen, no CSP errors, buttons big enough, the tables readable."""

from __future__ import annotations

import pytest

from cases.models import Case
from tests.browser.tablet import ARTIFACTS, TABLET_SIZES, sign_in, small_targets
from tests.manifests import SAMPLE_CSV, manifest_rows, to_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wider_than_screen(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize(("width", "height"), TABLET_SIZES)
def test_a_senior_uploads_previews_and_confirms_the_sample_then_a_broken_manifest(
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
    page.check("text=Every arrival of its days")
    page.click("button:has-text('Check and preview')")
    page.wait_for_selector("text=What this file would do")
    assert page.locator(".import-headline").first.inner_text() == "6 new cases"
    assert page.is_visible("text=Nothing has been written yet.")
    assert page.is_visible("text=MEQT is not a code the manifest guide lists")
    assert not Case.objects.exists()
    assert not wider_than_screen(page)
    assert small_targets(page) == []
    page.screenshot(path=ARTIFACTS / f"import-preview-{width}x{height}.png", full_page=True)

    page.locator("button:has-text('Apply this import')").first.click()
    page.wait_for_selector("text=What this import did")
    assert page.is_visible("text=Applied: 6 new cases.")
    assert page.is_visible("text=Created: 6 cases")
    assert page.locator("button:has-text('Apply this import')").count() == 0
    assert Case.objects.count() == 6
    assert not wider_than_screen(page)
    page.screenshot(path=ARTIFACTS / f"import-applied-{width}x{height}.png", full_page=True)

    rows = manifest_rows(cases=20, people_per_case=2, prefix="B")
    rows[35]["date_of_birth"] = "1999-02-30"
    rows[3]["inbound_arrival_local"] = "2026-04-14 3pm"
    broken = tmp_path / "broken.csv"
    broken.write_bytes(to_csv(rows))
    page.click("text=Upload another")
    page.set_input_files("input[type=file]", str(broken))
    page.check("text=Only some cases")
    page.click("button:has-text('Check and preview')")
    page.wait_for_selector("text=Nothing was imported")
    assert page.locator(".panel-danger .errors-table tbody tr").count() == 2
    assert page.is_visible("text=B000017")  # the case of row 37, beside the row
    assert not wider_than_screen(page)
    page.screenshot(path=ARTIFACTS / f"import-refused-{width}x{height}.png", full_page=True)
    assert page.console_errors == []
