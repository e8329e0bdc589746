"""The manifest import: upload, check, preview, and apply only what a person confirms.

1. ``upload_manifest`` keeps the file (an ``ImportBatch`` with its bytes) and checks it — in
   the request when small, else in a worker (``arrivals.check_upload``) while the page shows
   progress. Every upload is recorded, refused ones included.
2. ``check_upload`` reads and checks every row, then works out what the file would change
   (``manifest.plan``) without writing anything: the batch awaits confirmation with that
   preview, or is refused with every problem listed.
3. ``confirm_import`` works the change out again under locks and applies it only if it is
   exactly what was previewed. A newer upload of the same cases, or a change made since (a
   case imported or moved by someone else), makes the preview out of date: refused in words,
   nothing written. Confirming twice applies once.
4. ``discard_import`` drops a preview. ``import_manifest`` does 1–3 at once (for scripts,
   tests and the benchmark; people always see the preview).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import json
import logging
import os
from collections.abc import Iterator
from typing import IO, Any, cast

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AccountUser
from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone

from arrivals.manifest.apply import apply_plan
from arrivals.manifest.cells import PortRules, Problem
from arrivals.manifest.files import (
    MAX_UPLOAD_BYTES,
    ManifestFileError,
    Table,
    printable,
    read_table,
    table_from_json,
    table_to_json,
)
from arrivals.manifest.plan import plan_manifest
from arrivals.manifest.reading import Manifest, parse_manifest
from arrivals.models import ImportBatch, ImportBatchCase, ImportFile
from cases.models import ResettlementAgency
from poe_ops.dispatch import send_on_commit
from poe_ops.models import Port
from poe_ops.refusals import Conflict, Refusal
from poe_ops.roles import COORDINATE
from poe_ops.scoping import has_port_perm, require_port_perm
from poe_ops.services.audit import log_action
from poe_ops.worker import INFRASTRUCTURE_ERRORS

User = AbstractBaseUser | AnonymousUser
log = logging.getLogger(__name__)
MAX_STORED_PROBLEMS = 1000
# A worker that took an upload and died is replaced after this long.
CHECK_LEASE = dt.timedelta(minutes=10)
# Left waiting this long, an upload is queued again by the sweep.
CHECK_SWEEP_AFTER = dt.timedelta(minutes=1)
# A preview nobody confirmed within a day is out of date (and its file is deleted).
PREVIEW_LIFETIME = dt.timedelta(hours=24)
OPEN = (ImportBatch.Status.CHECKING, ImportBatch.Status.PREVIEW)
# The unique keys two confirmations of the same new cases can race for (a case's number, a
# flight's carrier, number and date), as PostgreSQL and SQLite name them in the error.
RACED = ("case_number", "flight_unique_per_day", "arrivals_flight.carrier")


@contextlib.contextmanager
def _many_rows() -> Iterator[None]:
    """Python's cycle collector paused while thousands of rows are checked, compared and
    written. It scans every live object each time it runs, and an import makes hundreds of
    thousands of small ones (cells, values, model instances) with no cycles among them: about
    a quarter of the import's CPU time (bench/bench_import.py). Reference counting still frees
    them meanwhile, and what is bounded (5 MB, 20,000 rows) stays bounded; the collector
    resumes after, unless something else had paused it."""
    paused_here = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused_here:
            gc.enable()


def _file_name(uploaded_file: Any) -> str:
    name = os.path.basename(str(getattr(uploaded_file, "name", "") or ""))
    return printable(name)[:255] or "manifest"


def upload_manifest(
    user: User,
    port: Port,
    uploaded_file: IO[bytes] | Any,
    *,
    complete: bool = False,
    background: bool | None = None,
) -> ImportBatch:
    """Keep and check an ABN manifest (CSV or XLSX) for ``port``; nothing else is written.
    ``complete``: the file lists every arrival of its days, so cases of those days it leaves
    out are to be cancelled. ``background`` (default: by size) checks it in a worker.

    404 if ``user`` may not see ``port``; 403 if they may see but not coordinate it."""
    require_port_perm(user, port, COORDINATE)
    file_name = _file_name(uploaded_file)
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        message = (
            f"The file is {size / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB. Split the manifest into smaller files."
        )
        return _refused_at_once(user, port, file_name, b"", size, message)
    data = uploaded_file.read(MAX_UPLOAD_BYTES + 1)
    if background is None:
        background = len(data) > settings.POE_IMPORT_BACKGROUND_BYTES
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            port=port,
            uploaded_by=cast(AccountUser, user),
            file_name=file_name,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            complete=complete,
            status=ImportBatch.Status.CHECKING,
        )
        ImportFile.objects.create(batch=batch, data=data)
        log_action(
            user,
            "poe.import.uploaded",
            batch,
            port=port,
            data={"size": len(data), "complete": complete, "background": background},
        )
        if background:
            from arrivals.tasks import check_upload_task  # tasks import this module

            send_on_commit(check_upload_task, batch.pk)
    if not background:
        check_upload(batch.pk)
    batch.refresh_from_db()
    return batch


def _refused_at_once(
    user: User, port: Port, file_name: str, data: bytes, size: int, message: str
) -> ImportBatch:
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            port=port,
            uploaded_by=cast(AccountUser, user),
            file_name=file_name,
            sha256=hashlib.sha256(data).hexdigest(),
            size=size,
            status=ImportBatch.Status.REFUSED,
            errors=[Problem(None, "File", message).as_dict()],
            summary={"error_count": 1},
            checked_at=timezone.now(),
        )
        log_action(user, "poe.import.refused", batch, port=port, data={"errors": 1})
    return batch


def _agencies() -> dict[str, int]:
    return dict(ResettlementAgency.objects.filter(active=True).values_list("code", "id"))


def _rules(batch: ImportBatch) -> PortRules:
    """The port's rules as on the day the upload was checked, so that confirming it the next
    morning judges the file exactly as the preview did."""
    when = batch.checked_at or timezone.now()
    return PortRules.of(batch.port, today=when.astimezone(batch.port.zone).date())


def _table(batch: ImportBatch) -> Table:
    """The upload's rows: as read when it was checked, or read from its bytes now."""
    upload = ImportFile.objects.get(batch=batch)
    if upload.table is not None:
        return table_from_json(upload.table)
    return read_table(bytes(upload.data), batch.file_name)


