"""Root URLs. The paths here are stable: users bookmark them and acceptance tests use them."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from poe_ops.views import (
    account,
    app,
    approvals,
    delegations,
    device,
    documents,
    home,
    notifications,
    second_factor,
)

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/login/", account.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/second-factor/", second_factor.verify, name="second_factor"),
    path("accounts/second-factor/setup/", second_factor.setup, name="second_factor_setup"),
    path(
        "accounts/second-factor/recovery-codes/",
        second_factor.recovery_codes,
        name="second_factor_recovery_codes",
    ),
    path("accounts/session/", account.session, name="session"),
    path("device/", device.name_device, name="device"),
    # The tablet's service worker and web app manifest: served from the root so that the
    # worker may control every page (static files live under /static/).
    path("sw.js", app.service_worker, name="service_worker"),
    path("manifest.webmanifest", app.manifest, name="web_manifest"),
    path("healthz", home.healthz, name="healthz"),
    path("notifications/", notifications.feed, name="notifications"),
    path("notifications/read/", notifications.mark_all_read, name="notifications_read"),
    path(
        "notifications/settings/",
        notifications.email_settings,
        name="notification_settings",
    ),
    path("approvals/", approvals.inbox, name="approvals"),
    path("approvals/<str:key>/<int:pk>/approve/", approvals.approve, name="approvals_approve"),
    path(
        "approvals/<str:key>/<int:pk>/return/",
        approvals.return_for_changes,
        name="approvals_return",
    ),
    path("ports/<str:iata>/acting-officer/", delegations.delegations, name="delegations"),
    path(
        "ports/<str:iata>/acting-officer/<int:pk>/end/",
        delegations.end_delegation,
        name="end_delegation",
    ),
    path("documents/<int:pk>/", documents.document, name="document"),
    path("documents/<int:pk>/download/", documents.download, name="document_download"),
    path("", include("arrivals.urls")),
    path("", include("cases.urls")),
    path("", include("reports.urls")),
    path("", include("staffing.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "poe_ops.errors.bad_request"
handler403 = "poe_ops.errors.permission_denied"
handler404 = "poe_ops.errors.page_not_found"
handler500 = "poe_ops.errors.server_error"
