"""The notification feed and email settings in real Chromium at tablet sizes."""

from __future__ import annotations

import pytest
from django.db import transaction

from poe_ops.models import NotificationKind
from poe_ops.services.notifications import notify
from tests.browser.tablet import ARTIFACTS, TABLET_SIZES, sign_in, small_targets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVENTS = [
    (NotificationKind.ARRIVAL, "ATL · Arrival: case AF100188 departed on DL1234"),
    (NotificationKind.FLIGHT_CHANGE, "ATL · Flight change: QR747 23 Nov delayed"),
    (
        NotificationKind.EMERGENCY,
        "ATL · Emergency: Amina Haidari taken to Grady Memorial Hospital (case AF100189)",
    ),
]


@pytest.mark.parametrize(("width", "height"), TABLET_SIZES)
def test_hq_reads_the_feed_and_sets_email_mutes_on_a_tablet(
    watched_page,
    live_server,
    atl,
    dc_ops,
    width,
    height,
):
    for kind, subject in EVENTS:
        with transaction.atomic():
            notify(kind, atl, None, subject, {"summary": f"{subject} <script>x</script>."})
    page = watched_page
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server, "dc.ops")
    page.goto(f"{live_server.url}/notifications/")
    assert page.locator(".nav-count").inner_text() == "3"
    assert page.locator(".notice.is-unread").count() == 3
    assert "<script>x</script>" in page.locator(".notice-summary").first.inner_text()
    assert small_targets(page) == []
    page.screenshot(path=str(ARTIFACTS / f"notifications-{width}x{height}.png"), full_page=True)
    page.click("text=Mark all read")
    page.wait_for_selector(".notice:not(.is-unread)")
    assert page.locator(".nav-count").count() == 0

    page.click("text=Email settings")
    emergency = page.locator("#email-emergency")
    assert emergency.is_checked() and emergency.is_disabled()
    page.uncheck("#email-flight_change")
    page.click("button:has-text('Save')")
    page.wait_for_selector(".message")
    assert "flight change" in page.locator(".message").inner_text()
    assert small_targets(page) == []
    page.screenshot(
        path=str(ARTIFACTS / f"notification-settings-{width}x{height}.png"), full_page=True
    )
    assert page.console_errors == []
