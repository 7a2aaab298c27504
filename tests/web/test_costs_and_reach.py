"""Issue 23, both directions and costs: fee waivers, travel grants, places that run the other way,
and the estimated cost of going (form, detail page, search filters and sort)."""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models import Opportunity
from matcher.models.departure import CountryRule, RuleKind
from matcher.services import costs
from tests.departure.checklist_data import make_pack, rule
from tests.web.test_opportunity_editing import form_data


def kenya_fees(users):
    """Kenya's pack with a visa fee in US dollars and in shillings, and two licences (the highest
    counts: one traveller needs one licence), one of them not mandatory."""
    return make_pack(
        users,
        "KE",
        [
            rule("visa", RuleKind.VISA, fee_amount=Decimal("50"), fee_currency="USD"),
            rule("visa-local", RuleKind.VISA, fee_amount=Decimal("4000"), fee_currency="KES"),
            rule("licence-doctor", RuleKind.LICENCE, fee_amount=Decimal("100"), fee_currency="USD"),
            rule("licence-nurse", RuleKind.LICENCE, fee_amount=Decimal("80"), fee_currency="USD"),
            rule(
                "licence-extra",
                RuleKind.LICENCE,
                mandatory=False,
                fee_amount=Decimal("900"),
                fee_currency="USD",
            ),
            rule("insurance", RuleKind.INSURANCE, fee_amount=Decimal("70"), fee_currency="USD"),
        ],
    )


def sql_cost(opportunity: Opportunity) -> Decimal:
    return Decimal(
        str(db.session.scalar(select(costs.estimated_cost()).where(Opportunity.id == opportunity.id)))
    )


def test_estimate_adds_fee_accommodation_and_the_pack_fees_the_place_needs(users):
    kenya_fees(users)
    nairobi = users.opportunity(
        country_code="KE",
        fee_amount=Decimal("300"),
        fee_currency="USD",
        accommodation_cost=Decimal("200"),
        needs_visa=True,
        needs_temporary_licence=True,
    )
    estimate = costs.estimate(db.session, nairobi)
    assert [(p.kind, p.amount) for p in estimate.added] == [
        ("fee", Decimal("300")),
        ("accommodation", Decimal("200")),
        ("visa", Decimal("50")),
        ("licence", Decimal("100")),
    ]
    assert estimate.not_added == () and estimate.currency == "USD"
    assert estimate.total == Decimal("650") == sql_cost(nairobi)


def test_estimate_without_pack_fees_is_the_fee_and_accommodation(users):
    kenya_fees(users)
    no_pack = users.opportunity(
        country_code="TZ",
        fee_amount=Decimal("120"),
        fee_currency="USD",
        accommodation_cost=Decimal("80.50"),
        needs_visa=True,
    )
    no_visa = users.opportunity(country_code="KE", fee_amount=Decimal("120"), fee_currency="USD")
    housed = users.opportunity(
        country_code="KE",
        fee_amount=Decimal("120"),
        fee_currency="USD",
        accommodation_provided=True,
        accommodation_cost=Decimal("999"),
    )
    free = users.opportunity(country_code="TZ")
    assert costs.estimate(db.session, no_pack).total == Decimal("200.50") == sql_cost(no_pack)
    assert costs.estimate(db.session, no_visa).total == Decimal("120") == sql_cost(no_visa)
    assert costs.estimate(db.session, housed).total == Decimal("120") == sql_cost(housed)
    assert not costs.estimate(db.session, free).known and sql_cost(free) == 0


def test_pack_fees_in_another_currency_are_named_not_added(users):
    kenya_fees(users)
    in_euros = users.opportunity(
        country_code="KE", fee_amount=Decimal("250"), fee_currency="EUR", needs_visa=True
    )
    estimate = costs.estimate(db.session, in_euros)
    assert [(p.kind, p.amount) for p in estimate.added] == [("fee", Decimal("250"))]
    # The highest visa fee is named in its own currency (shillings), not converted to euros.
    assert [(p.kind, p.amount, p.currency) for p in estimate.not_added] == [("visa", Decimal("4000"), "KES")]
    assert estimate.total == Decimal("250") == sql_cost(in_euros)


