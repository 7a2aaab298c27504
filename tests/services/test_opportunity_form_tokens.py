"""The same "new opportunity" form sent twice at once still makes one draft (the unique token decides)."""

from datetime import date, timedelta

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Opportunity
from matcher.services import opportunities
from matcher.services.opportunities import OpportunityData

START = date.today() + timedelta(days=90)


def test_a_second_insert_with_the_same_token_returns_the_first_draft(app, users, monkeypatch):
    organisation = users.organisation()
    member = users.create(role="org_member", organisation=organisation)
    first = users.opportunity(organisation, status="draft", form_token="same-form")
    # The other request inserted between this one's look-up and its insert: the look-up saw nothing.
    looked_up = []

    def racing(session, organisation_, token):
        looked_up.append(token)
        return None if len(looked_up) == 1 else real(session, organisation_, token)

    real = opportunities._made_by_form
    monkeypatch.setattr(opportunities, "_made_by_form", racing)
    data = OpportunityData(
        title="Same form, second request",
        type="clinical_elective",
        description="Four weeks.",
        host_institution="Muhimbili National Hospital",
        city="Dar es Salaam",
        country_code="TZ",
        level_min=4,
        level_max=6,
        starts_on=START,
        ends_on=START + timedelta(days=27),
        capacity=2,
        interests=["pph-embolisation"],
        languages=[("en", "professional")],
    )
    with app.test_request_context():
        result = opportunities.create(db.session, member, organisation, data, "same-form")
    assert result.id == first.id and looked_up == ["same-form", "same-form"]
    assert db.session.scalar(select(func.count()).select_from(Opportunity)) == 1
