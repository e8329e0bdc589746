"""Paperwork in real Chromium: the button on the port day turns into "Preparing…" and then, by
itself (htmx polling under the strict CSP), into a download link that gives the PDF."""

from __future__ import annotations

import pytest

from tests.browser.tablet import ARTIFACTS, TABLET_SIZES, sign_in, small_targets
from tests.pdfs import pdf_text
from tests.scenarios import port_day
from tests.workers import running_worker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_storage"),
]


@pytest.mark.parametrize(("width", "height"), TABLET_SIZES)
def test_an_associate_asks_for_the_manifest_and_downloads_it(
    watched_page, live_server, atl, atl_associate, width, height
):
    data = port_day(atl)
    page = watched_page
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server, "atl.associate")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    ARTIFACTS.mkdir(exist_ok=True)
    page.click("button:has-text('Daily manifest (PDF)')")
    page.wait_for_selector(".document-pending")
    assert "Preparing daily arrival manifest" in page.inner_text("#manifest-document")
    page.screenshot(path=str(ARTIFACTS / f"manifest-preparing-{width}x{height}.png"))
    assert page.url == f"{live_server.url}/ports/ATL/today/"  # htmx: no reload

    with running_worker():
        page.wait_for_selector(".document-ready a", timeout=20_000)
    page.screenshot(path=str(ARTIFACTS / f"manifest-ready-{width}x{height}.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "horizontal scroll"
    assert small_targets(page) == []

    with page.expect_download() as download_info:
        page.click(".document-ready a")
    download = download_info.value
    assert download.suggested_filename == f"manifest-ATL-{data.day:%Y-%m-%d}.pdf"
    with open(download.path(), "rb") as handle:
        text = "".join(pdf_text(handle.read()))
    assert "Total: 7 people on 2 flights." in text
