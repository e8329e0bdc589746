"""The pages of ``arrivals`` that apps below it link to (``poe_ops.registry.register_page``):
the case page, a port's day and the HQ board (the core's home page sends people there)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from poe_ops.registry import register_page


def case_url(case_number: str) -> str:
    return reverse("arrivals:case", args=[case_number])


def port_day_url(iata: str, day: dt.date | None = None) -> str:
    url = reverse("arrivals:port_today", args=[iata])
    return f"{url}?date={day:%Y-%m-%d}" if day else url


def board_url() -> str:
    return reverse("arrivals:board")


def register() -> None:
    register_page("case", case_url)
    register_page("port_day", port_day_url)
    register_page("board", board_url)
