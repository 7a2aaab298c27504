"""Days, numbers, money and names written for each of the four languages (matcher/formatting.py)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask_babel import Babel, force_locale

from matcher import formatting

DAY = date(2027, 3, 3)


@pytest.fixture(scope="module", autouse=True)
def babel_app():
    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        yield


@pytest.mark.parametrize(
    ("code", "short", "long"),
    [
        ("en", "3 Mar 2027", "3 March 2027"),
        ("fr", "3 mars 2027", "3 mars 2027"),
        ("pt", "3 mar. 2027", "3 de março de 2027"),
        ("es", "3 mar 2027", "3 de marzo de 2027"),
    ],
)
def test_days_read_as_each_language_writes_them(code, short, long):
    with force_locale(code):
        assert formatting.day(DAY) == short
        assert formatting.long_day(DAY) == long
        assert formatting.day(datetime(2027, 3, 3, 23, 59)) == short
        assert formatting.day(None) == ""


@pytest.mark.parametrize(
    ("code", "number", "score", "money"),
    [
        ("en", "12,345.5", "0.85", "€1,500.50"),
        ("fr", "12\u202f345,5", "0,85", "1\u202f500,50\u00a0€"),
        ("pt", "12\u00a0345,5", "0,85", "1\u00a0500,50\u00a0€"),
        ("es", "12,345.5", "0.85", "EUR\u00a01,500.50"),
    ],
)
def test_numbers_and_money_use_the_readers_separators(code, number, score, money):
    with force_locale(code):
        assert formatting.number(12345.5) == number
        assert formatting.number(Decimal("0.849"), 2) == score
        assert formatting.money(Decimal("1500.5"), "eur") == money
        assert formatting.money(None, "EUR") == "" and formatting.number(None) == ""


def test_timestamps_show_the_zone_and_the_local_day():
    moment = datetime(2027, 3, 12, 1, 15, tzinfo=ZoneInfo("UTC"))
    zone = ZoneInfo("America/Sao_Paulo")
    with force_locale("pt"):
        assert formatting.moment(moment, zone) == "11 mar. 2027, 22:15 -03"
        assert formatting.moment(moment, zone, "date") == "11 mar. 2027"
    with force_locale("en"):
        assert formatting.moment(moment, ZoneInfo("Africa/Nairobi"), "seconds") == "12 Mar 2027, 04:15:00 EAT"


def test_places_and_languages_are_named_in_the_readers_language():
    with force_locale("fr"):
        assert formatting.country_name("mz") == "Mozambique"
        assert formatting.country_name("014") == "Afrique orientale"
        assert formatting.language_name("pt") == "Portugais"
        assert formatting.spoken_list(["a", "b", "c"]) == "a, b et c"
    with force_locale("es"):
        assert formatting.country_name("CI") == "Costa de Marfil"
        assert formatting.language_name("en") == "Inglés"
        assert formatting.country_name("XX", "Somewhere") == "Somewhere"
    with force_locale("en"):
        assert formatting.spoken_list(["a", "b", "c"]) == "a, b and c"
        assert formatting.spoken_list([]) == ""


def test_names_sort_in_the_readers_alphabet():
    assert formatting.by_name(["Uganda", "África do Sul", "Gana", "Maláui"]) == [
        "África do Sul",
        "Gana",
        "Maláui",
        "Uganda",
    ]
