"""Staff accounts: ending every session of an account (disabled, or its second factor reset)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sessions.models import Session
from django.utils import timezone

# Sessions are kept in the database (django.contrib.sessions' default engine): a row per
# session, the user's id inside its encoded data. Staff sessions live a shift at most, so the
# live ones are a few hundred rows at the busiest.
_BATCH = 500


def end_sessions(user: AbstractBaseUser) -> int:
    """Delete every live session of ``user``, so no cookie of theirs signs them in again —
    not even after the account is re-enabled. Returns how many were ended."""
    user_id = str(user.pk)
    ended: list[str] = []
    live = Session.objects.filter(expire_date__gt=timezone.now()).only(
        "session_key", "session_data"
    )
    for session in live.iterator(chunk_size=_BATCH):
        if session.get_decoded().get("_auth_user_id") == user_id:
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)
