"""The emails a publication's job writes: each applicant's offer and each host's list, once each."""

from datetime import date

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.mail import jobs
from matcher.mail.jobs import expand_jobs
from matcher.models import Match, MatchRound, MatchRun, OutboxJob, OutboxMessage, Role

DEADLINE = date(2027, 1, 15)


@pytest.fixture
def published(users):
    """Two opportunities of one host, five published matches, one whose applicant has left."""
    host = users.create(Role.ORG_MEMBER, name="Host <Person>")
    organisation = host.memberships[0].organisation
    kenyatta = users.opportunity(organisation, title="Kenyatta IR & vascular")
    muhimbili = users.opportunity(organisation, title="Muhimbili elective")
    run = MatchRun(
        round=MatchRound(name="Round A", mode="ranked", scope={}),
        number=1,
        algorithm_version="test",
        seed=1,
        inputs_hash="0" * 64,
    )
    names = ['Zoë "Z" <b>', "Amina", "Neema", "David", "Gone"]
    applicants = [users.create(name=name) for name in names]
    places = [muhimbili, kenyatta, muhimbili, kenyatta, muhimbili]
    matches = [
        users.match(a, o, "published", run=run, response_deadline=DEADLINE)
        for a, o in zip(applicants, places, strict=True)
    ]
    matches[-1].applicant_id = None  # the applicant deleted their account since
    db.session.add(OutboxJob(kind="run_published", payload={"run_id": run.id}))
    db.session.commit()
    return {"host": host, "applicants": applicants[:-1], "places": places, "matches": matches}


def expand(app) -> None:
    with app.test_request_context():
        expand_jobs(db.session)


def written(template):
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == template).order_by(OutboxMessage.id)
    ).all()


def test_each_applicant_gets_their_own_offer_and_the_host_one_list(app, published, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK", 2)  # several chunks, each its own transaction
    expand(app)
    offers = written("match_published")
    assert [o.to_address for o in offers] == [a.email for a in published["applicants"]]
    for offer, applicant, place in zip(offers, published["applicants"], published["places"], strict=False):
        assert offer.to_name == applicant.name and offer.subject == f"You are offered a place: {place.title}"
        assert offer.body_text.startswith(
            f"Hello {applicant.name},\n\nGood news: you are matched with {place.title} "
            f"({place.organisation.name}, Dar es Salaam), from {place.starts_on:%-d %B %Y} "
            f"to {place.ends_on:%-d %B %Y}.\n\nAccept or decline by 15 January 2027:\n\n"
            "http://matcher.test/placements"
        )
        assert offer.unsubscribe_url and offer.unsubscribe_url in offer.body_text
    assert "<p>Hello Zoë &#34;Z&#34; &lt;b&gt;,</p>" in offers[0].body_html

    (host_mail,) = written("match_published_host")
    assert host_mail.subject == "5 matches for your opportunities"
    assert (
        "5 matches were published for your opportunities:\n\n"
        "- Amina: Kenyatta IR & vascular, reply by 15 January 2027\n"
        "- David: Kenyatta IR & vascular, reply by 15 January 2027\n"
        '- Zoë "Z" <b>: Muhimbili elective, reply by 15 January 2027\n'
        "- Neema: Muhimbili elective, reply by 15 January 2027\n"
        "- An applicant who has since deleted their account: Muhimbili elective, reply by 15 January 2027\n"
    ) in host_mail.body_text
    assert "<strong>Zoë &#34;Z&#34; &lt;b&gt;</strong>: Muhimbili elective" in host_mail.body_html
    assert "Kenyatta IR &amp; vascular, reply by" in host_mail.body_html

    job = db.session.scalars(select(OutboxJob)).one()
    assert job.done_at is not None and job.skipped == 0
    expand(app)  # a second pass writes nothing again
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == len(offers) + 1


def test_an_offer_that_cannot_be_written_leaves_out_only_that_applicant(app, published, monkeypatch):
    bad = published["matches"][1]
    write = jobs.offers_to_applicants

    def fails_for_one(session, matches):
        rows = write(session, matches)
        if bad.id in {m.id for m in matches}:
            raise ValueError("a value no template can render")
        return rows

    monkeypatch.setattr(jobs, "offers_to_applicants", fails_for_one)
    expand(app)
    offers = written("match_published")
    assert [o.user_id for o in offers] == [a.id for a in published["applicants"] if a.id != bad.applicant_id]
    job = db.session.scalars(select(OutboxJob)).one()
    assert job.skipped == 1 and job.last_error == f"row {bad.id}: ValueError: a value no template can render"
    assert db.session.scalar(select(func.count()).select_from(Match).where(Match.status == "published")) == 5
