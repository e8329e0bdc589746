"""The port's vendors: the officers' (and HQ's) list with quality over a period, adding and
changing vendors and their contracted rates, and feedback on any vendor from associates."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from cases.forms.feedback import VendorFeedbackForm, record_feedback
from cases.forms.vendors import EndRateForm, PeriodForm, RateForm, ResolveForm, VendorForm
from cases.models.bookings import Vendor, VendorProblem
from cases.queries.vendors import period_bounds, vendor_quality
from cases.services import vendors as vendor_services
from poe_ops.forms import refusal_on_field, with_key
from poe_ops.http import HtmxHttpRequest
from poe_ops.models import Port
from poe_ops.refusals import Refusal
from poe_ops.registry import page_url
from poe_ops.roles import MANAGE, OPERATE
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
    port = get_port_or_404(request.user, iata, MANAGE)
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


def _vendor(request: HtmxHttpRequest, iata: str, pk: int) -> tuple[Port, Vendor]:
    port = get_port_or_404(request.user, iata, MANAGE)
    vendor = get_scoped_or_404(Vendor.objects.filter(port=port), request.user, MANAGE, pk=pk)
    return port, vendor


@login_required
def vendor_detail(
    request: HtmxHttpRequest,
    iata: str,
    pk: int,
    rate_form: RateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    port, vendor = _vendor(request, iata, pk)
    form, start, end = _period(request, port.local_today())
    since, until = period_bounds(port, start, end)
    today = port.local_today()
    rates = list(vendor.rates.select_related("created_by").order_by("unit", "-valid_from"))
    return render(
        request,
        "cases/vendor_detail.html",
        {
            "rates": [
                (rate, rate.covers(today), EndRateForm(auto_id=f"rate-{rate.pk}-%s"))
                for rate in rates
            ],
            "rate_form": rate_form or RateForm(vendor=vendor),
            "today": today,
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
        status=status,
    )


VENDOR_FORM = "cases/vendor_form.html"


@login_required
@require_http_methods(["GET", "POST"])
def new_vendor(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata, MANAGE)
    form = with_key(VendorForm(request.POST or None, initial={"active": True}))
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        key = data.pop("key")
        try:
            vendor = vendor_services.add_vendor(request.user, port, idempotency_key=key, **data)
        except Refusal as error:
            refusal = refusal_on_field(form, error)
        else:
            messages.success(request, f"{vendor} added. Now add its contracted rates.")
            return redirect("cases:vendor", iata=port.iata, pk=vendor.pk)
    return render(
        request,
        VENDOR_FORM,
        {"port": port, "current_port": port, "form": form, "refusal": refusal},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_vendor(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    port, vendor = _vendor(request, iata, pk)
    form = VendorForm(request.POST or None, instance=vendor)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            vendor_services.change_vendor(request.user, vendor, **form.cleaned_data)
        except Refusal as error:
            refusal = refusal_on_field(form, error)
        else:
            messages.success(request, f"{vendor.name}: saved.")
            return redirect("cases:vendor", iata=port.iata, pk=vendor.pk)
    vendor.refresh_from_db()
    return render(
        request,
        VENDOR_FORM,
        {"port": port, "current_port": port, "vendor": vendor, "form": form, "refusal": refusal},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def add_rate(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    port, vendor = _vendor(request, iata, pk)
    form = RateForm(request.POST, vendor=vendor)
    if form.is_valid():
        data = dict(form.cleaned_data)
        key = data.pop("key")
        try:
            rate = vendor_services.add_rate(request.user, vendor, idempotency_key=key, **data)
        except Refusal as error:
            top = refusal_on_field(form, error)
            if top:
                form.add_error(None, top)
        else:
            messages.success(request, f"{vendor.name}: rate added — {rate}.")
            return redirect(f"{_vendor_url(port, vendor)}#rates")
    return vendor_detail(request, port.iata, vendor.pk, rate_form=form, status=400)


@require_POST
@login_required
def end_rate(request: HtmxHttpRequest, iata: str, pk: int, rate_pk: int) -> HttpResponse:
    port, vendor = _vendor(request, iata, pk)
    rate = vendor.rates.filter(pk=rate_pk).first()
    if rate is None:
        raise Http404("No such rate.")
    form = EndRateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the rate's last day as a date.")
    else:
        try:
            vendor_services.end_rate(request.user, rate, form.cleaned_data["last_day"])
        except Refusal as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{vendor.name}: {rate.get_unit_display().lower()} ends.")
    return redirect(f"{_vendor_url(port, vendor)}#rates")


def _vendor_url(port: Port, vendor: Vendor) -> str:
    return reverse("cases:vendor", args=[port.iata, vendor.pk])


@require_POST
@login_required
def resolve_problem(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    problem = get_scoped_or_404(
        VendorProblem.objects.select_related("vendor__port"),
        request.user,
        MANAGE,
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
