"""Reading the PDFs the project renders back, with pypdf; waiting for the worker to make one."""

from __future__ import annotations

import io
import time

import pypdf

from poe_ops.models import Document


def pdf_text(content: bytes) -> list[str]:
    """The text of each page."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return [page.extract_text() for page in reader.pages]


def pdf_page_sizes(content: bytes) -> list[tuple[float, float]]:
    """The width and height of each page, in points."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]


def finished(document: Document, seconds: float = 60) -> Document:
    """``document`` once the worker has made it or given up: no longer pending, read again from
    the database every 0.2 s for at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.status != Document.Status.PENDING:
            return document
        time.sleep(0.2)
    raise AssertionError(f"document {document.pk} still pending after {seconds} s")
