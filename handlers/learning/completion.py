"""Completing a programme: the Open Badge, issued once and sent privately."""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError

from bot.actions import Attachment, PrivateNotice
from bot.context import Context
from bot.events import User
from handlers.learning.badges import build_credential, load_signing_key, sign
from handlers.learning.models import Badge, Enrolment
from handlers.learning.state import LearningState

log = logging.getLogger(__name__)


async def issue_badge(ctx: Context, state: LearningState, enrolment: Enrolment, user: User) -> None:
    programme = state.catalogue.get(enrolment.programme_id)
    if programme is None:
        return
    now = ctx.clock.now()
    credential = build_credential(programme, user.key, now, state.learning)
    token = sign(credential, load_signing_key(state.learning, state.settings.bot.data_dir))
    try:
        async with ctx.store.session() as s:
            s.add(Badge(enrolment_id=enrolment.id, credential=token, issued_at=now))
    except IntegrityError:
        return  # already issued (a second completion event)
    await ctx.act(
        PrivateNotice(
            user=user,
            text=(
                f"Congratulations, you've completed {programme.title}! Here is your "
                f"Open Badge “{programme.badge.name}” (a signed OpenBadgeCredential). "
                "Anyone can check it with `python -m bot badges verify FILE`."
            ),
            attachment=Attachment(f"{programme.id}-badge.jwt", token.encode(), "application/jwt"),
        )
    )
    log.info("badge issued", extra={"programme": programme.id, "enrolment": enrolment.id})
