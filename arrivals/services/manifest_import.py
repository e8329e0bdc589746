"""Arrivals operations that change state. Each takes the acting user and checks permission."""

from __future__ import annotations

import hashlib
import os
from typing import IO, Any, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AccountUser
from django.db import transaction

from arrivals.manifest.apply import ImportRefused, apply_manifest
from arrivals.manifest.reading import (
    MAX_UPLOAD_BYTES,
    ManifestFileError,
    parse_manifest,
    read_table,
)
from arrivals.manifest.values import Problem
from arrivals.models import ImportBatch
from cases.models import ResettlementAgency
from poe_ops.models import Port
from poe_ops.roles import COORDINATE
from poe_ops.scoping import require_port_perm
from poe_ops.services.audit import log_action

User = AbstractBaseUser | AnonymousUser
MAX_STORED_ERRORS = 1000


def import_manifest(user: User, port: Port, uploaded_file: IO[bytes] | Any) -> ImportBatch:
    """Import an ABN manifest (CSV or XLSX) into ``port``: all of it, or — when any row is
    wrong — none of it. Either way an ``ImportBatch`` records what happened and why.

    404 if ``user`` may not see ``port``; 403 if they may see but not coordinate it."""
    require_port_perm(user, port, COORDINATE)
    file_name = os.path.basename(str(getattr(uploaded_file, "name", "") or "manifest"))[:255]
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        data = b""
        problems = [
            Problem(
                None,
                "File",
                f"The file is {size / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB. Split the manifest into smaller files.",
            )
        ]
        return _refuse(user, port, file_name, data, problems, 0)
    data = uploaded_file.read(MAX_UPLOAD_BYTES + 1)
    try:
        table = read_table(data, file_name)
    except ManifestFileError as exc:
        return _refuse(user, port, file_name, data, [Problem(None, "File", str(exc))], 0)
    agencies = dict(ResettlementAgency.objects.filter(active=True).values_list("code", "id"))
    manifest = parse_manifest(table, port.iata, port.time_zone or "UTC", set(agencies))
    if manifest.problems:
        return _refuse(user, port, file_name, data, manifest.problems, manifest.row_count)
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                port=port,
                uploaded_by=cast(AccountUser, user),
                file_name=file_name,
                sha256=hashlib.sha256(data).hexdigest(),
                row_count=manifest.row_count,
                status=ImportBatch.Status.APPLIED,
            )
            batch.summary = apply_manifest(user, port, manifest, agencies, batch)
            batch.save(update_fields=["summary"])
            log_action(
                user,
                "poe.import.applied",
                batch,
                port=port,
                data={key: len(value) for key, value in batch.summary.items()},
            )
    except ImportRefused as refused:
        return _refuse(user, port, file_name, data, refused.problems, manifest.row_count)
    return batch


def _refuse(
    user: User, port: Port, file_name: str, data: bytes, problems: list[Problem], rows: int
) -> ImportBatch:
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            port=port,
            uploaded_by=cast(AccountUser, user),
            file_name=file_name,
            sha256=hashlib.sha256(data).hexdigest(),
            row_count=rows,
            status=ImportBatch.Status.REFUSED,
            errors=[p.as_dict() for p in problems[:MAX_STORED_ERRORS]],
            summary={"error_count": len(problems)},
        )
        log_action(user, "poe.import.refused", batch, port=port, data={"errors": len(problems)})
    return batch
