"""PDF paperwork: ordinary Django templates rendered by WeasyPrint.

Templates extend ``pdf/base.html``, which sets the page (US Letter), the running header with the
document's title and the footer on every page: "Page N of M", the port and the time the PDF was
made, in the port's local time. Autoescaping is on as everywhere, so names and notes typed by
users appear literally in the PDF, never as markup.

Rendering reads nothing from the network: stylesheets and fonts come from ``static/`` on disk,
and any other URL is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from poe_ops.models import Port

STATIC_DIR = Path(settings.BASE_DIR) / "static"


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    page_count: int


def _local_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """Files under ``static/`` and inline ``data:`` URLs; nothing else, never the network."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("file://"):
                path = Path(url.removeprefix("file://").split("?")[0]).resolve()
                if not path.is_relative_to(STATIC_DIR.resolve()):
                    raise ValueError(f"PDFs may only use files under static/: {url}")
            elif not url.startswith("data:"):
                raise ValueError(f"PDFs may not fetch {url}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols={"file", "data"})


def render_pdf_pages(template_name: str, context: dict[str, Any], *, port: Port) -> RenderedPdf:
    """Render ``template_name`` with ``context`` for ``port``; the PDF and its page count.

    Dates and times in the template are shown in the port's local time."""
    with timezone.override(port.zone):
        html = render_to_string(
            template_name, {**context, "port": port, "generated_at": port.local_now()}
        )
    return pdf_of_html(html)


def pdf_of_html(html: str) -> RenderedPdf:
    """WeasyPrint's PDF of an HTML page already rendered (``render_pdf_pages`` renders the
    template first): stylesheets and fonts from ``static/`` only, nothing from the network."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=f"{STATIC_DIR}/", url_fetcher=_local_fetcher()).render()
    return RenderedPdf(content=document.write_pdf(), page_count=len(document.pages))


def render_pdf(template_name: str, context: dict[str, Any], *, port: Port) -> bytes:
    """The PDF of ``template_name`` rendered with ``context`` for ``port``."""
    return render_pdf_pages(template_name, context, port=port).content
