"""The project's URLs plus the benchmark floors: a minimal view doing one row update, and one
counting a period's landings by port (what the statistics read, at its plainest).

Only ``bench.settings`` points here; ``poe_ops.urls`` (production) has no floor."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from arrivals.models import Landing
from poe_ops import urls as project_urls

FLOOR_PATH = "bench/floor/"
LANDINGS_FLOOR_PATH = "bench/landings/"


@require_POST
@login_required
def floor(request: HttpRequest) -> HttpResponse:
    """The least a signed-in POST can do on this stack: one UPDATE of one row (the user's own,
    so 32 clients never wait on each other's row lock), then a tiny response."""
    user_id = request.user.pk
    assert user_id is not None  # signed in
    get_user_model().objects.filter(pk=user_id).update(last_login=timezone.now())
    return HttpResponse("ok", content_type="text/plain")


@login_required
def landings_floor(request: HttpRequest) -> HttpResponse:
    """The plainest pass over a period's people in PostgreSQL: the landings between ``start``
    and ``end`` (ISO moments) counted by port. The statistics do this and much more on the same
    rows; beside them it tells how fast this machine reads them at the moment."""
    counted = (
        Landing.objects.filter(landed__gte=request.GET["start"], landed__lt=request.GET["end"])
        .values_list("port_id")
        .annotate(people=Count("*"))
    )
    return HttpResponse(repr(sorted(counted)), content_type="text/plain")


urlpatterns = [
    path(FLOOR_PATH, floor, name="bench_floor"),
    path(LANDINGS_FLOOR_PATH, landings_floor, name="bench_landings_floor"),
    *project_urls.urlpatterns,
]

handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500
