"""The embed of an organisation's opportunities, for an <iframe> on the organisation's website."""

from __future__ import annotations

from flask import g, render_template, request

from matcher.embeds import bp
from matcher.extensions import db
from matcher.services import embeds, reference
from matcher.web.caching import cached_publicly
from matcher.web.headers import framable_by


@bp.before_request
def language_from_address() -> None:
    """The host page chooses the language with ?lang=; otherwise the reader's browser does."""
    g.language_asked = request.args.get("lang")


@bp.get("/embed/organisations/<slug>")
@cached_publicly
def organisation(slug: str):
    embed = embeds.embed_of(db.session, slug)
    if embed.frame_origin:
        framable_by(embed.frame_origin)
    return render_template(
        "embeds/organisation.html",
        organisation=embed.organisation,
        opportunities=embed.opportunities,
        levels=reference.level_by_rank(db.session),
    )
