"""What ``reports`` offers on the pages of the apps below it (``poe_ops.registry.PageLink``):
"Report incident" on the flight page, the case page and each person's row, for those who may
operate the port; "End of day" on a port's day and on the board."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from poe_ops.registry import PageLink, register_link, register_page
from poe_ops.reversing import id_url
from poe_ops.roles import OPERATE
from poe_ops.scoping import has_port_perm


def new_incident_url(objects: Mapping[str, Any]) -> str:
    """The incident form, filled in with what the page shows: the flight, the case, the person.
    Empty for someone who may not file incidents at the port."""
    port, user = objects.get("port"), objects.get("user")
    if port is None or user is None or not has_port_perm(user, port, OPERATE):
        return ""
    query: dict[str, Any] = {}
    flight = objects.get("flight")
    if flight is not None:  # a Flight, or {"pk": …} in a tap's reply
        query["flight"] = flight["pk"] if isinstance(flight, Mapping) else flight.pk
    case = objects.get("case") or (objects["person"].case if objects.get("person") else None)
    if case is not None:
        query["case"] = case.case_number
    if objects.get("person") is not None:
        query["person"] = objects["person"].pk
    url = id_url("reports:incident_new", port.iata)  # a row's link: reversed once per port
    return f"{url}?{urlencode(query)}" if query else url


def end_of_day_url(objects: Mapping[str, Any]) -> str:
    """A port's end of day (on its day page), or, on the board, which ports signed off."""
    port, day = objects.get("port"), objects.get("day")
    if port is None:
        url = reverse("reports:end_of_day_overview")
    else:
        url = reverse("reports:end_of_day", args=[port.iata])
    return f"{url}?day={day:%Y-%m-%d}" if day else url


def register() -> None:
    # Where a focal point, who works at no port, lands after signing in.
    register_page("incidents", lambda: reverse("reports:incidents"))
    register_link(PageLink(place="port_day", label="End of day", url=end_of_day_url))
    register_link(PageLink(place="board", label="End of day", url=end_of_day_url))
    for place in ("flight", "case"):
        register_link(PageLink(place=place, label="Report incident", url=new_incident_url))
    register_link(
        PageLink(
            place="person",
            label="Report incident",
            url=new_incident_url,
            css="button button-small button-incident",
            aria_label=lambda objects: f"Report incident about {objects['person']}",
        )
    )
