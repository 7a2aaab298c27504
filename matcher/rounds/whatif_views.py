"""A ranked round's settings (reserve, weights, visitor cap) and the what-if page: two runs side by side."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from matcher.extensions import db
from matcher.formatting import label_for, region_label
from matcher.models.matching import MatchRound, RoundMode
from matcher.rounds import bp
from matcher.rounds.forms import SettingsForm
from matcher.rounds.views import STAFF, get_run
from matcher.services import reference
from matcher.services.matching import reports, whatif
from matcher.services.matching.fairness import GROUPINGS, UNKNOWN
from matcher.services.matching.settings import INCOME_GROUP_LABELS, WEIGHT_NAMES, of_round, update_settings
from matcher.translate import gettext as _
from matcher.web.access import role_required
from matcher.web.converters import as_id
from matcher.web.usecase import attempt, render_form


def _ranked_round(round_id: int) -> MatchRound:
    match_round = db.session.get(MatchRound, round_id) or abort(404)
    if match_round.mode != RoundMode.RANKED:
        abort(404)  # recommendation rounds allocate nothing: no reserve, no cap
    return match_round


@bp.route("/rounds/<int:round_id>/settings", methods=["GET", "POST"])
@role_required(*STAFF)
def round_settings(round_id: int):
    match_round = _ranked_round(round_id)
    form = SettingsForm() if request.method == "POST" else SettingsForm.of(of_round(match_round))
    if form.validate_on_submit():
        done = attempt(update_settings, db.session, current_user, match_round, form.settings(), form=form)
        if done.ok:
            flash(_("Settings saved. The next run uses them; runs already made keep theirs."), "success")
            return redirect(url_for("rounds.show", round_id=round_id))
    return render_form(
        "rounds/settings.html", form, round=match_round, weight_fields=[f"weight_{n}" for n in WEIGHT_NAMES]
    )


@bp.get("/compare")
@role_required(*STAFF)
def compare():
    a, b = get_run(request.args.get("a", type=as_id) or 0), get_run(request.args.get("b", type=as_id) or 0)
    if a.round_id != b.round_id:
        abort(400)
    comparison = reports.compare_runs(db.session, a, b)
    figures_a, figures_b = whatif.RunFigures.of(a), whatif.RunFigures.of(b)
    return render_template(
        "rounds/compare.html",
        a=a,
        b=b,
        figures=(figures_a, figures_b),
        group_changes=whatif.changes(figures_a, figures_b),
        groupings=GROUPINGS,
        group_label=_group_labeller(),
        holders=(whatif.reserve_holders(a), whatif.reserve_holders(b)),
        changed=comparison.changed,
        left=comparison.left,
        right=comparison.right,
        users=comparison.users,
        opportunities=comparison.opportunities,
        regions_a=comparison.per_subregion(comparison.left),
        regions_b=comparison.per_subregion(comparison.right),
    )


def _group_labeller() -> Callable[[str, str], str]:
    """The words for a group of a grouping ("income", "region", "level") in the reader's language."""
    levels = {str(level.rank): label_for(level) for level in reference.levels(db.session)}

    def label(grouping: str, group: str) -> str:
        if group == UNKNOWN:
            return str(INCOME_GROUP_LABELS[UNKNOWN])
        if grouping == "income":
            return str(INCOME_GROUP_LABELS.get(group, group))
        if grouping == "region":
            return region_label(group)
        return levels.get(group, group)

    return label
