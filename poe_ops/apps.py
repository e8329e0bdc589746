from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


class PoeOpsConfig(AppConfig):
    """Core: ports, offices, roles and port permissions, audit log, Celery."""

    name = "poe_ops"
    verbose_name = "POE Ops core"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in

        from poe_ops import signals
        from poe_ops.models import Port

        post_migrate.connect(signals.after_migrate, dispatch_uid="poe_ops.after_migrate")
        post_save.connect(signals.port_saved, sender=Port, dispatch_uid="poe_ops.port_saved")
        user_logged_in.connect(signals.stamp_login, dispatch_uid="poe_ops.stamp_login")
        post_save.connect(
            signals.user_saved, sender=get_user_model(), dispatch_uid="poe_ops.user_saved"
        )
        from poe_ops.services.retention import register_core_rules

        register_core_rules()
