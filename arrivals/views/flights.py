"""The flight status form: seniors, officers and Operations HQ set an inbound flight's status and
estimated or actual arrival, or a departing flight's status, estimated or actual departure and
gate. Times are typed in the port's local time."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from arrivals.forms.flights import DepartureStatusForm, FlightStatusForm
from arrivals.models import Flight
from arrivals.services.flights import update_departure, update_flight
from poe_ops.http import HtmxHttpRequest, device_of
from poe_ops.roles import COORDINATE
from poe_ops.scoping import get_port_or_404, get_scoped_or_404


def _local_input(flight: Flight, field: str) -> str:
    value = getattr(flight, field)
    if value is None:
        return ""
    return str(timezone.localtime(value, flight.port.zone).strftime("%Y-%m-%dT%H:%M"))


@login_required
@require_http_methods(["GET", "POST"])
def flight_status(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    port = get_port_or_404(request.user, iata, COORDINATE)
    flight = get_scoped_or_404(
        Flight.objects.select_related("port").filter(port=port), request.user, COORDINATE, pk=pk
    )
    departs = flight.leaves(port.iata)
    form: FlightStatusForm | DepartureStatusForm
    if departs:
        form = DepartureStatusForm(
            request.POST or None,
            port=port,
            initial={
                "status": flight.status,
                "estimated_departure": _local_input(flight, "estimated_departure"),
                "actual_departure": _local_input(flight, "actual_departure"),
                "gate": flight.gate,
            },
        )
    else:
        form = FlightStatusForm(
            request.POST or None,
            port=port,
            initial={
                "status": flight.status,
                "estimated_arrival": _local_input(flight, "estimated_arrival"),
                "actual_arrival": _local_input(flight, "actual_arrival"),
            },
        )
    if request.method == "POST" and form.is_valid():
        try:
            if departs:
                changes = update_departure(
                    request.user, flight, device=device_of(request), **form.cleaned_data
                )
            else:
                changes = update_flight(request.user, flight, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if changes:
                messages.success(request, f"{flight.code} updated: {flight.get_status_display()}.")
            else:
                messages.info(request, f"{flight.code}: nothing changed.")
            return redirect("arrivals:flight", iata=port.iata, pk=flight.pk)
    return render(
        request,
        "arrivals/flight_status.html",
        {
            "port": port,
            "current_port": port,
            "flight": flight,
            "form": form,
            "departs": departs,
        },
        status=400 if form.errors else 200,
    )
