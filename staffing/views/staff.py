"""The port's staff: the list (with phones, languages and where credentials stand), and a
person's page where officers and HQ keep their phone, languages and credentials — adding one,
renewing one with its scan, and opening a scan."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from poe_ops.forms import refusal_on_field
from poe_ops.http import HtmxHttpRequest
from poe_ops.models import Port
from poe_ops.refusals import Refusal
from poe_ops.roles import MANAGE
from poe_ops.scoping import get_port_or_404, has_port_perm
from poe_ops.services.audit import log_personal_data_access
from poe_ops.uploads import IMAGES
from staffing.forms import CredentialForm, LanguageForm, PhoneForm, RenewForm
from staffing.models import Credential
from staffing.queries.staff import StaffRow, staff_list, staff_member
from staffing.services import credentials as credential_services
from staffing.services import staff as staff_services

STAFF = "staffing/staff.html"
PERSON = "staffing/staff_member.html"
CREDENTIAL_FORM = "staffing/credential_form.html"


@login_required
def staff(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata)
    today = port.local_today()
    return render(
        request,
        STAFF,
        {
            "port": port,
            "current_port": port,
            "rows": staff_list(port, today),
            "today": today,
            "may_manage": has_port_perm(request.user, port, MANAGE),
        },
    )


def _member(request: HtmxHttpRequest, iata: str, pk: int) -> tuple[Port, StaffRow]:
    port = get_port_or_404(request.user, iata, MANAGE)
    return port, staff_member(port, pk, port.local_today())


def _person_url(port: Port, row: StaffRow, anchor: str = "") -> str:
    url = reverse("staffing:staff_member", args=[port.iata, row.person.pk])
    return f"{url}#{anchor}" if anchor else url


def _person_page(
    request: HtmxHttpRequest, port: Port, row: StaffRow, status: int = 200, **forms: Any
) -> HttpResponse:
    context: dict[str, Any] = {
        "port": port,
        "current_port": port,
        "row": row,
        "today": port.local_today(),
        "phone_form": PhoneForm(initial={"phone": row.profile.phone}),
        "language_form": LanguageForm(),
        **forms,
    }
    return render(request, PERSON, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def staff_member_page(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    """The person's page; a POST changes their phone."""
    port, row = _member(request, iata, pk)
    if request.method == "POST":
        form = PhoneForm(request.POST)
        if form.is_valid():
            try:
                staff_services.change_phone(
                    request.user, port, row.profile, form.cleaned_data["phone"]
                )
            except Refusal as error:
                refusal_on_field(form, error)
            else:
                messages.success(request, f"{row.profile}: phone saved.")
                return redirect(_person_url(port, row))
        return _person_page(request, port, row, status=400, phone_form=form)
    return _person_page(request, port, row)


@require_POST
@login_required
def add_language(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    port, row = _member(request, iata, pk)
    form = LanguageForm(request.POST)
    if form.is_valid():
        try:
            spoken = staff_services.set_language(
                request.user,
                port,
                row.profile,
                form.cleaned_data["code"],
                form.cleaned_data["level"],
            )
        except Refusal as error:
            refusal_on_field(form, error)
        else:
            messages.success(request, f"{row.profile} speaks {spoken}.")
            return redirect(_person_url(port, row, "languages"))
    return _person_page(request, port, row, status=400, language_form=form)


@require_POST
@login_required
def remove_language(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    port, row = _member(request, iata, pk)
    staff_services.remove_language(request.user, port, row.profile, request.POST.get("code", ""))
    messages.success(request, f"{row.profile}: language removed.")
    return redirect(_person_url(port, row, "languages"))


def _credential_errors(form: Any, error: Exception) -> str:
    if isinstance(error, Refusal):
        return refusal_on_field(form, error)
    assert isinstance(error, ValidationError)
    form.add_error("scan", error.messages)
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def add_credential(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    port, row = _member(request, iata, pk)
    form = CredentialForm(request.POST or None, request.FILES or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        key = data.pop("key")
        try:
            credential = credential_services.add_credential(
                request.user, port, row.profile, idempotency_key=key, **data
            )
        except (Refusal, ValidationError) as error:
            refusal = _credential_errors(form, error)
        else:
            messages.success(request, f"{row.profile}: {credential.get_kind_display()} added.")
            return redirect(_person_url(port, row, "credentials"))
    return render(
        request,
        CREDENTIAL_FORM,
        {
            "port": port,
            "current_port": port,
            "row": row,
            "form": form,
            "refusal": refusal,
            "today": port.local_today(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _credential_of(row: StaffRow, credential_pk: int) -> Credential:
    for history in row.credentials:
        for credential in history.credentials:
            if credential.pk == credential_pk:
                return credential
    raise Http404("No such credential.")


@login_required
@require_http_methods(["GET", "POST"])
def renew_credential(
    request: HtmxHttpRequest, iata: str, pk: int, credential_pk: int
) -> HttpResponse:
    port, row = _member(request, iata, pk)
    old = _credential_of(row, credential_pk)
    form = RenewForm(request.POST or None, request.FILES or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            renewal = credential_services.renew_credential(
                request.user, port, old, **form.cleaned_data
            )
        except (Refusal, ValidationError) as error:
            refusal = _credential_errors(form, error)
        else:
            until = f"{renewal.expires:%d %b %Y}" if renewal.expires else "no expiry"
            messages.success(
                request, f"{row.profile}: {renewal.get_kind_display()} renewed, until {until}."
            )
            return redirect(_person_url(port, row, "credentials"))
    return render(
        request,
        CREDENTIAL_FORM,
        {
            "port": port,
            "current_port": port,
            "row": row,
            "form": form,
            "old": old,
            "refusal": refusal,
            "today": port.local_today(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def credential_scan(
    request: HtmxHttpRequest, iata: str, pk: int, credential_pk: int
) -> FileResponse:
    """The scan of a credential, to the port's officers and HQ only: never a public URL."""
    port, row = _member(request, iata, pk)
    credential = _credential_of(row, credential_pk)
    if not credential.scan:
        raise Http404("No scan was kept for this credential.")
    log_personal_data_access(request.user, credential, port=port, purpose="credential scan")
    is_image = credential.scan_type in IMAGES
    response = FileResponse(
        credential.scan.open("rb"),
        as_attachment=not is_image,
        filename=credential.scan_name or "scan",
        content_type=credential.scan_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