def _parse(
    batch: ImportBatch, table: Table, rules: PortRules, *, progress: bool = False
) -> Manifest:
    if progress:
        ImportBatch.objects.filter(pk=batch.pk).update(row_count=len(table.rows))

    def report(done: int) -> None:
        ImportBatch.objects.filter(pk=batch.pk).update(progress=done)

    return parse_manifest(table, rules, set(_agencies()), report if progress else None)


def check_upload(batch_id: int) -> str:
    """Read and check an upload and work out what it would change: ``preview`` (awaiting
    confirmation) or ``refused``. The background task's body; a second copy of the task (a
    sweep racing a slow worker) finds the upload taken and does nothing."""
    now = timezone.now()
    taken = (
        ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.CHECKING)
        .filter(Q(check_started_at__isnull=True) | Q(check_started_at__lt=now - CHECK_LEASE))
        .update(check_started_at=now)
    )
    if not taken:
        return "not waiting"
    batch = ImportBatch.objects.select_related("port", "uploaded_by").get(pk=batch_id)
    batch.checked_at = now
    try:
        with _many_rows():
            return _check(batch, now)
    except INFRASTRUCTURE_ERRORS:
        # The database or Redis went away, not the file's fault: give the claim back (when the
        # database answers again) and let the task be retried; the sweep finds it otherwise.
        _give_back(batch_id)
        raise
    except Exception:  # a bug, not the file: say so, and keep the upload listed as refused
        log.exception("Upload %s could not be checked", batch_id)
        return _finish_refused(batch, [Problem(None, "File", UNEXPECTED)], 0, [])


def _give_back(batch_id: int) -> None:
    close_old_connections()  # the one that failed is unusable
    try:
        ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.CHECKING).update(
            check_started_at=None
        )
    except INFRASTRUCTURE_ERRORS:
        log.warning("Upload %s: claim not given back; its lease runs out", batch_id)


UNEXPECTED = (
    "The file could not be checked because of an unexpected error. Upload it again; if it "
    "fails again, tell the POE Ops administrator."
)


def _check(batch: ImportBatch, now: dt.datetime) -> str:
    rules = _rules(batch)
    try:
        table = _table(batch)
        manifest = _parse(batch, table, rules, progress=True)
    except ManifestFileError as exc:
        return _finish_refused(batch, [Problem(None, "File", str(exc))], 0, [])
    if manifest.problems:
        return _finish_refused(batch, manifest.problems, manifest.row_count, manifest.warnings)
    plan = plan_manifest(
        batch.uploaded_by, batch.port, manifest, _agencies(), complete=batch.complete
    )
    if plan.problems:
        return _finish_refused(batch, plan.problems, manifest.row_count, plan.warnings)
    summary = _json(plan.summary())
    with transaction.atomic():
        ready = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.CHECKING).update(
            status=ImportBatch.Status.PREVIEW,
            summary=summary,
            warnings=[w.as_dict() for w in plan.warnings[:MAX_STORED_PROBLEMS]],
            row_count=manifest.row_count,
            progress=manifest.row_count,
            checked_at=now,
        )
        if not ready:
            return "not waiting"  # discarded while it was being checked
        # From now on the rows as read are what counts: the bytes are not read again.
        ImportFile.objects.filter(batch=batch).update(data=b"", table=table_to_json(table))
        ImportBatchCase.objects.bulk_create(
            [ImportBatchCase(batch=batch, case_number=n) for n in manifest.cases],
            batch_size=2000,
        )
        log_action(
            batch.uploaded_by, "poe.import.previewed", batch, port=batch.port,
            data=summary["counts"],
        )  # fmt: skip
    return "preview"


