"""The permission harness: every URL the project defines is walked and classified.

- Anonymous users are sent to the login page from every URL that is not public.
- A user of another port gets 404 from every port-scoped URL, for GET and POST alike, while the
  port's own staff reach the same URL built for their own port (so a 404 here means the check
  works, not that the URL is wrong).

A new URL that is not listed below fails ``test_every_url_is_classified``: add it to PUBLIC,
SIGNED_IN, GLOBAL_RECORDS or PORT_SCOPED. A port-scoped URL gives a function that builds its path
arguments for an object belonging to the given port (create the case, flight… there); a URL of a
record that belongs to no port (an agency) gives a function that builds one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from poe_ops.models import Port
from tests.factories import (
    AgencyOfficeFactory,
    CarriedDocumentFactory,
    CaseFactory,
    ContactFactory,
    CredentialFactory,
    CustodyHandoverFactory,
    DelegationFactory,
    DocumentFactory,
    FlightFactory,
    GroundTransportBookingFactory,
    HotelBookingFactory,
    ImportBatchFactory,
    IndividualFactory,
    InterpreterBookingFactory,
    LeaveRequestFactory,
    ShiftFactory,
    StepEventFactory,
    TimesheetFactory,
    VendorFactory,
    VendorProblemFactory,
    VendorRateFactory,
    make_user,
)
from tests.scenarios import PNG, attachment_on, signed_handover, staff, submitted_incident

pytestmark = pytest.mark.django_db

# The service worker and the manifest hold no data; the session endpoint says only whether the
# browser is signed in (and signs in, as the login page does).
PUBLIC: set[str] = {"login", "healthz", "session", "service_worker", "web_manifest"}

# Signed-in users only; the view itself shows only what the user's ports allow.
SIGNED_IN: set[str] = {
    "home",
    "logout",
    "arrivals:board",
    "arrivals:board_csv",
    "arrivals:imports",
    "notifications",
    "notifications_read",
    "notification_settings",
    "reports:incidents",
    # Statistics count only the reader's ports; naming another port in the filter is a 404
    # (tests/test_statistics_page.py).
    "reports:statistics",
    "reports:statistics_report",
    "reports:end_of_day_overview",
    "approvals",
    "staffing:home",
    # The second factor's own pages (tests/test_second_factor.py)
    "second_factor",
    "second_factor_setup",
    "second_factor_recovery_codes",
    "device",
    # Agencies and their offices belong to no port: everyone reads them, HQ keeps them.
    "cases:agencies",
    "cases:agency_messages",
    "cases:agency_new",
    "cases:agency_office_new",
}


def _agency() -> dict[str, Any]:
    from cases.models import ResettlementAgency

    return {"pk": ResettlementAgency.objects.get(code="IRC").pk}


def _agency_office() -> dict[str, Any]:
    return {"pk": AgencyOfficeFactory.create().pk}


# Signed-in URLs of a record of no port: name -> builds the URL's kwargs.
GLOBAL_RECORDS: dict[str, Callable[[], dict[str, Any]]] = {
    "cases:agency_edit": _agency,
    "cases:agency_office": _agency_office,
    "cases:agency_office_edit": _agency_office,
    # A statistics table: over the reader's own ports (tests/test_statistics_page.py).
    "reports:statistics_download": lambda: {"table": "ports", "fmt": "csv"},
}
# Of those (and SIGNED_IN), the pages only Operations HQ may open: others get 403.
HQ_ONLY = {"cases:agency_new", "cases:agency_office_new", "cases:agency_edit",
           "cases:agency_office_edit"}  # fmt: skip

# Actions that answer only POST: a GET is refused with 405 before anything else.
POST_ONLY: set[str] = {
    "logout",
    "arrivals:individual_step",
    "arrivals:case_step",
    "arrivals:undo_step",
    "notifications_read",
    "arrivals:request_manifest",
    "arrivals:request_case_sheet",
    "cases:request_hotel_form",
    "cases:request_custody_form",
    "cases:request_transport_manifest",
    "cases:booking_status",
    "cases:resolve_problem",
    "reports:incident_autosave",
    "reports:statistics_report",
    "reports:incident_submit",
    "reports:incident_add_attachment",
    "reports:incident_pdf",
    "approvals_approve",
    "approvals_return",
    "staffing:request_timesheet_pdf",
    "staffing:delete_shift",
    "staffing:decide_leave",
    "staffing:submit_timesheet",
    "staffing:decide_timesheet",
    # Officers' screens (issue 17)
    "end_delegation",
    "cases:add_rate",
    "cases:end_rate",
    "arrivals:interpreter_status",
    "staffing:add_language",
    "staffing:remove_language",
    "arrivals:import_confirm",
    "arrivals:import_discard",
    "cases:document_status",
}


def _flight_at(port: Port) -> dict[str, Any]:
    return {"iata": port.iata, "pk": FlightFactory.create(port=port).pk}


def _individual_at(port: Port) -> dict[str, Any]:
    return {"iata": port.iata, "pk": IndividualFactory.create(case__port=port).pk}


def _case_at(port: Port) -> dict[str, Any]:
    return {"iata": port.iata, "pk": CaseFactory.create(port=port).pk}


def _step_event_at(port: Port) -> dict[str, Any]:
    return {"iata": port.iata, "pk": StepEventFactory.create(individual__case__port=port).pk}


def _import_batch(port: Port) -> dict[str, Any]:
    return {"pk": ImportBatchFactory.create(port=port).pk}


def _carried_document_at(port: Port) -> dict[str, Any]:
    paper = CarriedDocumentFactory.create(individual__case__port=port)
    return {"case_number": paper.individual.case.case_number, "pk": paper.pk}


def _document_at(port: Port) -> dict[str, Any]:
    return {"pk": DocumentFactory.create(port=port).pk}


def _case_number_at(port: Port) -> dict[str, Any]:
    return {"case_number": CaseFactory.create(port=port).case_number}


def _incident_at(port: Port) -> dict[str, Any]:
    """A submitted incident report at ``port`` by one of its associates (so officers of the
    port may see it, and it awaits a decision)."""
    return {"pk": submitted_incident(port).pk}


def _incident_attachment_at(port: Port) -> dict[str, Any]:
    report = submitted_incident(port)
    return {"pk": report.pk, "attachment_pk": attachment_on(report).pk}


def _awaiting_incident_at(port: Port) -> dict[str, Any]:
    return {"key": "incident", **_incident_at(port)}


def _shift_at(port: Port) -> dict[str, Any]:
    return {"iata": port.iata, "pk": ShiftFactory.create(port=port).pk}


def _leave_at(port: Port) -> dict[str, Any]:
    return {"pk": LeaveRequestFactory.create(port=port).pk}


def _timesheet_at(port: Port) -> dict[str, Any]:
    return {"pk": TimesheetFactory.create(port=port).pk}


def _approved_timesheet_at(port: Port) -> dict[str, Any]:
    from staffing.models import Timesheet

    found = _timesheet_at(port)
    Timesheet.objects.filter(pk=found["pk"]).update(status="approved")
    return found


def _person_of_case_at(port: Port) -> dict[str, Any]:
    person = IndividualFactory.create(case__port=port)
    return {"case_number": person.case.case_number, "pk": person.pk}


def _signed_handover_at(port: Port) -> dict[str, Any]:
    return {"pk": signed_handover(port).pk, "side": "to"}


def _port_month(port: Port) -> dict[str, Any]:
    return {"iata": port.iata, "month": "2026-10"}


def _port(port: Port) -> dict[str, Any]:
    return {"iata": port.iata}


def _vendor_at(port: Port) -> dict[str, Any]:
    return {"iata": port.iata, "pk": VendorFactory.create(port=port).pk}


def _rate_at(port: Port) -> dict[str, Any]:
    rate = VendorRateFactory.create(vendor__port=port)
    return {"iata": port.iata, "pk": rate.vendor_id, "rate_pk": rate.pk}


def _staff_member_at(port: Port) -> dict[str, Any]:
    person = make_user(f"{port.iata.lower()}.staffer")
    from staffing.models import StaffLanguage

    # Asked for again within one test (every URL of a port in turn): the same staffer.
    if not StaffLanguage.objects.filter(profile__user=person).exists():
        staff(person, port, languages=("prs",))
    return {"iata": port.iata, "pk": person.pk}


def _credential_at(port: Port) -> dict[str, Any]:
    from django.core.files.base import ContentFile

    found = _staff_member_at(port)
    credential = CredentialFactory.create(
        profile__user_id=found["pk"], kind="cbp_seal", scan_name="seal.png", scan_type="image/png"
    )
    credential.scan.save("seal.png", ContentFile(PNG), save=True)
    return {**found, "credential_pk": credential.pk}


# name -> builds the URL's kwargs for an object that belongs to ``port``.
PORT_SCOPED: dict[str, Callable[[Port], dict[str, Any]]] = {
    "arrivals:port_today": lambda port: {"iata": port.iata},
    "arrivals:import_detail": _import_batch,
    "arrivals:import_confirm": _import_batch,
    "arrivals:import_discard": _import_batch,
    "cases:document_status": _carried_document_at,
    "arrivals:flight": _flight_at,
    "arrivals:individual_step": _individual_at,
    "arrivals:case_step": _case_at,
    "arrivals:undo_step": _step_event_at,
    # The onward journey (issue 14): the steps' small forms, rebooking a flight's whole group
    "arrivals:individual_step_detail": lambda port: {**_individual_at(port), "step": "hospital"},
    "arrivals:case_step_detail": lambda port: {**_case_at(port), "step": "bags_claimed"},
    "arrivals:rebook_group": _flight_at,
    "arrivals:flight_status": lambda port: {
        "iata": port.iata,
        "pk": FlightFactory.create(port=port).pk,
    },
    "arrivals:search": lambda port: {"iata": port.iata},
    "arrivals:case": lambda port: {"case_number": CaseFactory.create(port=port).case_number},
    "arrivals:request_manifest": lambda port: {"iata": port.iata},
    "arrivals:request_case_sheet": lambda port: {
        "case_number": CaseFactory.create(port=port).case_number
    },
    "document": _document_at,
    # Bookings, vendors, escorts, custody, rebooking (issue 8)
    "cases:book_hotel": _case_number_at,
    "cases:book_transport": _case_number_at,
    "cases:assign_escort": _case_number_at,
    "cases:record_custody": _case_number_at,
    "arrivals:rebook": _case_number_at,
    "cases:booking_status": lambda port: {
        "kind": "hotel",
        "pk": HotelBookingFactory.create(case__port=port).pk,
    },
    "cases:booking_feedback": lambda port: {
        "kind": "transport",
        "pk": GroundTransportBookingFactory.create(case__port=port).pk,
    },
    "cases:vendors": lambda port: {"iata": port.iata},
    "cases:vendor_feedback": lambda port: {"iata": port.iata},
    "cases:vendor": lambda port: {"iata": port.iata, "pk": VendorFactory.create(port=port).pk},
    "cases:resolve_problem": lambda port: {"pk": VendorProblemFactory.create(vendor__port=port).pk},
    "arrivals:hand_over": _individual_at,
    "cases:costs_csv": lambda port: {"iata": port.iata},
    "cases:request_hotel_form": lambda port: {"pk": HotelBookingFactory.create(case__port=port).pk},
    "cases:request_custody_form": lambda port: {
        "pk": CustodyHandoverFactory.create(case__port=port).pk
    },
    "cases:request_transport_manifest": lambda port: {"iata": port.iata},
    # Receivers and programme status (issue 15)
    "cases:case_agency_office": _case_number_at,
    "cases:add_us_tie": _case_number_at,
    "cases:expected_receiver": _case_number_at,
    "cases:custody_signature": _signed_handover_at,
    "arrivals:programme_status": _person_of_case_at,
    "staffing:request_timesheet_pdf": _approved_timesheet_at,
    "staffing:roster": lambda port: {"iata": port.iata},
    "staffing:add_shift": lambda port: {"iata": port.iata},
    "staffing:edit_shift": _shift_at,
    "staffing:delete_shift": _shift_at,
    "staffing:coverage": lambda port: {"iata": port.iata},
    "staffing:new_leave": lambda port: {"iata": port.iata},
    "staffing:leave_detail": _leave_at,
    "staffing:decide_leave": _leave_at,
    "staffing:my_timesheet": _port_month,
    "staffing:timesheet": _timesheet_at,
    "staffing:submit_timesheet": _timesheet_at,
    "staffing:decide_timesheet": _timesheet_at,
    "staffing:payroll": _port_month,
    "staffing:payroll_csv": _port_month,
    "staffing:payroll_xlsx": _port_month,
    "document_download": _document_at,
    "reports:incident_new": lambda port: {"iata": port.iata},
    "reports:incident_autosave": lambda port: {"iata": port.iata},
    "reports:incident": _incident_at,
    "reports:incident_edit": _incident_at,
    "reports:incident_submit": _incident_at,
    "reports:incident_add_attachment": _incident_at,
    "reports:incident_attachment": _incident_attachment_at,
    "reports:incident_pdf": _incident_at,
    "reports:end_of_day": lambda port: {"iata": port.iata},
    "approvals_approve": _awaiting_incident_at,
    "approvals_return": _awaiting_incident_at,
    # Officers' screens (issue 17)
    "delegations": _port,
    "end_delegation": lambda port: {
        "iata": port.iata,
        "pk": DelegationFactory.create(port=port).pk,
    },
    "cases:new_vendor": _port,
    "cases:edit_vendor": _vendor_at,
    "cases:add_rate": _vendor_at,
    "cases:end_rate": _rate_at,
    "cases:directory": _port,
    "cases:new_contact": _port,
    "cases:edit_contact": lambda port: {
        "iata": port.iata,
        "pk": ContactFactory.create(port=port).pk,
    },
    "arrivals:shift_log": _port,
    "arrivals:interpreters": _port,
    "arrivals:book_interpreter": _port,
    "arrivals:interpreter_status": lambda port: {
        "iata": port.iata,
        "pk": InterpreterBookingFactory.create(port=port).pk,
    },
    "staffing:staff": _port,
    "staffing:staff_member": _staff_member_at,
    "staffing:add_language": _staff_member_at,
    "staffing:remove_language": _staff_member_at,
    "staffing:add_credential": _staff_member_at,
    "staffing:renew_credential": _credential_at,
    "staffing:credential_scan": _credential_at,
    "staffing:on_call": _port,
    "staffing:set_on_call": lambda port: {"iata": port.iata, "night": f"{port.local_today()}"},
}


def _named_patterns(resolvers, namespace=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django admin guards itself; see test_admin_requires_staff
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>"


def all_url_names() -> list[str]:
    return sorted(set(_named_patterns(get_resolver().url_patterns)))


def url_for(name: str, port: Port | None = None) -> str:
    if name in PORT_SCOPED:
        assert port is not None
        return reverse(name, kwargs=PORT_SCOPED[name](port))
    if name in GLOBAL_RECORDS:
        return reverse(name, kwargs=GLOBAL_RECORDS[name]())
    return reverse(name)


def test_every_url_is_classified():
    registered = PUBLIC | SIGNED_IN | set(GLOBAL_RECORDS) | set(PORT_SCOPED)
    unclassified = [n for n in all_url_names() if n not in registered]
    assert not unclassified, (
        f"Add these URLs to the permission harness (tests/test_url_permissions.py): {unclassified}"
    )
    stale = registered - set(all_url_names())
    assert not stale, f"These harness entries name no URL any more: {sorted(stale)}"


@pytest.mark.parametrize("name", sorted(SIGNED_IN | set(GLOBAL_RECORDS) | set(PORT_SCOPED)))
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_login(client, name, method):
    url = url_for(name, Port.objects.get(iata="ATL"))
    response = getattr(client, method)(url)
    if name in POST_ONLY and method == "get":
        assert response.status_code == 405
        return
    assert response.status_code == 302, f"{method.upper()} {url} gave {response.status_code}"
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", sorted(PORT_SCOPED))
@pytest.mark.parametrize("outsider_fixture", ["atl_officer", "dc_ops"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_ports_user_gets_404(client, request, name, outsider_fixture, method):
    jfk = Port.objects.get(iata="JFK")
    url = url_for(name, jfk)
    client.force_login(request.getfixturevalue(outsider_fixture))
    response = getattr(client, method)(url)
    if name in POST_ONLY and method == "get":
        assert response.status_code == 405  # refused before any lookup: nothing leaks
        return
    assert response.status_code == 404, f"{method.upper()} {url} gave {response.status_code}"


@pytest.mark.parametrize("name", sorted(PORT_SCOPED))
def test_the_ports_own_staff_reach_the_same_url(client, jfk_officer, name):
    url = url_for(name, Port.objects.get(iata="JFK"))
    client.force_login(jfk_officer)
    response = client.get(url)
    assert response.status_code in {200, 302, 405}, f"GET {url} gave {response.status_code}"


@pytest.mark.parametrize("name", sorted(HQ_ONLY))
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_operations_hq_keeps_the_agency_list(client, atl_officer, dc_ops, name, method):
    url = url_for(name)
    client.force_login(atl_officer)
    assert getattr(client, method)(url).status_code == 403
    client.force_login(dc_ops)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", sorted(GLOBAL_RECORDS.keys() - HQ_ONLY))
def test_records_of_no_port_are_read_by_anyone_signed_in(client, jfk_associate, name):
    client.force_login(jfk_associate)
    assert client.get(url_for(name)).status_code == 200


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_urls_answer_without_login(client, name):
    assert client.get(reverse(name)).status_code == 200


def test_admin_requires_staff(client, atl_officer):
    assert client.get("/admin/").status_code == 302
    client.force_login(atl_officer)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_harness_catches_a_port_url_that_forgets_its_check(client, request, monkeypatch):
    """A view that looks a port up without the scoping helper must make the harness fail."""
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.test import override_settings
    from django.urls import path

    from tests.urlconf import urlconf_with

    @login_required
    def leaky(request, iata):
        port = Port.objects.get(iata=iata)  # no scoping: any signed-in user sees any port
        return HttpResponse(port.name)

    module = urlconf_with(path("leak/<str:iata>/", leaky, name="leak"))
    monkeypatch.setitem(PORT_SCOPED, "leak", lambda port: {"iata": port.iata})
    with override_settings(ROOT_URLCONF=module), pytest.raises(AssertionError, match="gave 200"):
        test_another_ports_user_gets_404(client, request, "leak", "atl_officer", "get")
    monkeypatch.delitem(PORT_SCOPED, "leak")
    with override_settings(ROOT_URLCONF=module), pytest.raises(AssertionError, match="leak"):
        test_every_url_is_classified()


# --- Incident reports routed apart: the protection focal point and a report's subject ----------

# Every URL of one incident report (its page, edit, submit, photos, PDF, the inbox's decisions).
INCIDENT_URLS = sorted(
    name
    for name, build in PORT_SCOPED.items()
    if build in (_incident_at, _incident_attachment_at, _awaiting_incident_at)
)


def _incident_urls(report) -> dict[str, str]:
    attachment = attachment_on(report)
    kwargs: dict[Any, dict[str, Any]] = {
        _incident_at: {"pk": report.pk},
        _incident_attachment_at: {"pk": report.pk, "attachment_pk": attachment.pk},
        _awaiting_incident_at: {"key": "incident", "pk": report.pk},
    }
    return {name: reverse(name, kwargs=kwargs[PORT_SCOPED[name]]) for name in INCIDENT_URLS}


def test_the_incident_urls_are_all_here():
    assert len(INCIDENT_URLS) == 8


@pytest.mark.usefixtures("private_storage")
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_reports_subject_gets_404_from_every_url_of_it(client, atl, atl_officer, method):
    """An officer named in a report is, for that report, an outsider."""
    report = submitted_incident(atl, category="security", staff_concerned=[atl_officer])
    client.force_login(atl_officer)
    for name, url in _incident_urls(report).items():
        response = getattr(client, method)(url)
        expected = 405 if name in POST_ONLY and method == "get" else 404
        assert response.status_code == expected, f"{method.upper()} {url}"


@pytest.mark.usefixtures("private_storage")
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("outsider_fixture", ["atl_officer", "dc_ops", "ny_protection"])
def test_a_protection_report_is_a_404_for_everyone_but_its_focal_point(
    client, request, atl, dc_protection, outsider_fixture, method
):
    report = submitted_incident(atl, category="protection", severity="high")
    client.force_login(request.getfixturevalue(outsider_fixture))
    for name, url in _incident_urls(report).items():
        response = getattr(client, method)(url)
        expected = 405 if name in POST_ONLY and method == "get" else 404
        assert response.status_code == expected, f"{method.upper()} {url}"


@pytest.mark.usefixtures("private_storage")
def test_the_protection_focal_point_reaches_every_url_of_it(client, atl, dc_protection):
    report = submitted_incident(atl, category="protection", severity="high")
    client.force_login(dc_protection)
    for url in _incident_urls(report).values():
        assert client.get(url).status_code in {200, 302, 405}, url
