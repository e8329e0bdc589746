"""Per-user limits on the expensive requests (issue 19): searches, PDFs and manifest imports are
counted per person in the cache (the real Redis here); past the limit the answer is 429 in words
with Retry-After, nothing is done, and nobody else is slowed down."""

from __future__ import annotations

import pytest

from arrivals.models import ImportBatch
from cases.models import Case
from poe_ops.models import Document
from tests.factories import CaseFactory
from tests.htmx import HTMX
from tests.manifests import manifest_rows, to_csv, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_limits(settings):
    settings.POE_RATE_LIMITS = {"import": (2, 60), "pdf": (3, 60), "search": (4, 60)}


def test_searches_past_the_limit_are_refused_in_words(client, atl_associate, low_limits):
    client.force_login(atl_associate)
    for _ in range(4):
        assert client.post("/ports/ATL/search/", {"q": "rahimi"}).status_code == 200
    refused = client.post("/ports/ATL/search/", {"q": "rahimi"})
    assert refused.status_code == 429
    assert "more than 4 searches in 60 seconds" in refused.content.decode()
    assert 1 <= int(refused["Retry-After"]) <= 61


def test_an_htmx_search_past_the_limit_is_said_in_the_announcer(client, atl_associate, low_limits):
    client.force_login(atl_associate)
    for _ in range(4):
        client.post("/ports/ATL/search/", {"q": "x"}, **HTMX)
    refused = client.post("/ports/ATL/search/", {"q": "x"}, **HTMX)
    assert refused.status_code == 429
    assert refused["HX-Retarget"] == "#announcer"


def test_one_persons_limit_does_not_slow_anyone_else(client, atl_associate, atl_senior, low_limits):
    client.force_login(atl_associate)
    for _ in range(5):
        client.post("/ports/ATL/search/", {"q": "x"})
    client.force_login(atl_senior)
    assert client.post("/ports/ATL/search/", {"q": "x"}).status_code == 200


def test_pdf_requests_past_the_limit_make_no_document(client, atl, atl_associate, low_limits):
    case = CaseFactory.create(port=atl)
    client.force_login(atl_associate)
    url = f"/cases/{case.case_number}/documents/arrival-sheet/"
    for _ in range(3):
        assert client.post(url).status_code == 302
    refused = client.post(url)
    assert refused.status_code == 429
    assert "more than 3 PDF requests" in refused.content.decode()
    assert Document.objects.count() == 3


def test_imports_past_the_limit_are_refused_and_nothing_is_imported(
    client, atl, atl_senior, low_limits
):
    client.force_login(atl_senior)
    content = to_csv(manifest_rows(1, 1))
    for _ in range(2):
        client.post("/imports/", {"port": atl.pk, "file": upload(content)})
    before = ImportBatch.objects.count()
    refused = client.post("/imports/", {"port": atl.pk, "file": upload(content)})
    assert refused.status_code == 429
    assert "more than 2 manifest imports" in refused.content.decode()
    assert ImportBatch.objects.count() == before
    assert client.get("/imports/").status_code == 200  # looking is not limited


def test_confirmations_count_as_imports_and_past_the_limit_apply_nothing(
    client, atl, atl_senior, settings
):
    """Applying a previewed manifest is the expensive half of an import: it counts too."""
    from arrivals.services.manifest_import import upload_manifest

    # An hour's window: the uploads between the confirmations are slow on a loaded machine,
    # and a minute's window could turn over between them.
    settings.POE_RATE_LIMITS = {**settings.POE_RATE_LIMITS, "import": (2, 3600)}

    rows = manifest_rows(1, 1)
    first = upload_manifest(atl_senior, atl, upload(to_csv(rows)))
    client.force_login(atl_senior)
    for _ in range(2):  # applied, then "already applied": both count
        assert client.post(f"/imports/{first.pk}/confirm/").status_code == 302
    newer = [dict(rows[0], abn_version=2, final_destination="Boise, ID")]
    revised = upload_manifest(atl_senior, atl, upload(to_csv(newer)))

    refused = client.post(f"/imports/{revised.pk}/confirm/")

    assert refused.status_code == 429
    assert "more than 2 manifest imports in 3600 seconds" in refused.content.decode()
    revised.refresh_from_db()
    assert revised.status == ImportBatch.Status.PREVIEW
    assert Case.objects.get().final_destination != "Boise, ID"


def test_an_unreachable_cache_never_stops_the_shift(client, atl_associate, low_limits, settings):
    with socket_closed_port() as port:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
            }
        }
        client.force_login(atl_associate)
        for _ in range(6):
            assert client.post("/ports/ATL/search/", {"q": "x"}).status_code == 200


class socket_closed_port:
    """A loopback port nobody listens on."""

    def __enter__(self) -> int:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def __exit__(self, *exc: object) -> None:
        return None
