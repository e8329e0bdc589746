"""The port's vendors: quality over a period for officers, and feedback on any vendor from
associates."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cases.forms import (
    PeriodForm,
    ResolveForm,
    VendorFeedbackForm,
    record_feedback,
)
from cases.models.bookings import Vendor, VendorProblem
from cases.queries.vendors import period_bounds, vendor_quality
from cases.services import vendors as vendor_services
from poe_ops.http import HtmxHttpRequest
from poe_ops.refusals import Refusal
from poe_ops.registry import page_url
from poe_ops.roles import OPERATE, SUPERVISE
from poe_ops.scoping import get_port_or_404, get_scoped_or_404


@login_required
@require_http_methods(["GET", "POST"])
def vendor_feedback(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    """Feedback on any vendor of the port, e.g. an interpreter service that did not call in."""
    port = get_port_or_404(request.user, iata, OPERATE)
    form = VendorFeedbackForm(request.POST or None, port=port)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        vendor = form.cleaned_data["vendor"]
        refusal = record_feedback(request, form, vendor)
        if not refusal:
            messages.success(request, f"Thank you: feedback on {vendor} recorded.")
            return redirect(page_url("port_day", port.iata))
    context = {
        "port": port,
        "current_port": port,
        "form": form,
        "title": f"Vendor feedback · {port.iata}",
        "refusal": refusal,
        "intro": "Rate a hotel, transport company or interpreter service, or log a problem.",
        "submit_label": "Record",
        "back": page_url("port_day", port.iata),
    }
    bad = request.method == "POST"
    return render(request, FORM, context, status=400 if bad else 200)


FORM = "cases/booking_form.html"


def _period(request: HtmxHttpRequest, today: dt.date) -> tuple[PeriodForm, dt.date, dt.date]:
    start, end = today - dt.timedelta(days=30), today
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    return form, start, end


@login_required
def vendors(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata, SUPERVISE)
    form, start, end = _period(request, port.local_today())
    return render(
        request,
        "cases/vendors.html",
        {
            "port": port,
            "current_port": port,
            "form": form,
            "start": start,
            "end": end,
            "rows": vendor_quality(port, start, end),
        },
    )


@login_required
def vendor_detail(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    port = get_port_or_404(request.user, iata, SUPERVISE)
    vendor = get_scoped_or_404(Vendor.objects.filter(port=port), request.user, SUPERVISE, pk=pk)
    form, start, end = _period(request, port.local_today())
    since, until = period_bounds(port, start, end)
    return render(
        request,
        "cases/vendor_detail.html",
        {
            "port": port,
            "current_port": port,
            "vendor": vendor,
            "form": form,
            "start": start,
            "end": end,
            "quality": vendor_quality(port, start, end, vendor=vendor)[0],
            "ratings": vendor.ratings.filter(rated_at__gte=since, rated_at__lt=until)
            .select_related("rated_by", "hotel_booking__case", "transport_booking__case")
            .order_by("-rated_at")[:200],
            # One form per problem, so each "What was done" label names its own text box.
            "open_problems": [
                (problem, ResolveForm(auto_id=f"problem-{problem.pk}-%s"))
                for problem in vendor.problems.filter(status=VendorProblem.Status.OPEN)
                .select_related("reported_by", "hotel_booking__case", "transport_booking__case")
                .order_by("-reported_at")
            ],
            "resolved": vendor.problems.filter(
                status=VendorProblem.Status.RESOLVED, reported_at__gte=since, reported_at__lt=until
            )
            .select_related("reported_by", "resolved_by")
            .order_by("-reported_at")[:200],
        },
    )


@require_POST
@login_required
def resolve_problem(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    problem = get_scoped_or_404(
        VendorProblem.objects.select_related("vendor__port"),
        request.user,
        SUPERVISE,
        via="vendor__port",
        pk=pk,
    )
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what was done before marking the problem resolved.")
    else:
        try:
            vendor_services.resolve_problem(
                request.user, problem.pk, form.cleaned_data["resolution"]
            )
        except Refusal as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Problem marked resolved.")
    return redirect("cases:vendor", iata=problem.vendor.port.iata, pk=problem.vendor_id)
