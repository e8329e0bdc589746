"""Initial reference data: the two operations offices and the seven Ports of Entry.

Loaded by a data migration; after that it is ordinary data, edited in admin."""

from __future__ import annotations

from typing import Any

import airportsdata

OFFICES = [
    ("DC", "Operations HQ Washington DC"),
    ("NY", "Operations HQ New York"),
]

PORTS = [
    ("ATL", "DC"),
    ("EWR", "DC"),
    ("IAD", "DC"),
    ("IAH", "DC"),
    ("JFK", "NY"),
    ("ORD", "NY"),
    ("LAX", "NY"),
]


def load_reference_data(office_model: Any, port_model: Any) -> None:
    """Create the offices and ports that are missing (never changes existing rows).

    Takes the models as arguments so the data migration can pass its historical models."""
    airports = airportsdata.load("IATA")
    offices = {}
    for code, name in OFFICES:
        offices[code], _ = office_model.objects.get_or_create(code=code, defaults={"name": name})
    for iata, office in PORTS:
        airport = airports[iata]
        port_model.objects.get_or_create(
            iata=iata,
            defaults={
                "name": airport["name"],
                "time_zone": airport["tz"],
                "office": offices[office],
            },
        )
