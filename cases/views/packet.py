"""The travel packet on the case page: where each of a person's papers is (in the IOM bag,
taken by CBP, returned). Thin: scope, one service call, the document's row back."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases.models import CarriedDocument
from cases.queries.cases import case_for
from cases.services.travel_packet import set_document_status
from poe_ops.http import HtmxHttpRequest
from poe_ops.refusals import Refusal
from poe_ops.registry import page_url
from poe_ops.roles import OPERATE


@require_POST
@login_required
def document_status(request: HtmxHttpRequest, case_number: str, pk: int) -> HttpResponse:
    case = case_for(request.user, case_number, OPERATE)
    document = (
        CarriedDocument.objects.select_related("individual__case__port")
        .filter(pk=pk, individual__case=case)
        .first()
    )
    if document is None:
        raise Http404("No such document in this case.")
    refused = False
    try:
        change = set_document_status(request.user, document, request.POST.get("status", ""))
    except Refusal as refusal:
        message, refused = refusal.message, True
    else:
        document = change.document
        if change.changed:
            message = f"{document.label}: {document.get_status_display().lower()}."
        else:
            by = document.status_changed_by
            who = (by.get_full_name() or by.get_username()) if by else "someone"
            when = document.status_changed_at
            at = f" at {timezone.localtime(when, case.port.zone):%H:%M}" if when else ""
            message = (
                f"{document.label} was already marked "
                f"“{document.get_status_display().lower()}” by {who}{at}."
            )
    if request.htmx:
        context = {
            "document": document,
            "case_number": case.case_number,
            "may_operate": True,
            "message": message,
            "refused": refused,
        }
        return render(
            request, "cases/_carried_document.html", context, status=400 if refused else 200
        )
    (messages.error if refused else messages.success)(request, message)
    return redirect(
        f"{page_url('case', case.case_number)}#person-{document.individual.person_number}"
    )
