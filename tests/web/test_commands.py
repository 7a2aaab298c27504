"""The flask commands: create-user, seed-demo, reference sync."""

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Country, Interest, Membership, Organisation, TrainingLevel, User
from matcher.security import verify_password


def test_create_user_prompts_for_the_password_and_creates_a_verified_coordinator(runner):
    result = runner.invoke(
        args=["create-user", "--role", "coordinator", "Grace@Example.org"],
        input="a long passphrase\na long passphrase\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "grace@example.org"))
    assert user.role == "coordinator" and user.email_verified_at is not None
    assert verify_password(user.password_hash, "a long passphrase")


def test_create_user_refuses_a_short_password_and_a_duplicate(runner, users):
    result = runner.invoke(args=["create-user", "--role", "admin", "a@example.org"], input="short\nshort\n")
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    users.create(email="b@example.org")
    result = runner.invoke(
        args=["create-user", "--role", "admin", "b@example.org"],
        input="a long passphrase\na long passphrase\n",
    )
    assert result.exit_code != 0 and "already exists" in result.output


def test_seed_demo_is_idempotent_and_prints_the_logins(app, runner):
    app.config["ENV"] = "development"
    app.config["BASE_URL"] = "https://irmatch.example.org:8443/"
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "Log in at https://irmatch.example.org:8443/login with" in first.output
    assert "Open https://irmatch.example.org:8443 in your browser." in first.output
    assert "127.0.0.1" not in first.output
    counts = (
        db.session.scalar(select(func.count()).select_from(User)),
        db.session.scalar(select(func.count()).select_from(Organisation)),
        db.session.scalar(select(func.count()).select_from(Membership)),
    )
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    again = (
        db.session.scalar(select(func.count()).select_from(User)),
        db.session.scalar(select(func.count()).select_from(Organisation)),
        db.session.scalar(select(func.count()).select_from(Membership)),
    )
    # 40 demo applicants (matcher.seed.demo_applicants) and 81 teaching volunteers (demo_teaching)
    assert counts == again == (10 + 40 + 81, 4, 4)
    assert "ir-physician01 to ir-physician20" in first.output and "physicist01," in first.output
    assert "coordinator@demo.irmatch.org" in first.output and app.config["DEMO_PASSWORD"] in first.output
    names = set(db.session.scalars(select(Organisation.name)))
    assert {
        "RAD-AID International",
        "Road2IR",
        "SIR RFS International Outreach Committee",
        "IR Juniors",
    } == names
    assert all(o.is_verified for o in db.session.scalars(select(Organisation)))


def test_demo_logins_work_for_each_role(app, runner, client):
    app.config["ENV"] = "development"
    runner.invoke(args=["seed-demo"])
    for email in (
        "coordinator@demo.irmatch.org",
        "admin@demo.irmatch.org",
        "amina.student@demo.irmatch.org",
        "neema.trainee@demo.irmatch.org",
        "contact@road2ir.demo.irmatch.org",
    ):
        response = client.post("/login", data={"email": email, "password": app.config["DEMO_PASSWORD"]})
        assert response.status_code == 302, email
        client.post("/logout")


def test_seed_demo_refuses_production(app, runner):
    app.config["ENV"] = "production"
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "Refusing" in result.output


def test_reference_data_has_regions_income_groups_interests_and_ordered_levels(runner):
    result = runner.invoke(args=["reference", "sync"])
    assert result.exit_code == 0
    tanzania = db.session.get(Country, "TZ")
    assert (tanzania.region, tanzania.subregion, tanzania.income_group) == (
        "Africa",
        "Eastern Africa",
        "lower-middle",
    )
    assert db.session.get(Country, "UG").income_group == "low"
    assert db.session.scalar(select(func.count()).select_from(Country)) > 240
    pph = db.session.scalar(select(Interest).where(Interest.slug == "pph-embolisation"))
    assert pph.group == "Haemorrhage control and embolisation"
    # "from year-4 student to resident year 2" is a range query on rank.
    ms4, res2 = (
        db.session.scalar(select(TrainingLevel.rank).where(TrainingLevel.code == c)) for c in ("ms4", "res2")
    )
    codes = db.session.scalars(
        select(TrainingLevel.code).where(TrainingLevel.rank.between(ms4, res2)).order_by(TrainingLevel.rank)
    ).all()
    assert codes == ["ms4", "ms5", "ms6", "intern", "res1", "res2"]
