"""What a web process loads as it starts, not on the first request that needs it: the reference
tables behind an airport's time zone (airportsdata, for every onward leg shown) and a language's
name (pycountry, for every person's row) — about a tenth of a second of CPU each, per process.
Left lazy, the first tap after each worker (re)starts paid for both (issue 20)."""

from __future__ import annotations

from poe_ops.languages import language_name
from poe_ops.models import Port


def load_reference_tables() -> None:
    Port.airport_record("ATL")
    language_name("eng")
