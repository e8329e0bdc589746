"""A case's receivers, set from the case page: its agency office, its U.S. ties and the
receiver it is expected to be handed to; and the signature images of a custody record, served
only to those who may see the case. Thin: scope, form, one service call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cases.forms.receivers import CaseOfficeForm, ExpectedReceiverForm, USTieForm
from cases.models import Case, CustodyHandover
from cases.queries.cases import case_for
from cases.services import receivers
from poe_ops.http import HtmxHttpRequest
from poe_ops.refusals import Refusal
from poe_ops.registry import page_url
from poe_ops.roles import OPERATE
from poe_ops.scoping import get_scoped_or_404

FORM = "cases/booking_form.html"


def _page(
    request: HtmxHttpRequest, case: Case, form: object, title: str, refusal: str, **extra: object
) -> HttpResponse:
    context = {
        "case": case,
        "port": case.port,
        "current_port": case.port,
        "form": form,
        "title": title,
        "refusal": refusal,
        **extra,
    }
    return render(request, FORM, context, status=400 if request.method == "POST" else 200)


def _to_case(case: Case) -> HttpResponse:
    return redirect(f"{page_url('case', case.case_number)}#case-receiving")


@login_required
@require_http_methods(["GET", "POST"])
def agency_office(request: HtmxHttpRequest, case_number: str) -> HttpResponse:
    case = case_for(request.user, case_number, OPERATE)
    form = CaseOfficeForm(request.POST or None, case=case)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            receivers.set_agency_office(request.user, case, form.cleaned_data["agency_office"])
        except Refusal as error:
            refusal = str(error)
        else:
            messages.success(request, "Agency office saved.")
            return _to_case(case)
    return _page(request, case, form, "Agency office", refusal, submit_label="Save")


@login_required
@require_http_methods(["GET", "POST"])
def us_tie(request: HtmxHttpRequest, case_number: str) -> HttpResponse:
    case = case_for(request.user, case_number, OPERATE)
    form = USTieForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            receivers.add_us_tie(
                request.user,
                case,
                name=data["name"],
                relationship=data["relationship"],
                phone=data["phone"],
                city=data["city"],
                idempotency_key=data["key"],
            )
        except Refusal as error:
            refusal = str(error)
        else:
            messages.success(request, f"U.S. tie added: {data['name']}.")
            return _to_case(case)
    intro = "A relative or close friend in the United States who receives the case."
    return _page(request, case, form, "Add a U.S. tie", refusal, intro=intro, submit_label="Add")


@login_required
@require_http_methods(["GET", "POST"])
def expected_receiver(request: HtmxHttpRequest, case_number: str) -> HttpResponse:
    case = case_for(request.user, case_number, OPERATE)
    form = ExpectedReceiverForm(request.POST or None, case=case)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            receivers.set_expected_receiver(
                request.user,
                case,
                kind=data["kind"],
                name=data["name"],
                agency_office=data["agency_office"],
                phone=data["phone"],
                us_tie=data["us_tie"],
                reason=data["reason"],
            )
        except Refusal as error:
            refusal = str(error)
        else:
            messages.success(request, "Expected receiver saved.")
            return _to_case(case)
    intro = (
        "Whom the case is handed to at the end of the arrival. A URM or separated minor is handed "
        "only to this person; for them, only an officer sets or changes it, with a reason."
    )
    return _page(
        request, case, form, "Expected receiver", refusal, intro=intro, submit_label="Save"
    )


@login_required
def custody_signature(request: HtmxHttpRequest, pk: int, side: str) -> HttpResponseBase:
    """A signature of a custody record, for those who may see its case (another port's: 404).
    Private storage, never cached, never sniffed as anything but a PNG."""
    if side not in {"from", "to"}:
        raise Http404("No such signature.")
    handover = get_scoped_or_404(
        CustodyHandover.objects.select_related("case__port"), request.user, via="case__port", pk=pk
    )
    if request.method not in {"GET", "HEAD"}:  # after the scope check: another port's is a 404
        return HttpResponseNotAllowed(["GET"])
    file = handover.from_signature if side == "from" else handover.to_signature
    if not file:
        raise Http404("Not signed.")
    try:
        opened = file.open("rb")
    except FileNotFoundError:  # deleted by the retention run (docs/retention.md)
        raise Http404("This signature was deleted after the retention period.") from None
    response = FileResponse(opened, content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="signature-{side}-{handover.pk}.png"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response
