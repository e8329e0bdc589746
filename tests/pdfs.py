"""Reading the PDFs the project renders back, with pypdf."""

from __future__ import annotations

import io

import pypdf


def pdf_text(content: bytes) -> list[str]:
    """The text of each page."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return [page.extract_text() for page in reader.pages]


def pdf_page_sizes(content: bytes) -> list[tuple[float, float]]:
    """The width and height of each page, in points."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