def _finish_refused(
    batch: ImportBatch, problems: list[Problem], rows: int, warnings: list[Problem]
) -> str:
    with transaction.atomic():
        done = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.CHECKING).update(
            status=ImportBatch.Status.REFUSED,
            errors=[p.as_dict() for p in problems[:MAX_STORED_PROBLEMS]],
            warnings=[w.as_dict() for w in warnings[:MAX_STORED_PROBLEMS]],
            summary={"error_count": len(problems)},
            row_count=rows,
            progress=rows,
            checked_at=batch.checked_at or timezone.now(),
        )
        if done:
            ImportFile.objects.filter(batch=batch).delete()
            log_action(
                batch.uploaded_by,
                "poe.import.refused",
                batch,
                port=batch.port,
                data={"errors": len(problems)},
            )
    return "refused"


def _json(value: Any) -> Any:
    """As it will be stored and read back (the confirmation compares stored with fresh)."""
    return json.loads(json.dumps(value))


# --- confirming ------------------------------------------------------------------------------


def confirm_import(user: User, batch: ImportBatch) -> ImportBatch:
    """Apply exactly what ``batch``'s preview showed. Refused in words (``Conflict``), with
    nothing written, when a newer upload of the same cases exists or anything the preview
    depended on has changed since; the batch is then out of date. A second confirmation of
    an applied batch returns it unchanged."""
    require_port_perm(user, batch.port, COORDINATE)
    try:
        with _many_rows(), transaction.atomic():
            locked = (
                ImportBatch.objects.select_for_update(of=("self",))
                .select_related("port", "uploaded_by")
                .get(pk=batch.pk)
            )
            if locked.status == ImportBatch.Status.APPLIED:
                return locked  # a second click, a retried request: the same import
            if locked.status != ImportBatch.Status.PREVIEW:
                raise Refusal(_not_awaiting(locked), code="import_not_awaiting")
            reason = _newer_upload(user, locked)
            if reason is None:
                reason = _apply_if_unchanged(user, locked)
            if reason is None:
                return locked
            _expire(locked, reason)
    except IntegrityError as exc:
        if not any(name in str(exc) for name in RACED):
            raise
        # Another confirmation created some of these cases (or their flights) between our
        # check and our write; this transaction rolled back whole.
        reason = (
            "Another upload imported some of these cases a moment ago, so nothing from this "
            "file was applied. Upload it again to see what it would change now."
        )
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update(of=("self",)).get(pk=batch.pk)
            if locked.status == ImportBatch.Status.PREVIEW:
                _expire(locked, reason)
    raise Conflict(reason, code="import_out_of_date")


def _apply_if_unchanged(user: User, batch: ImportBatch) -> str | None:
    """Work the change out again under locks; apply it if it is the preview's. Returns why
    not, in words, otherwise."""
    rules = _rules(batch)
    try:
        manifest = _parse(batch, _table(batch), rules)
    except (ManifestFileError, ImportFile.DoesNotExist):
        return "The uploaded file is no longer available. Upload it again."
    agencies = _agencies()
    plan = plan_manifest(user, batch.port, manifest, agencies, complete=batch.complete, lock=True)
    if manifest.problems or plan.problems:
        first = (manifest.problems or plan.problems)[0]
        return f"Since the preview, the file can no longer be imported: {first}"
    fresh = _json(plan.summary())
    if fresh != batch.summary:
        return _differences(batch.summary, fresh)
    apply_plan(user, plan, batch, agencies)
    now = timezone.now()
    batch.status = ImportBatch.Status.APPLIED
    batch.confirmed_by = cast(AccountUser, user)
    batch.confirmed_at = now
    batch.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    ImportFile.objects.filter(batch=batch).delete()
    log_action(user, "poe.import.applied", batch, port=batch.port, data=fresh["counts"])
    return None


def _not_awaiting(batch: ImportBatch) -> str:
    if batch.status == ImportBatch.Status.CHECKING:
        return "This upload is still being checked; confirm it once the preview is shown."
    if batch.status == ImportBatch.Status.REFUSED:
        return "This upload was refused; fix the file and upload it again."
    if batch.status == ImportBatch.Status.DISCARDED:
        return "This upload was discarded; upload the file again to import it."
    return f"This upload is out of date: {batch.note} Upload the file again."


