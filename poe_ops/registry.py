"""How the apps above the core plug into it, without the core ever importing them.

Each app fills these registries from its ``AppConfig.ready()``:

- ``ApprovalSource``: a kind of record that officers approve in ``/approvals/`` (incident
  reports from ``reports``, timesheets and leave from ``staffing``).
- ``DocumentKind``: a kind of generated PDF (the daily manifest from ``arrivals``, the hotel form
  from ``cases``, …): its template, how its context is read, its file name, who may see it.
- Pages (``register_page``): pages that lower apps link to though a higher app serves them
  (the case page and the port's day, served by ``arrivals``, linked from ``cases``' booking
  forms), and ``PageLink``: a link that a higher app offers on a lower app's page ("Report
  incident" on the flight page and the case page, from ``reports``). So a template or a view
  never names a URL of an app above its own.
- ``DemoSeeder``: each app's part of ``manage.py seed_demo``, run in layer order.
- ``RetentionRule``: a kind of record each app keeps only for a while, anonymised or deleted by
  the daily retention run (``poe_ops.services.retention``, docs/retention.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

from poe_ops.models import Reviewable
from poe_ops.refusals import Refusal

if TYPE_CHECKING:
    from poe_ops.models import Document

User = AbstractBaseUser | AnonymousUser


# --- approvals ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalSource:
    key: str  # in URLs: /approvals/<key>/<pk>/approve/
    label: str  # "Incident report"
    model: type[Reviewable]
    # Renders one awaiting record as ``item``: four cells, under the inbox's columns What, Who,
    # Port, Submitted (the inbox adds the Decision cell).
    row_template: str
    # decide(actor, record, approve, comment, **options) -> record: the app's service, which
    # calls poe_ops.services.review.decide and adds its notifications. ``options`` are the
    # posted values of ``options`` below (a ticked box arrives as True).
    decide: Callable[..., Reviewable]
    select_related: tuple[str, ...] = ("port", "author")
    # Narrows what an officer may see beyond the port (sensitive categories), if needed.
    visible_to: Callable[[models.QuerySet[Any], Any], models.QuerySet[Any]] | None = field(
        default=None
    )
    # What awaits this user's decision, when the app routes some records to others than the
    # port's officers (protection reports to focal points); by default: submitted, at a port
    # they supervise, not their own, visible to them.
    awaiting: Callable[[Any], models.QuerySet[Any]] | None = field(default=None)
    # Why a record must be opened and read before it is approved ("" when it need not: a
    # high-severity incident must): the inbox links to it (``get_absolute_url``) instead of
    # offering Approve, and says why.
    open_first: Callable[[Any], str] | None = None
    # Reads, in a fixed number of queries, what the rows show beyond the record itself (the
    # shifts a leave request overlaps), setting attributes on the records.
    prepare: Callable[[list[Any]], None] | None = None
    # Names of the boolean choices a row's Approve form may post to ``decide``, and the template
    # drawn inside that form to offer them (a form field, through the field template).
    options: tuple[str, ...] = ()
    approve_template: str = ""


SOURCES: dict[str, ApprovalSource] = {}


def register(source: ApprovalSource) -> None:
    SOURCES[source.key] = source


# --- documents ------------------------------------------------------------------------------


class DocumentUnavailable(Refusal):
    """The document cannot be made; the message says why, in words for the person who asked
    (the worker stores it on the document, which the document page shows)."""

    default_code = "document_unavailable"


@dataclass(frozen=True)
class DocumentKind:
    key: str  # stored in Document.kind: "daily_manifest"
    label: str  # "Daily arrival manifest"
    template: str
    # Reads what the PDF shows, fresh from the database, when the worker renders it; raises
    # DocumentUnavailable when the record it is made from is gone.
    build_context: Callable[[Document], dict[str, Any]]
    file_name: Callable[[Document], str]
    # Beyond the port permission every document needs (a sensitive incident's PDF is as hidden
    # as the report): False hides it (a 404).
    may_see: Callable[[Any, Document], bool] | None = None
    # The page it was made from, as (label, URL), for the document page's "back" link.
    source: Callable[[Document], tuple[str, str] | None] | None = None


DOCUMENT_KINDS: dict[str, DocumentKind] = {}


def register_document(kind: DocumentKind) -> None:
    DOCUMENT_KINDS[kind.key] = kind


def document_kind(key: str) -> DocumentKind | None:
    return DOCUMENT_KINDS.get(key)


# --- pages and page links -------------------------------------------------------------------

PAGES: dict[str, Callable[..., str]] = {}


def register_page(name: str, url: Callable[..., str]) -> None:
    """Name a page that apps below the one serving it may link to: ``"case"`` (the case page,
    served by ``arrivals``), ``"port_day"``. ``url(*args)`` builds its address."""
    PAGES[name] = url


def page_url(name: str, *args: Any) -> str:
    """The address of the named page (``{% page_url "case" number %}`` in templates)."""
    try:
        build = PAGES[name]
    except KeyError:
        raise LookupError(f"No app has registered a page called {name!r}.") from None
    return build(*args)


@dataclass(frozen=True)
class PageLink:
    """A link on a page of a lower app, offered by a higher one.

    ``place`` names where it goes: ``"flight"`` (the flight page's head), ``"case"`` (the case
    page's head), ``"person"`` (a person's row on the flight page and the case page).
    ``url(objects)`` builds the address from what the page shows (``port``, ``flight``,
    ``case``, ``person``, ``user``) or returns "" to leave the link out."""

    place: str
    label: str
    url: Callable[[Mapping[str, Any]], str]
    css: str = "button"
    aria_label: Callable[[Mapping[str, Any]], str] | None = None


LINKS: list[PageLink] = []


def register_link(link: PageLink) -> None:
    LINKS.append(link)


def links_for(place: str, objects: Mapping[str, Any]) -> list[tuple[PageLink, str, str]]:
    """(link, its URL, its accessible label) for each link offered at ``place``."""
    found = []
    for link in LINKS:
        if link.place != place:
            continue
        url = link.url(objects)
        if url:
            aria = link.aria_label(objects) if link.aria_label else ""
            found.append((link, url, aria))
    return found


# --- demo data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSeeder:
    """One app's demo data for ``manage.py seed_demo``, after the core has made the roles and
    the demo users. ``seed()`` is idempotent and returns what it made, in a few words ("24 new
    cases"). Seeders run in the order of ``INSTALLED_APPS``, which is the layer order, so each
    finds what the layers below it made."""

    app: str
    seed: Callable[[], str]


DEMO_SEEDERS: dict[str, DemoSeeder] = {}


def register_demo(seeder: DemoSeeder) -> None:
    DEMO_SEEDERS[seeder.app] = seeder


def demo_seeders_in_layer_order() -> list[DemoSeeder]:
    from django.apps import apps

    order = [config.name for config in apps.get_app_configs()]
    return sorted(DEMO_SEEDERS.values(), key=lambda s: order.index(s.app))


# --- retention --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionRule:
    """One kind of record kept only for a while (docs/retention.md). ``due(cutoff)`` is the
    queryset of records past their period (those older than ``cutoff``, and not done yet);
    ``apply(ids, now)`` anonymises or deletes those records in one transaction and returns how
    many it changed. The period is ``settings.POE_RETENTION_DAYS[key]``."""

    key: str  # "case_personal_data"
    label: str  # "Personal data of closed cases"
    does: str  # "names, dates of birth and notes anonymised; counts kept"
    due: Callable[[Any], models.QuerySet[Any]]
    apply: Callable[[list[Any], Any], int]


RETENTION_RULES: dict[str, RetentionRule] = {}


def register_retention(rule: RetentionRule) -> None:
    RETENTION_RULES[rule.key] = rule
