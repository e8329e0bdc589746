"""The port's directory: searchable by everyone of the port (the tablet at night), kept by its
officers and Operations HQ."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cases.forms.directory import ContactForm, DirectorySearchForm
from cases.queries.directory import directory as directory_entries
from cases.queries.directory import kinds
from poe_ops.forms import refusal_on_field, with_key
from poe_ops.http import HtmxHttpRequest
from poe_ops.models import Contact, Port
from poe_ops.refusals import Refusal
from poe_ops.roles import MANAGE
from poe_ops.scoping import get_port_or_404, get_scoped_or_404, has_port_perm
from poe_ops.services import contacts as contact_services

DIRECTORY = "cases/directory.html"
CONTACT_FORM = "cases/contact_form.html"


@login_required
def directory(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata)
    form = DirectorySearchForm(request.GET or None, kinds=kinds())
    query, kind = "", ""
    if form.is_bound and form.is_valid():
        query, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    context = {
        "port": port,
        "current_port": port,
        "form": form,
        "entries": directory_entries(port, query, kind),
        "searching": bool(query or kind),
        "may_manage": has_port_perm(request.user, port, MANAGE),
    }
    template = f"{DIRECTORY}#results" if request.htmx else DIRECTORY
    return render(request, template, context)


def _contact_page(
    request: HtmxHttpRequest, port: Port, form: ContactForm, contact: Contact | None
) -> HttpResponse:
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        key = data.pop("key", "")
        try:
            if contact is None:
                saved = contact_services.add_contact(
                    request.user, port, idempotency_key=key, **data
                )
            else:
                saved = contact_services.change_contact(request.user, contact, **data)
        except Refusal as error:
            refusal = refusal_on_field(form, error)
        else:
            messages.success(request, f"{saved}: saved in the {port.iata} directory.")
            return redirect("cases:directory", iata=port.iata)
    return render(
        request,
        CONTACT_FORM,
        {
            "port": port,
            "current_port": port,
            "form": form,
            "contact": contact,
            "refusal": refusal,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_contact(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata, MANAGE)
    form = with_key(ContactForm(request.POST or None, initial={"active": True}))
    return _contact_page(request, port, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def edit_contact(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    port = get_port_or_404(request.user, iata, MANAGE)
    contact = get_scoped_or_404(Contact.objects.filter(port=port), request.user, MANAGE, pk=pk)
    form = ContactForm(request.POST or None, instance=contact)
    return _contact_page(request, port, form, contact)