def test_detail_page_shows_about_the_total_with_what_it_includes(client, users):
    kenya_fees(users)
    nairobi = users.opportunity(
        country_code="KE",
        fee_amount=Decimal("300"),
        fee_currency="USD",
        accommodation_cost=Decimal("200"),
        needs_visa=True,
        needs_temporary_licence=True,
    )
    page = html.unescape(client.get(f"/opportunities/{nairobi.id}").get_data(as_text=True))
    assert "About US$650.00" in page or "About $650.00" in page
    assert "Includes the fee, accommodation, the visa fee (country rules)" in page
    assert "Does not include travel, food or insurance." in page
    # Kenya is not a high-income country: no "other way" section, no SIR link.
    assert "For trainees from low- and middle-income countries" not in page


def test_place_in_a_high_income_country_is_shown_and_matchable_for_an_lmic_trainee(client, auth, users):
    boston = users.opportunity(
        title="Observership in Boston",
        type="observership",
        country_code="US",
        city="Boston",
        host_institution="A teaching hospital",
        fee_waiver=True,
        travel_grant=True,
    )
    users.opportunity(title="Elective in Dar es Salaam", country_code="TZ")
    student = auth.login("student")
    users.profile(student)  # a complete profile of a student from Kenya (lower-middle income)
    listed = client.get("/opportunities?matchable=1&other_way=1").get_data(as_text=True)
    assert "Observership in Boston" in listed and "Elective in Dar es Salaam" not in listed
    page = client.get(f"/opportunities/{boston.id}").get_data(as_text=True)
    assert "For trainees from low- and middle-income countries" in page
    assert "The fee is waived for trainees from low- and middle-income countries." in page
    assert "The host offers a travel grant." in page
    assert 'href="https://www.sirweb.org/"' in page and "SIR RFS pages" in page


@pytest.fixture
def priced(users):
    kenya_fees(users)
    made = {
        "cheap": users.opportunity(
            title="Cheap", country_code="TZ", fee_amount=Decimal("100"), fee_currency="USD"
        ),
        "visa": users.opportunity(
            title="Visa",
            country_code="KE",
            fee_amount=Decimal("100"),
            fee_currency="USD",
            needs_visa=True,
            fee_waiver=True,
        ),
        "dear": users.opportunity(
            title="Dear",
            country_code="GB",
            fee_amount=Decimal("500"),
            fee_currency="GBP",
            accommodation_cost=Decimal("400"),
            travel_grant=True,
        ),
        "free": users.opportunity(title="Free", country_code="US", fee_waiver=True, travel_grant=True),
    }
    return made


def titles(client, query: str) -> list[str]:
    page = client.get("/opportunities" + query).get_data(as_text=True)
    found = {t: page.find(f">{t}</a>") for t in ("Cheap", "Visa", "Dear", "Free")}
    return [t for t, at in sorted(found.items(), key=lambda pair: pair[1]) if at >= 0]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?sort=cost", ["Free", "Cheap", "Visa", "Dear"]),
        ("?max_cost=100", ["Cheap", "Free"]),
        ("?max_cost=150&sort=cost", ["Free", "Cheap", "Visa"]),
        ("?max_cost=0", ["Free"]),
        ("?fee_waiver=1", ["Visa", "Free"]),
        ("?travel_grant=1&sort=cost", ["Free", "Dear"]),
        ("?other_way=1&sort=cost", ["Free", "Dear"]),
        ("?other_way=1&fee_waiver=1", ["Free"]),
    ],
)
def test_cost_filter_sort_and_grant_filters(client, priced, query, expected):
    # The default order is by start date, which the factory gives in order of creation (same day):
    # ties go by id, so the unsorted lists read in the order the fixture made them.
    assert titles(client, query) == expected


