"""Incident reports in real Chromium at tablet sizes: an associate files one from a person's row
on the flight page (the draft saves itself as they type, under the strict CSP), submits it,
and the officer approves it from /approvals/ with htmx without leaving the page."""

from __future__ import annotations

import pytest

from reports.models import IncidentReport
from tests.browser.tablet import ARTIFACTS, TABLET_SIZES, go_offline, sign_in, small_targets
from tests.scenarios import family_on_flight, submitted_incident

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_storage"),
]


def _photo() -> bytes:
    """A real little PNG (Pillow comes with WeasyPrint), so the thumbnail shows."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(("width", "height"), TABLET_SIZES)
def test_an_associate_files_from_the_flight_and_the_officer_approves_in_place(
    watched_page, live_server, browser, atl, atl_associate, atl_officer, width, height
):
    case, people = family_on_flight(atl, size=2)
    flight = case.segments.get().flight
    person = people[0]
    waiting = [submitted_incident(atl) for _ in range(2)]  # others in the officer's inbox
    page = watched_page
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server, "atl.associate")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    page.goto(f"{live_server.url}/ports/ATL/flights/{flight.pk}/")
    page.click(f"#person-{person.pk} a:has-text('Report incident')")
    page.wait_for_selector("#incident-form")
    assert page.is_checked(f"input[name=individuals][value='{person.pk}']")
    assert page.input_value("#id_case_number") == case.case_number

    page.select_option("#id_category", "medical")
    page.select_option("#id_severity", "critical")
    page.fill("#id_narrative", "Fainted at the baggage belt.")
    page.wait_for_selector("#autosave-status .saved", timeout=10_000)
    assert "Saved" in page.inner_text("#autosave-status")
    report = IncidentReport.objects.get(author=atl_associate)
    assert report.narrative == "Fainted at the baggage belt."
    assert page.url.endswith(f"/incidents/{report.pk}/edit/"), "a reload opens the draft"
    page.wait_for_selector("#incident-attachments input[type=file]")

    # The connection drops: what is typed stays on the screen, and the status says it is not
    # saved; back online, it saves by itself.
    go_offline(page)
    page.type("#id_actions_taken", "EMS called;", delay=20)
    page.wait_for_selector("#autosave-status .field-error", timeout=10_000)
    assert "Not saved" in page.inner_text("#autosave-status")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#autosave-status .saved", timeout=10_000)
    report.refresh_from_db()
    assert report.actions_taken == "EMS called;"
    # htmx and Chromium log the failed request; nothing else may have gone wrong meanwhile.
    offline_noise = ("htmx:", "ERR_INTERNET_DISCONNECTED")
    assert all(any(n in e for n in offline_noise) for e in page.console_errors)
    page.console_errors.clear()
    page.type("#id_actions_taken", " she was taken to Grady.", delay=20)
    page.wait_for_function("document.querySelector('#autosave-status').innerText.includes('Saved')")
    page.wait_for_timeout(1500)
    report.refresh_from_db()
    assert report.actions_taken == "EMS called; she was taken to Grady."
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"incident-form-{width}x{height}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "horizontal scroll"
    assert small_targets(page) == []

    page.set_input_files(
        "#id_file", files=[{"name": "belt.png", "mimeType": "image/png", "buffer": _photo()}]
    )
    page.click("#incident-attachments button:has-text('Add')")
    page.wait_for_selector("text=“belt.png” was added.")
    assert page.input_value("#id_actions_taken") == "EMS called; she was taken to Grady."

    page.click("button:has-text('Submit for approval')")
    page.wait_for_url(f"{live_server.url}/incidents/{report.pk}/")
    assert "Awaiting approval" in page.inner_text("h1")
    page.screenshot(path=str(ARTIFACTS / f"incident-detail-{width}x{height}.png"), full_page=True)
    assert page.console_errors == []

    officer = browser.new_page()
    officer.set_viewport_size({"width": width, "height": height})
    sign_in(officer, live_server, "atl.officer")
    officer.goto(f"{live_server.url}/approvals/")
    assert officer.inner_text(".nav-count") == "3" or "3" in officer.inner_text(".topbar")
    row = f"#approval-incident-{report.pk}"
    low = f"#approval-incident-{waiting[1].pk}"
    officer.fill(f"#comment-incident-{waiting[0].pk}", "Say which gate.")
    officer.screenshot(path=str(ARTIFACTS / f"approvals-{width}x{height}.png"), full_page=True)
    # The critical report is not approvable from the list: it is opened and read first.
    assert officer.locator(f"{row} button:has-text('Approve')").count() == 0
    officer.click(f"{low} button:has-text('Approve')")
    officer.wait_for_selector(f"{low}.is-decided")
    assert "Approved by you" in officer.inner_text(low)
    # Still on the inbox, the other rows untouched (a typed comment kept).
    assert officer.url == f"{live_server.url}/approvals/"
    assert officer.input_value(f"#comment-incident-{waiting[0].pk}") == "Say which gate."
    officer.click(f"#approval-incident-{waiting[0].pk} button:has-text('Return')")
    officer.wait_for_selector(f"#approval-incident-{waiting[0].pk}.is-decided")
    officer.screenshot(
        path=str(ARTIFACTS / f"approvals-decided-{width}x{height}.png"), full_page=True
    )
    assert officer.evaluate("document.documentElement.scrollWidth") <= width
    officer.click(f"{row} a:has-text('Open to decide')")
    officer.wait_for_url(f"{live_server.url}/incidents/{report.pk}/")
    officer.click(".decide-panel button:has-text('Approve')")
    officer.wait_for_load_state()
    assert "approved" in officer.inner_text(".messages").lower()
    report.refresh_from_db()
    assert report.status == "approved"
    officer.goto(f"{live_server.url}/incidents/?port=ATL&category=medical")
    assert officer.locator(".incident-table tbody tr").count() == 1
    officer.screenshot(path=str(ARTIFACTS / f"incidents-{width}x{height}.png"), full_page=True)
    assert officer.evaluate("document.documentElement.scrollWidth") <= width
    officer.close()
