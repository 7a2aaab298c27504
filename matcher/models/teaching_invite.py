"""A coordinator's or host's "invite to apply" sent to a listed teaching volunteer (issue 19)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.db import db, utcnow

if TYPE_CHECKING:
    from matcher.models.teaching import TeachingRequest
    from matcher.models.user import User


class TeachingInvite(db.Model):
    """A coordinator's or host's "invite to apply" sent to a listed volunteer through the app.

    The email hides both addresses (it comes from the app; replies go nowhere unless the sender
    chose to share theirs); kept so that sending is rate-limited and a volunteer is not asked twice
    for the same request.
    """

    __tablename__ = "teaching_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("teaching_requests.id", ondelete="CASCADE"), index=True
    )
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    volunteer: Mapped[User] = relationship(foreign_keys=[volunteer_id])
    sender: Mapped[User | None] = relationship(foreign_keys=[sender_id])
    request: Mapped[TeachingRequest | None] = relationship()