def test_a_bad_cost_filter_is_named_and_ignored(client, priced):
    response = client.get("/opportunities?max_cost=lots&fee_waiver=maybe")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "Enter “Estimated cost at most” as an amount, like 1500." in page
    assert '<a href="#max_cost">' in page
    assert (
        "“Only with the fee waived for trainees from low- and middle-income countries” is either on" in page
    )
    assert titles(client, "?max_cost=lots") == ["Cheap", "Visa", "Dear", "Free"]


@pytest.fixture
def member(auth, users):
    organisation = users.organisation(name="Road2IR", slug="road2ir")
    auth.login("org_member", organisation=organisation)
    return organisation


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Opportunity))


def test_form_saves_the_cost_fields(client, member):
    response = client.post(
        "/organisations/road2ir/opportunities/new",
        data=form_data(accommodation_cost="350.5", fee_waiver="y", travel_grant="y"),
    )
    assert response.status_code == 302
    saved = db.session.scalars(select(Opportunity)).one()
    assert saved.accommodation_cost == Decimal("350.50")
    assert saved.fee_waiver and saved.travel_grant and not saved.stipend_provided
    assert client.get(f"/opportunities/{saved.id}/edit").status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"accommodation_cost": "-5"}, "accommodation_cost", "Not negative."),
        ({"accommodation_cost": "lots"}, "accommodation_cost", "Enter a number, like 150 or 150.50."),
        (
            {"accommodation_cost": "200", "accommodation_provided": "y"},
            "accommodation_cost",
            "Accommodation is provided: leave the cost of accommodation empty.",
        ),
        (
            {"accommodation_cost": "200", "fee_amount": None, "fee_currency": None},
            "fee_currency",
            "Give the currency of the fee and of accommodation.",
        ),
    ],
)
def test_form_refuses_bad_cost_fields_and_saves_nothing(client, member, changes, field, message):
    response = client.post("/organisations/road2ir/opportunities/new", data=form_data(**changes))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "There is a problem" in page
    assert f'href="#{field}"' in page
    assert message in page
    assert count() == 0


def test_pack_fee_is_read_from_the_file_and_checked(tmp_path):
    from matcher.services.departure.rule_packs import PackError, read_pack

    body = (
        'country = "KE"\nreviewed_on = 2025-06-01\nnotes = ""\n[[rules]]\ncode = "visa"\nkind = "visa"\n'
        'title = "Visa"\nsource_url = "https://example.org/"\nsource_date = 2025-06-01\n'
    )
    good = tmp_path / "KE.toml"
    good.write_text(body + 'fee_amount = 50.5\nfee_currency = "usd"\n')
    pack = read_pack(good, ["KE"])
    assert (pack.rules[0].fee_amount, pack.rules[0].fee_currency) == (Decimal("50.5"), "USD")
    good.write_text(body + "fee_amount = 50\n")
    with pytest.raises(PackError, match="both the fee and its currency"):
        read_pack(good, ["KE"])


def test_api_filters_sorts_and_says_the_new_fields(client, priced):
    response = client.get("/api/v1/opportunities?max_cost=150&sort=cost&fee_waiver=true")
    assert response.status_code == 200, response.get_json()
    items = response.get_json()["items"]
    assert [i["title"] for i in items] == ["Free", "Visa"]
    assert [(i["fee_waiver"], i["travel_grant"]) for i in items] == [(True, True), (True, False)]
    dear = client.get("/api/v1/opportunities?other_way=true&travel_grant=true&sort=cost").get_json()
    assert [(i["title"], i["accommodation_cost"]) for i in dear["items"]] == [
        ("Free", None),
        ("Dear", {"amount": "400.00", "currency": "GBP"}),
    ]
    refused = client.get("/api/v1/opportunities?max_cost=-1")
    assert refused.status_code == 400


def test_fellowships_and_courses_are_made_listed_and_filtered(client, member, users):
    response = client.post(
        "/organisations/road2ir/opportunities/new", data=form_data(type="fellowship", country_code="US")
    )
    assert response.status_code == 302
    assert db.session.scalars(select(Opportunity.type)).all() == ["fellowship"]
    users.opportunity(title="Doppler course", type="course", country_code="GB")
    users.opportunity(title="An elective")
    page = client.get("/opportunities?type=course").get_data(as_text=True)
    assert "Doppler course" in page and "An elective" not in page
    assert '<option value="fellowship">Fellowship</option>' in page
    api = client.get("/api/v1/opportunities?type=course").get_json()
    assert [(i["title"], i["type"]) for i in api["items"]] == [("Doppler course", "course")]


