"""Country rule packs: every shipped pack loads; a broken pack is refused with a message naming the
file, the rule and the field, and nothing in the database changes; loading again keeps coordinators'
edits and leaves an unchanged pack alone."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.models.departure import CountryPack, CountryRule, RuleKind
from matcher.seed.demo_opportunities import SITES
from matcher.services.departure import rules as rules_service
from matcher.services.departure.rule_packs import PACKS, PackError, check_packs, load_packs, read_packs
from matcher.services.departure.rules import RuleData, rules_for
from matcher.trips.commands import warn_if_packs_are_broken

GOOD = """
country = "KE"
reviewed_on = 2025-06-01
notes = "Test pack."

[[rules]]
code = "temporary-licence"
kind = "licence"
title = "Temporary licence"
authority = "KMPDC"
source_url = "https://kmpdc.go.ke/"
source_date = 2025-06-01
lead_days = 60
professions = ["ir-physician", "ir-trainee"]

[[rules]]
code = "travel-insurance"
kind = "insurance"
title = "Travel insurance"
source_url = "https://www.gov.uk/guidance/foreign-travel-insurance"
source_date = 2025-06-01
mandatory = true
needs_proof = false
lead_days = 14
"""


def _snapshot() -> list[tuple]:
    """Everything the loader could change, to compare before and after a refused load."""
    packs = db.session.execute(
        select(CountryPack.country_code, CountryPack.digest, CountryPack.reviewed_on).order_by(
            CountryPack.country_code
        )
    ).all()
    rules = db.session.execute(
        select(CountryRule.country_code, CountryRule.code, CountryRule.title, CountryRule.lead_days).order_by(
            CountryRule.country_code, CountryRule.code
        )
    ).all()
    return [*packs, *rules]


def _write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(exist_ok=True)
    path = directory / name
    path.write_text(text)
    return path


@pytest.fixture
def packs_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "packs"
    _write(directory, "KE.toml", GOOD)
    return directory


def _codes(country: str) -> list[str]:
    return [r.code for r in rules_for(db.session, country)]


def test_every_shipped_pack_loads_with_a_source_and_a_date_per_rule(app):
    report = load_packs(db.session)
    demo_countries = {site[5] for site in SITES}
    loaded = set(db.session.scalars(select(CountryPack.country_code)))
    assert demo_countries <= loaded
    assert set(report.loaded) == loaded and report.unchanged == []
    rules = list(db.session.scalars(select(CountryRule)))
    assert report.added == len(rules) and report.updated == report.removed == report.kept == 0
    for rule in rules:
        assert rule.source_url.startswith("https://"), rule.code
        assert rule.source_date <= date.today()
        assert 0 <= rule.lead_days <= 365
        assert RuleKind(rule.kind)
    kenya = {r.code: r for r in rules_for(db.session, "KE")}
    assert kenya["temporary-licence"].authority.startswith("Kenya Medical Practitioners and Dentists Council")
    assert kenya["temporary-licence"].professions == ["ir-physician", "ir-trainee"]
    tanzania = {r.code: r for r in rules_for(db.session, "TZ")}
    assert "Medical Council of Tanganyika" in tanzania["temporary-licence"].authority
    assert {r.kind for r in rules_for(db.session, "UG")} >= {"licence", "visa", "immunisation", "insurance"}
    assert check_packs() == []


def test_loading_an_unchanged_pack_again_changes_nothing(app):
    first = load_packs(db.session)
    before = _snapshot()
    again = load_packs(db.session)
    assert again.loaded == [] and sorted(again.unchanged) == sorted(first.loaded)
    assert again.added == again.updated == again.removed == 0
    assert _snapshot() == before


def test_rules_for_a_profession_leaves_out_rules_for_others(app, packs_dir):
    load_packs(db.session, packs_dir)
    assert _codes("KE") == ["temporary-licence", "travel-insurance"]
    assert [r.code for r in rules_for(db.session, "KE", "ir-physician")] == [
        "temporary-licence",
        "travel-insurance",
    ]
    assert [r.code for r in rules_for(db.session, "KE", "medical-student")] == ["travel-insurance"]
    assert rules_for(db.session, "TZ", "ir-physician") == []


BROKEN = {
    "bad TOML": (
        "KE.toml",
        "country = 'KE'\nreviewed_on = 2025-06-01\n[[rules]\n",
        "KE.toml: the file",
        "not valid TOML",
    ),
    "missing source": (
        "KE.toml",
        GOOD.replace('source_url = "https://kmpdc.go.ke/"\n', ""),
        "KE.toml: rule “temporary-licence”, field “source_url”",
        "is missing",
    ),
    "missing date": (
        "KE.toml",
        GOOD.replace("source_date = 2025-06-01\nmandatory = true", "mandatory = true"),
        "KE.toml: rule “travel-insurance”, field “source_date”",
        "is missing",
    ),
    "date in the future": (
        "KE.toml",
        GOOD.replace(
            "source_date = 2025-06-01\nlead_days = 60",
            f"source_date = {date.today() + timedelta(days=2)}\nlead_days = 60",
        ),
        "KE.toml: rule “temporary-licence”, field “source_date”",
        "future",
    ),
    "unknown kind": (
        "KE.toml",
        GOOD.replace('kind = "insurance"', 'kind = "bribe"'),
        "KE.toml: rule “travel-insurance”, field “kind”",
        "kinds",
    ),
    "duplicate code": (
        "KE.toml",
        GOOD.replace('code = "travel-insurance"', 'code = "temporary-licence"'),
        "KE.toml: rule “temporary-licence”, field “code”",
        "another rule",
    ),
    "unknown country": (
        "XX.toml",
        GOOD.replace('country = "KE"', 'country = "XX"'),
        "XX.toml: the pack, field “country”",
        "not a known",
    ),
    "file named for another country": (
        "TZ.toml",
        GOOD,
        "TZ.toml: the pack, field “country”",
        "named TZ.toml",
    ),
    "lead_days too high": (
        "KE.toml",
        GOOD.replace("lead_days = 60", "lead_days = 400"),
        "KE.toml: rule “temporary-licence”, field “lead_days”",
        "365",
    ),
    "lead_days negative": (
        "KE.toml",
        GOOD.replace("lead_days = 14", "lead_days = -1"),
        "KE.toml: rule “travel-insurance”, field “lead_days”",
        "365",
    ),
    "lead_days not a number": (
        "KE.toml",
        GOOD.replace("lead_days = 14", 'lead_days = "14"'),
        "KE.toml: rule “travel-insurance”, field “lead_days”",
        "whole number",
    ),
    "javascript URL": (
        "KE.toml",
        GOOD.replace("https://kmpdc.go.ke/", "javascript:alert(1)"),
        "KE.toml: rule “temporary-licence”, field “source_url”",
        "https://",
    ),
    "ftp URL": (
        "KE.toml",
        GOOD.replace("https://kmpdc.go.ke/", "ftp://kmpdc.go.ke/"),
        "KE.toml: rule “temporary-licence”, field “source_url”",
        "https://",
    ),
    "unknown profession": (
        "KE.toml",
        GOOD.replace('"ir-trainee"]', '"astronaut"]'),
        "KE.toml: rule “temporary-licence”, field “professions”",
        "astronaut",
    ),
    "unknown field": (
        "KE.toml",
        GOOD.replace("lead_days = 14", "lead_days = 14\nleaddays = 3"),
        "KE.toml: rule “travel-insurance”, field “leaddays”",
        "not a field",
    ),
    "no title": (
        "KE.toml",
        GOOD.replace('title = "Travel insurance"', 'title = "  "'),
        "KE.toml: rule “travel-insurance”, field “title”",
        "title",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_pack_is_refused_naming_file_rule_and_field_and_nothing_changes(app, tmp_path, case):
    # A good pack is loaded first; then a directory with a good pack for Tanzania and the broken one.
    first = tmp_path / "first"
    _write(first, "KE.toml", GOOD)
    load_packs(db.session, first)
    db.session.commit()
    before = _snapshot()
    name, text, where, words = BROKEN[case]
    assert text != GOOD or name != "KE.toml"  # the case really breaks something
    second = tmp_path / "second"
    _write(second, "UG.toml", GOOD.replace('country = "KE"', 'country = "UG"'))
    _write(second, name, text)
    with pytest.raises(PackError) as refused:
        load_packs(db.session, second)
    db.session.rollback()
    assert len(refused.value.problems) == 1
    problem = refused.value.problems[0]
    assert problem.startswith(where), problem
    assert words in problem, problem
    assert _snapshot() == before
    assert db.session.get(CountryPack, "UG") is None


def test_every_broken_pack_is_listed_at_once(tmp_path):
    directory = tmp_path / "packs"
    _write(directory, "KE.toml", GOOD.replace("lead_days = 60", "lead_days = 999"))
    _write(
        directory,
        "TZ.toml",
        GOOD.replace('country = "KE"', 'country = "TZ"').replace('kind = "insurance"', 'kind = "x"'),
    )
    with pytest.raises(PackError) as refused:
        read_packs(directory)
    assert [p.split(",")[0] for p in refused.value.problems] == [
        "KE.toml: rule “temporary-licence”",
        "TZ.toml: rule “travel-insurance”",
    ]


def _coordinator_edit(users, country: str, code: str, **changes) -> CountryRule:
    coordinator = users.create("coordinator")
    rule = next(r for r in rules_for(db.session, country) if r.code == code)
    fields = {name: getattr(rule, name) for name in RuleData.__dataclass_fields__ if name != "professions"}
    data = RuleData(**{**fields, "professions": tuple(rule.professions), **changes})
    rules_service.update_rule(db.session, coordinator, country, rule.id, data)
    db.session.commit()
    return rule


def test_loading_a_changed_pack_keeps_coordinators_edits_and_rules(app, users, packs_dir):
    load_packs(db.session, packs_dir)
    db.session.commit()
    _coordinator_edit(users, "KE", "temporary-licence", title="Licence (ask Dr Otieno first)", lead_days=90)
    coordinator = users.create("coordinator")
    own = rules_service.add_rule(
        db.session,
        coordinator,
        "KE",
        RuleData("police-clearance", "other", "Police clearance", "https://example.org/", date(2025, 1, 1)),
    )
    db.session.commit()
    # The pack changes: both shipped rules reworded, insurance dropped, a visa rule added.
    changed = GOOD.replace('title = "Temporary licence"', 'title = "Temporary licence (new words)"')
    changed = changed.split('[[rules]]\ncode = "travel-insurance"')[0] + (
        '[[rules]]\ncode = "visa"\nkind = "visa"\ntitle = "eTA"\n'
        'source_url = "https://www.etakenya.go.ke/"\nsource_date = 2025-06-01\n'
    )
    _write(packs_dir, "KE.toml", changed)
    report = load_packs(db.session, packs_dir)
    db.session.commit()
    assert (report.added, report.updated, report.removed, report.kept) == (1, 0, 1, 1)
    kenya = {r.code: r for r in rules_for(db.session, "KE")}
    assert set(kenya) == {"temporary-licence", "visa", "police-clearance"}
    assert kenya["temporary-licence"].title == "Licence (ask Dr Otieno first)"
    assert kenya["temporary-licence"].lead_days == 90
    assert kenya["police-clearance"].id == own.id
    assert [r.code for r in rules_for(db.session, "KE")] == ["temporary-licence", "visa", "police-clearance"]


def test_an_unedited_rule_follows_its_changed_pack(app, packs_dir):
    load_packs(db.session, packs_dir)
    _write(packs_dir, "KE.toml", GOOD.replace("lead_days = 60", "lead_days = 45"))
    report = load_packs(db.session, packs_dir)
    assert (report.added, report.updated, report.removed, report.kept) == (0, 2, 0, 0)
    assert [r.lead_days for r in rules_for(db.session, "KE")] == [45, 14]
    assert db.session.scalar(select(func.count()).select_from(CountryRule)) == 2


def test_load_rules_command_refuses_a_broken_pack_and_changes_nothing(app, runner, tmp_path):
    _write(tmp_path / "ok", "KE.toml", GOOD)
    loaded = runner.invoke(args=["departure", "load-rules", "--directory", str(tmp_path / "ok")])
    assert loaded.exit_code == 0, loaded.output
    assert "Rule packs loaded: KE" in loaded.output and "rules added 2" in loaded.output
    before = _snapshot()
    _write(tmp_path / "bad", "KE.toml", GOOD.replace("lead_days = 60", "lead_days = 400"))
    refused = runner.invoke(args=["departure", "load-rules", "--directory", str(tmp_path / "bad")])
    assert refused.exit_code == 1
    assert "No rule pack was loaded" in refused.output
    assert "KE.toml: rule “temporary-licence”, field “lead_days”" in refused.output
    assert _snapshot() == before


def test_check_rules_command_passes_on_the_shipped_packs(runner):
    result = runner.invoke(args=["departure", "check-rules"])
    assert result.exit_code == 0 and "well formed" in result.output


def test_the_start_up_check_reports_a_broken_pack_in_the_log(app, tmp_path, caplog):
    _write(tmp_path / "packs", "KE.toml", GOOD.replace('kind = "insurance"', 'kind = "bribe"'))
    app.config["COUNTRY_RULES_DIR"] = tmp_path / "packs"
    try:
        with caplog.at_level(logging.ERROR, logger="matcher.departure"):
            warn_if_packs_are_broken(app)
    finally:
        del app.config["COUNTRY_RULES_DIR"]
    assert [r.getMessage() for r in caplog.records] == [
        "Broken country rule pack (not loaded): KE.toml: rule “travel-insurance”, field “kind”: "
        "Choose one of the kinds of rule in the list."
    ]
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="matcher.departure"):
        warn_if_packs_are_broken(app)
    assert caplog.records == []


def test_the_shipped_packs_directory_holds_one_pack_per_demo_country():
    assert {p.stem for p in PACKS.glob("*.toml")} >= {site[5] for site in SITES}
