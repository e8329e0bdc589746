"""The HQ board's filters: the day, a port, an agency, a flag."""

from __future__ import annotations

from typing import Any

from django import forms

from arrivals.forms.days import DayForm
from arrivals.queries.board import FLAGS
from cases.models import ResettlementAgency
from poe_ops.models import Port


class AgencyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.code)


class BoardFiltersForm(DayForm):
    """The HQ board's filters; ``board._board_for`` reads them from the query string."""

    port = forms.ChoiceField(required=False)
    agency = AgencyChoice(
        queryset=ResettlementAgency.objects.filter(active=True),
        required=False,
        to_field_name="code",
        empty_label="All agencies",
    )
    flag = forms.ChoiceField(
        required=False, label="Needs", choices=[("", "Everyone"), *FLAGS.items()]
    )

    def __init__(self, *args: Any, ports: list[Port], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        port = self.fields["port"]
        assert isinstance(port, forms.ChoiceField)
        port.choices = [("", "All ports"), *((p.iata, p.iata) for p in ports)]
