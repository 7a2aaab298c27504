"""Local learners' anonymous feedback: the host's links, the form behind each, the answers.

The form at /f/<token> needs no account and sets no login: its CSRF token lives in the anonymous
session cookie, as on the other public forms (signing up, a forgotten password). It is written
in the language the visit's site teaches in when we have it (else the reader's), and its own
links switch language without script (?lang=). These pages carry links with tokens in them, so
they send no Referer anywhere.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import refresh
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from matcher.extensions import db, limiter
from matcher.i18n import COOKIE as LANGUAGE_COOKIE
from matcher.i18n import LANGUAGES
from matcher.impact import bp
from matcher.impact.link_forms import LearnerFeedbackForm, MakeLinksForm
from matcher.models import Opportunity
from matcher.models.impact import FEEDBACK_WINDOW_DAYS
from matcher.services.errors import NotFound
from matcher.services.impact import learner_links, visits
from matcher.services.impact.learner_links import Answers, LinkClosed
from matcher.translate import gettext as _
from matcher.translate import ngettext
from matcher.web import throttle
from matcher.web.forms import EmptyForm
from matcher.web.usecase import attempt, render_form

# Per client address. A class answering in one room may share one address: room for a few dozen.
FORM_GET_LIMIT = "120 per hour"
FORM_POST_LIMIT = "60 per hour"
NO_REFERRER = {"impact.learner_feedback", "impact.learner_links", "impact.revoke_learner_links"}


@bp.after_request
def no_referrer(response: Response) -> Response:
    """The links' pages hold tokens: a link followed from them must not carry the address."""
    if request.endpoint in NO_REFERRER:
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _host_visit(visit_id: int) -> Opportunity:
    visit, standing = visits.visit_for(db.session, current_user, visit_id)
    if not standing.host:
        abort(403)
    return visit


def _links_page(visit: Opportunity, form: MakeLinksForm, today: date):
    return render_form(
        "impact/learner_links.html",
        form,
        visit=visit,
        counts=learner_links.counts(db.session, visit.id, today),
        started=visits.has_started(visit, today),
        revoke_form=EmptyForm(),
        release_at=learner_links.RELEASE_AT,
        window_days=FEEDBACK_WINDOW_DAYS,
    )


@bp.route("/visits/<int:visit_id>/learner-links", methods=["GET", "POST"], endpoint="learner_links")
@login_required
def links_page(visit_id: int):
    visit = _host_visit(visit_id)
    today = date.today()
    form = MakeLinksForm()
    if form.validate_on_submit():
        made = attempt(
            learner_links.make_links,
            db.session,
            current_user,
            visit,
            form.number.data,
            form.days.data,
            today,
            form=form,
        )
        if made.ok:
            links = [
                (url_for("impact.learner_feedback", token=link.token, _external=True), link)
                for link in made.value
            ]
            return render_template("impact/learner_links_sheet.html", visit=visit, links=links)
    return _links_page(visit, form, today)


@bp.post("/visits/<int:visit_id>/learner-links/revoke")
@login_required
def revoke_learner_links(visit_id: int):
    visit = _host_visit(visit_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    closed = attempt(learner_links.revoke_unused, db.session, current_user, visit, date.today())
    if closed.ok:
        flash(
            ngettext(
                "%(num)d unused link no longer works.", "%(num)d unused links no longer work.", closed.value
            ),
            "success",
        )
    return redirect(url_for("impact.learner_links", visit_id=visit.id))


def _speak_the_asked_language() -> str:
    """?lang= when the reader chose a language on this page (any state of it, even an unknown
    link's), set before any word of the page is worded; else ""."""
    asked = request.args.get("lang")
    if asked not in LANGUAGES:
        return ""
    g.language_asked = asked
    refresh()
    return asked


def _speak_the_visits_language(visit: Opportunity) -> str:
    """When the reader asked for none (?lang=): the language they chose before (their account's or
    the switcher's cookie), else the site's teaching language when we have it, else the best match
    of their browser's (Flask-Babel chooses those two itself)."""
    if _chose_before():
        return ""
    taught = visit.site.instruction_language if visit.site is not None else None
    if taught not in LANGUAGES:
        return ""
    g.language_asked = taught
    refresh()
    return taught


def _chose_before() -> bool:
    """The reader picked a language earlier: on their account, or with the language switcher."""
    if current_user.is_authenticated and getattr(current_user, "locale", None) in LANGUAGES:
        return True
    return request.cookies.get(LANGUAGE_COOKIE) in LANGUAGES


def _learner_page(state: str, token: str, visit: Opportunity | None, lang: str, status: int, **context):
    page = render_template(
        "impact/learner_feedback.html",
        state=state,
        token=token,
        visit=visit,
        lang=lang,
        languages=LANGUAGES,
        **context,
    )
    return page, status


@bp.route("/f/<token>", methods=["GET", "POST"])
@limiter.limit(FORM_GET_LIMIT, methods=["GET"], error_message=throttle.worded(FORM_GET_LIMIT))
@limiter.limit(FORM_POST_LIMIT, methods=["POST"], error_message=throttle.worded(FORM_POST_LIMIT))
def learner_feedback(token: str):
    today = date.today()
    lang = _speak_the_asked_language()  # before any word of the page is worded
    try:
        link = learner_links.find_link(db.session, token)
    except NotFound as unknown:
        return _learner_page("unknown", token, None, lang, 404, reason=unknown.message)
    visit = link.visit
    lang = lang or _speak_the_visits_language(visit)
    try:
        learner_links.check_open(link, today)
    except LinkClosed as closed:
        return _learner_page("closed", token, visit, lang, 410, reason=closed.message, used=closed.used)
    form = LearnerFeedbackForm()
    if form.validate_on_submit():
        answers = Answers(
            usefulness=form.usefulness.data,
            confidence=form.confidence.data,
            helped=form.helped.data or "",
            improve=form.improve.data or "",
        )
        sent = attempt(learner_links.answer, db.session, token, answers, today, form=form)
        if sent.ok:
            return _learner_page("thanks", token, visit, lang, 200)
        if isinstance(sent.error, LinkClosed):
            closed = sent.error
            return _learner_page("closed", token, visit, lang, 410, reason=closed.message, used=closed.used)
    return render_form(
        "impact/learner_feedback.html",
        form,
        state="form",
        token=token,
        visit=visit,
        lang=lang,
        languages=LANGUAGES,
    )


@bp.get("/visits/<int:visit_id>/learner-feedback")
@login_required
def learner_answers(visit_id: int):
    visit, standing = visits.visit_for(db.session, current_user, visit_id)
    return render_template(
        "impact/learner_answers.html",
        visit=visit,
        summary=learner_links.summary(db.session, visit.id, date.today()),
        host=standing.host,
        heading=_("What the local learners said"),
    )