def test_duplicating_keeps_the_cost_and_grant_fields(client, member, users):
    original = users.opportunity(
        member,
        fee_amount=Decimal("90"),
        fee_currency="USD",
        accommodation_cost=Decimal("300"),
        fee_waiver=True,
        travel_grant=True,
    )
    assert client.post(f"/opportunities/{original.id}/duplicate").status_code == 302
    copy = db.session.scalars(select(Opportunity).where(Opportunity.id != original.id)).one()
    assert (copy.accommodation_cost, copy.fee_waiver, copy.travel_grant, copy.status) == (
        Decimal("300.00"),
        True,
        True,
        "draft",
    )
    assert count() == 2


def test_the_service_refuses_what_the_form_refuses(users):
    from matcher.services.errors import DomainError
    from matcher.services.opportunities import OpportunityData, validate

    data = OpportunityData(
        title="T", description="D", type="course", host_institution="H", city="London",
        country_code="GB", level_min=4, level_max=6, starts_on=date(2030, 1, 1),
        ends_on=date(2030, 2, 1), capacity=1, interests=["pph-embolisation"], languages=[],
        accommodation_cost=Decimal("-1"), fee_currency="GBP",
    )  # fmt: skip
    with pytest.raises(DomainError) as refused:
        validate(db.session, data)
    assert refused.value.field == "accommodation_cost"
    validate(db.session, replace(data, accommodation_cost=Decimal("10")))
    with pytest.raises(DomainError) as refused:
        validate(db.session, replace(data, accommodation_cost=Decimal("10"), fee_currency=None))
    assert refused.value.field == "fee_currency"


def test_cards_show_the_estimate_and_the_grants_on_search_and_organisation_pages(client, users, priced):
    search = html.unescape(client.get("/opportunities?sort=cost").get_data(as_text=True))
    visa = search[search.index(">Visa</a>") : search.index(">Dear</a>")]
    assert "Estimated cost: about US$150.00" in visa or "Estimated cost: about $150.00" in visa
    assert "fee waived for trainees from low- and middle-income countries" in visa
    free = search[search.index(">Free</a>") : search.index(">Cheap</a>")]
    assert "Estimated cost" not in free and "travel grant" in free
    slug = priced["dear"].organisation.slug
    organisation = html.unescape(client.get(f"/organisations/{slug}").get_data(as_text=True))
    assert "Estimated cost: about £900.00" in organisation


def test_a_coordinator_gives_a_rule_its_fee_and_estimates_add_it(client, auth, users):
    from tests.departure.test_countries_pages import NEW_RULE

    make_pack(users, "KE", [rule("visa", RuleKind.VISA)])
    visa = db.session.scalars(select(CountryRule).where(CountryRule.code == "visa")).one()
    nairobi = users.opportunity(
        country_code="KE", fee_amount=Decimal("100"), fee_currency="USD", needs_visa=True
    )
    auth.login("coordinator")
    edit = f"/coordination/countries/KE/rules/{visa.id}/edit"
    data = {**NEW_RULE, "kind": "visa", "professions": [], "fee_amount": "50"}
    refused = client.post(edit, data=data)
    assert refused.status_code == 422
    assert "Give both the fee and its currency, or neither." in html.unescape(refused.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(CountryRule, visa.id).fee_amount is None
    assert client.post(edit, data={**data, "fee_currency": "usd"}).status_code == 302
    db.session.expire_all()
    saved = db.session.get(CountryRule, visa.id)
    assert (saved.fee_amount, saved.fee_currency) == (Decimal("50.00"), "USD")
    page = html.unescape(client.get(f"/opportunities/{nairobi.id}").get_data(as_text=True))
    assert "About US$150.00" in page or "About $150.00" in page
    assert "fee US$50.00" in page or "fee $50.00" in page
