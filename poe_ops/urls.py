"""Root URLs. The paths here are stable: users bookmark them and acceptance tests use them."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from poe_ops import approval_views, notification_views, views
from poe_ops.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("notifications/", notification_views.feed, name="notifications"),
    path("notifications/read/", notification_views.mark_all_read, name="notifications_read"),
    path(
        "notifications/settings/",
        notification_views.email_settings,
        name="notification_settings",
    ),
    path("approvals/", approval_views.inbox, name="approvals"),
    path("approvals/<str:key>/<int:pk>/approve/", approval_views.approve, name="approvals_approve"),
    path(
        "approvals/<str:key>/<int:pk>/return/",
        approval_views.return_for_changes,
        name="approvals_return",
    ),
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