def _newer_upload(user: User, batch: ImportBatch) -> str | None:
    mine = ImportBatchCase.objects.filter(batch=batch).values("case_number")
    newer = (
        ImportBatch.objects.filter(
            pk__gt=batch.pk,
            status__in=[ImportBatch.Status.PREVIEW, ImportBatch.Status.APPLIED],
            case_numbers__case_number__in=mine,
        )
        .select_related("port", "uploaded_by")
        .order_by("pk")
        .first()
    )
    if newer is None:
        return None
    if has_port_perm(user, newer.port, COORDINATE):
        who = newer.uploaded_by.get_full_name() or newer.uploaded_by.get_username()
        when = newer.uploaded_at.astimezone(newer.port.zone)
        return (
            f"A newer upload of some of the same cases was made after this one "
            f"({newer.file_name}, by {who} at {when:%H:%M} on {when:%d %b}, "
            f"{newer.get_status_display().lower()}). Nothing from this file was applied: "
            "confirm the newer one, or upload this file again."
        )
    return (
        "A newer upload of some of the same cases was made after this one, so nothing from "
        "this file was applied. Upload it again to see what it would change now."
    )


def _entries(summary: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for section in ("created", "updated", "cancelled"):
        for entry in summary.get(section, []):
            found.setdefault(entry["case_number"], []).append((section, entry))
    for number in summary.get("unchanged", []):
        found.setdefault(number, []).append(("unchanged", number))
    return found


def _differences(previewed: dict[str, Any], now: dict[str, Any]) -> str:
    before, after = _entries(previewed), _entries(now)
    cases = sorted(n for n in set(before) | set(after) if before.get(n) != after.get(n))
    if cases:
        shown = ", ".join(cases[:10]) + (f" and {len(cases) - 10} more" if len(cases) > 10 else "")
        what = f"what this file would do to case{'s' if len(cases) > 1 else ''} {shown}"
    else:
        what = "what this file would do to its flights"
    return (
        f"Since the preview, {what} has changed (someone else imported, moved or changed "
        "them). Nothing was applied. Upload the file again to see a fresh preview."
    )


def _expire(batch: ImportBatch, reason: str) -> None:
    batch.status = ImportBatch.Status.EXPIRED
    batch.note = reason
    batch.save(update_fields=["status", "note"])
    ImportFile.objects.filter(batch=batch).delete()
    log_action(None, "poe.import.expired", batch, port=batch.port, data={"why": reason})


def discard_import(user: User, batch: ImportBatch) -> ImportBatch:
    """Drop an upload that is being checked or awaits confirmation; its file is deleted."""
    require_port_perm(user, batch.port, COORDINATE)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update(of=("self",)).get(pk=batch.pk)
        if locked.status == ImportBatch.Status.DISCARDED:
            return locked
        if locked.status not in OPEN:
            raise Refusal(
                f"This upload is {locked.get_status_display().lower()}; only one that awaits "
                "confirmation can be discarded.",
                code="import_not_open",
            )
        locked.status = ImportBatch.Status.DISCARDED
        locked.note = "Discarded before it was applied."
        locked.save(update_fields=["status", "note"])
        ImportFile.objects.filter(batch=locked).delete()
        log_action(user, "poe.import.discarded", locked, port=locked.port)
    return locked


def import_manifest(
    user: User, port: Port, uploaded_file: IO[bytes] | Any, *, complete: bool = False
) -> ImportBatch:
    """Upload, check and — when nothing is wrong — apply at once: for scripts, the demo, the
    tests and the benchmark. People go through the preview (``upload_manifest``)."""
    batch = upload_manifest(user, port, uploaded_file, complete=complete, background=False)
    if batch.status == ImportBatch.Status.PREVIEW:
        return confirm_import(user, batch)
    return batch


# --- the sweep -------------------------------------------------------------------------------


def uploads_to_check_again(now: dt.datetime | None = None) -> list[int]:
    """Uploads waiting to be checked that no worker has (a broker outage, a lost task, a
    worker that died while checking)."""
    now = now or timezone.now()
    return list(
        ImportBatch.objects.filter(
            status=ImportBatch.Status.CHECKING, uploaded_at__lt=now - CHECK_SWEEP_AFTER
        )
        .filter(Q(check_started_at__isnull=True) | Q(check_started_at__lt=now - CHECK_LEASE))
        .order_by("pk")
        .values_list("pk", flat=True)[:100]
    )


def expire_old_previews(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    old = list(
        ImportBatch.objects.filter(
            status=ImportBatch.Status.PREVIEW, checked_at__lt=now - PREVIEW_LIFETIME
        ).values_list("pk", flat=True)[:100]
    )
    for pk in old:
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update(of=("self",)).select_related("port")
            locked = batch.get(pk=pk)
            if locked.status == ImportBatch.Status.PREVIEW:
                _expire(locked, "It was not confirmed within a day.")
    return len(old)
