"""Handing the demo URM over on a tablet (768x1024) in real Chromium: to someone who is not her
expected receiver it is refused in words; to the expected agency worker, with his ID and both
signatures drawn with a "finger", it succeeds; the custody PDF names them, gives the ID's last
digits and carries both signature images. Screenshots and the PDF's pages (as PNG) are kept in
the artifacts directory to be looked at."""

from __future__ import annotations

import io
import subprocess

import pypdf
import pytest
from playwright.sync_api import expect

from arrivals.demo import seed_demo_day
from arrivals.demo.receivers import waiting_case_number
from cases.demo import seed_demo as seed_agency_offices
from cases.models import CustodyHandover, Individual
from poe_ops.models import Document, Notification
from tests.browser.tablet import ARTIFACTS, draw_signature, shoot, sign_in
from tests.browser.test_rebooking_in_chromium import serious_findings
from tests.pdfs import pdf_text
from tests.workers import running_worker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_storage"),
]

TABLET = (768, 1024)


@pytest.fixture
def demo_urm(atl, atl_associate):
    """The demo's URM at ATL today: through CBP, expected by Sam Rivera of IRC Atlanta."""
    seed_agency_offices()
    seed_demo_day(atl, atl.local_today(), actor=atl_associate)
    return Individual.objects.select_related("case").get(
        case__case_number=waiting_case_number(atl, atl.local_today(), "URM")
    )


def test_the_demo_urm_goes_only_to_her_expected_receiver_with_both_signatures(
    watched_page, live_server, atl, atl_associate, demo_urm
):
    page = watched_page
    page.set_viewport_size({"width": TABLET[0], "height": TABLET[1]})
    sign_in(page, live_server, "atl.associate")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    flight = demo_urm.case.segments.get().flight
    page.goto(f"{live_server.url}/ports/ATL/flights/{flight.pk}/")
    row = page.locator(f"#person-{demo_urm.pk}")
    expect(row.locator(".flag-urm")).to_have_text("URM")
    row.get_by_role("link", name="Hand over…").click()
    page.wait_for_url(f"**/individuals/{demo_urm.pk}/hand-over/")
    expect(page.locator("[data-expected-receiver]")).to_contain_text("Sam Rivera")
    assert serious_findings(page) == []

    # Someone else: refused in words, nothing saved.
    page.get_by_label("Someone else", exact=True).check()
    page.get_by_label("Someone else: name").fill("Grace Mutesi")
    page.get_by_label("Someone else: organisation or relationship").fill(
        "Catholic Charities Atlanta"
    )
    page.get_by_label("Why this receiver").fill("She says the caseworker sent her")
    page.get_by_label("Their identity document").select_option("drivers_license")
    page.get_by_label("Last 4 characters of its number").fill("1290")
    page.get_by_label("Their phone").fill("+1 404 555 0177")
    draw_signature(page, "id_from_signature", 14)
    draw_signature(page, "id_to_signature", 22)
    shoot(page, "handover-someone-else", [TABLET])
    page.get_by_role("button", name="Hand over").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Nothing was saved.")
    expect(alert).to_contain_text(
        "may be handed over only to the expected receiver, Sam Rivera (IRC Atlanta), not to "
        "Grace Mutesi"
    )
    shoot(page, "handover-refused", [TABLET])
    assert serious_findings(page) == [], "the refused form is as accessible as the fresh one"
    assert not CustodyHandover.objects.filter(individuals=demo_urm).exists()
    assert Individual.objects.get(pk=demo_urm.pk).current_step == "customs_cleared"

    # The expected agency worker, with his ID, both signing again: handed over.
    page.get_by_label("Expected receiver: Sam Rivera", exact=False).check()
    page.get_by_label("Why this receiver").fill("")
    page.get_by_label("Their identity document").select_option("badge")
    page.get_by_label("Last 4 characters of its number").fill("7731")
    page.get_by_label("Their phone").fill("")
    expect(page.locator(".someone-else")).to_be_hidden()
    draw_signature(page, "id_from_signature", 18)
    draw_signature(page, "id_to_signature", 26)
    page.get_by_role("button", name="Hand over").click()
    page.wait_for_url(f"**/cases/{demo_urm.case.case_number}/#case-custody")
    expect(page.get_by_role("status")).to_contain_text("Handed over to Sam Rivera: Aline Uwase.")
    timeline = page.locator(f"[data-timeline='{demo_urm.pk}']")
    expect(timeline).to_contain_text("Sam Rivera")
    expect(timeline).to_contain_text("Signed by both")
    shoot(page, "handover-case-page", [TABLET])
    record = CustodyHandover.objects.get(individuals=demo_urm)
    assert record.signed and record.receiver_check == "expected"
    assert Individual.objects.get(pk=demo_urm.pk).current_step == "handed_over"
    told = Notification.objects.get(kind="agency", object_id=str(record.pk))
    assert told.recipient_name == "IRC Atlanta" and "Aline Uwase" in told.body

    # The custody PDF: names, the ID's last digits, both signature images.
    page.locator(".custody-chain").get_by_role("button", name="Handover form (PDF)").click()
    page.wait_for_selector("#custody-document .document-pending, #custody-document .document-ready")
    with running_worker():
        page.wait_for_selector("#custody-document .document-ready a", timeout=20_000)
    document = Document.objects.get(kind="custody_form")
    content = document.file.read()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "custody-form.pdf").write_bytes(content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", str(ARTIFACTS / "custody-form.pdf"),
         str(ARTIFACTS / "custody-form")],
        check=True,
    )  # fmt: skip
    text = " ".join(pdf_text(content)).replace("\n", " ")
    assert "Uwase" in text and "Aline" in text
    staff = atl_associate.get_full_name()
    assert "Sam Rivera" in text and staff in text
    assert "Employer or agency badge ending 7731" in text
    images = [image for p in pypdf.PdfReader(io.BytesIO(content)).pages for image in p.images]
    assert len(images) == 2, "both signatures are drawn in the PDF"
    # The refused submit is answered 400 on purpose (the form in words); nothing else failed.
    assert [e for e in page.console_errors if "status of 400" not in e] == []
