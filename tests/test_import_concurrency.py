"""Uploads of the same new case at the same moment: one import and one refusal in words, never
an integrity error, never half a file written. A confirmation sent twice applies once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from arrivals.models import ImportBatch
from arrivals.services.manifest_import import confirm_import, import_manifest, upload_manifest
from cases.models import Case, Individual
from poe_ops.models import AuditEvent
from poe_ops.refusals import Conflict
from poe_ops.roles import Role
from tests.concurrency import run_together
from tests.factories import make_port_user
from tests.manifests import manifest_rows, to_csv, upload

pytestmark = pytest.mark.django_db(transaction=True)
SOON = dt.date.today() + dt.timedelta(days=10)


def the_file(prefix: str = "NEW", cases: int = 40) -> bytes:
    return to_csv(manifest_rows(cases=cases, people_per_case=3, day=SOON, prefix=prefix))


@pytest.fixture
def seniors(atl):
    return [make_port_user(f"atl.senior{i}", atl, Role.SENIOR) for i in (1, 2)]


def outcome(results: list[Any]) -> list[str]:
    for result in results:
        if isinstance(result, Exception) and not isinstance(result, Conflict):
            raise result
    return sorted("refused" if isinstance(r, Conflict) else r.status for r in results)


def test_two_confirmations_of_the_same_new_case_give_one_import_and_one_refusal(atl, seniors):
    first = upload_manifest(seniors[0], atl, upload(the_file()))
    second = upload_manifest(seniors[1], atl, upload(the_file()))

    results = run_together(
        lambda: confirm_import(seniors[0], first), lambda: confirm_import(seniors[1], second)
    )

    assert outcome(results) == ["applied", "refused"]
    [refusal] = [r for r in results if isinstance(r, Conflict)]
    assert "newer upload" in refusal.message or "imported some of these cases" in refusal.message
    assert Case.objects.count() == 40 and Individual.objects.count() == 120  # whole, once
    assert AuditEvent.objects.filter(action="poe.case.imported").count() == 40


def test_two_uploads_of_the_same_new_case_at_once_give_one_import_and_no_error(atl, seniors):
    """Two seniors upload the same new file at the same moment. When the two overlap, one is
    imported and the other refused in words; when one thread was scheduled only after the
    other had finished (a loaded machine does that), the second upload finds the cases there and
    changes nothing. Either way: no error, every case once, both uploads recorded. (That an
    overlap gives the refusal is pinned deterministically by the two confirmations above.)"""
    results = run_together(
        lambda: import_manifest(seniors[0], atl, upload(the_file(), "a.csv")),
        lambda: import_manifest(seniors[1], atl, upload(the_file(), "b.csv")),
    )

    assert outcome(results) in (["applied", "refused"], ["applied", "applied"])
    assert Case.objects.count() == 40 and Individual.objects.count() == 120
    batches = list(ImportBatch.objects.order_by("confirmed_at", "pk"))
    if outcome(results) == ["applied", "refused"]:
        assert sorted(b.status for b in batches) == ["applied", "expired"]
    else:
        first, second = batches
        assert first.summary["counts"]["new"] == 40
        assert second.summary["counts"]["new"] == 0  # the same cases, not a second copy
    assert AuditEvent.objects.filter(action="poe.case.imported").count() == 40


def test_the_same_confirmation_twice_at_once_applies_once(atl, seniors):
    batch = upload_manifest(seniors[0], atl, upload(the_file()))

    results = run_together(
        lambda: confirm_import(seniors[0], batch), lambda: confirm_import(seniors[1], batch)
    )

    assert outcome(results) == ["applied", "applied"]
    assert Case.objects.count() == 40
    assert AuditEvent.objects.filter(action="poe.import.applied").count() == 1
