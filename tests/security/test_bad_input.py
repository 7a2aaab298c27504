"""Bad input never gives a 500, always gets an answer with a message, and never half-saves.

For each role, the forms are found by fetching every page the role may open (the access table)
and reading their <form> elements, so a new form is fuzzed without anyone listing it here. Each
example submits the form as the page would, with some fields replaced by junk: long or odd
unicode, huge or negative numbers, impossible dates, digits that are not ASCII, NUL, and lists
where one value is expected. A refusal (4xx) must leave every table exactly as it was.
"""

from __future__ import annotations

import hashlib
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from matcher.extensions import db
from matcher.mail.preferences import unsubscribe_url
from matcher.models import OrganisationInvite
from matcher.security import ORGANISATION_INVITE, PASSWORD_RESET, fingerprint, make_token
from tests.security.access_table import TABLE, endpoint_of
from tests.security.crawl import Form, FormField, forms_in
from tests.security.world import ROLES, World

EXAMPLES = 6
POST_ANSWERS = {200, 302, 303, 400, 404, 409, 413, 422}
GET_ANSWERS = {200, 302, 400, 404, 422}
REFERENCE_TABLES = {"countries", "interests", "training_levels"}

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    "-inf",
    "2147483648",
    "99999999999999999999999999",
    "-9223372036854775809",
    "²",  # str.isdigit() says yes, int() says no
    "١٢٣",  # Arabic-Indic digits: int() accepts them
    "2027-02-30",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "31/12/2027",
    "../../etc/passwd",
    "' OR 1=1 --",
    '"><script>alert(1)</script>',
    "\u202eevil\u202c",
    "\ufeff",
    "💥" * 40,
    "x" * 5000,
    "\x00",
    "a\r\nb",
    "\x07\x1b[31m",
]
JUNK = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=80),
    st.integers(-(2**80), 2**80).map(str),
    st.dates().map(str),
)


def baseline(field: FormField) -> object:
    """What the page would send: its current value, else the first real option."""
    options = [o for o in field.options if o] or field.options
    if field.kind == "file":
        return None
    if field.kind == "textarea":
        return "Some text."
    if field.kind in ("checkbox", "select-multiple"):
        return options[:1]
    return options[0] if options else ""


def form_values(form: Form) -> st.SearchStrategy[dict[str, object]]:
    keep = object()

    def field_strategy(field: FormField):
        junk = st.one_of(JUNK, st.lists(JUNK, min_size=2, max_size=3))
        if field.kind == "file":
            junk = st.binary(max_size=200).map(lambda b: (io.BytesIO(b), "junk.pdf"))
        return st.one_of(st.just(keep), st.just(None), junk)

    def resolve(drawn: dict[str, object]) -> dict[str, object]:
        values = {}
        for name, value in drawn.items():
            value = baseline(form.fields[name]) if value is keep else value
            if value is not None:
                values[name] = value
        return values

    return st.fixed_dictionaries({name: field_strategy(f) for name, f in form.fields.items()}).map(resolve)


def table_fingerprint() -> str:
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        if table.name in REFERENCE_TABLES:
            continue
        rows = sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
        digest.update(table.name.encode() + repr(rows).encode())
    return digest.hexdigest()


def token_pages(world: World) -> list[str]:
    """Pages opened from an email: a real token each, so their forms are found too."""
    invite = OrganisationInvite(organisation=world.org_a, email="invited@example.org")
    db.session.add(invite)
    db.session.commit()
    with world.app.test_request_context():
        unsubscribe = unsubscribe_url(world.student, "matching")
    student = world.student
    return [
        "/reset/" + make_token(PASSWORD_RESET, {"uid": student.id, "pw": fingerprint(student.password_hash)}),
        "/invites/" + make_token(ORGANISATION_INVITE, {"invite": invite.id, "email": invite.email}),
        unsubscribe.removeprefix("http://matcher.test"),
    ]


def endpoint(app, form: Form) -> str:
    return app.url_map.bind("matcher.test").match(form.action.split("?")[0], method=form.method)[0]


def discover(world: World, role: str) -> list[Form]:
    """One form per route and set of field names (a list page repeats the same form per row)."""
    column = ROLES.index(role)
    pages = [r.url.format(w=world) for r in TABLE if r.method == "GET" and r.expected[column] == "A"]
    if role == "anonymous":
        pages += token_pages(world)
    found: dict[tuple, Form] = {}
    for page in pages:
        with world.undone():
            response = world.client(role).get(page)
        if response.status_code == 200 and response.mimetype == "text/html":
            for form in forms_in(page, response.get_data(as_text=True)):
                key = (form.method, endpoint(world.app, form), tuple(sorted(form.fields)))
                found.setdefault(key, form)
    return list(found.values())


def fuzz(world: World, role: str, form: Form, baseline_fingerprint: str) -> None:
    """Every example starts from the same world (each is rolled back), so one fingerprint serves all."""
    answers = POST_ANSWERS if form.method == "POST" else GET_ANSWERS

    @settings(
        max_examples=min(EXAMPLES, 2 + len(form.fields)),
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(values=form_values(form))
    def submit(values: dict[str, object]) -> None:
        with world.undone():
            browser = world.client(role)
            if form.method == "POST":
                response = browser.post(form.action, data=values)
            else:
                response = browser.get(form.action, query_string=values)
            status = response.status_code
            where = f"{role} {form.method} {form.action} (from {form.page})"
            assert status in answers, f"{where}: {status}"
            if status >= 400:
                assert response.get_data(as_text=True).strip(), f"{where}: {status} without a message"
                changed = table_fingerprint() != baseline_fingerprint
                assert not changed, f"{where}: {status}, yet something was saved"

    submit()


# Logged-in people are sent away from the sign-up and login pages, so never see those forms; the
# "send the link again" button shows only to unverified accounts (the world's are verified).
NO_FORM_FOR = {"auth.signup", "auth.login", "auth.resend_verification"}


def owners(app) -> dict[str, str]:
    """Each route's forms are fuzzed as the first role (in ROLES order) that the table lets in.

    The views are the same for every role let in; fuzzing them once keeps the suite quick.
    """
    found: dict[str, str] = {}
    for role in ROLES:
        column = ROLES.index(role)
        for r in TABLE:
            if r.expected[column] == "A":
                found.setdefault(endpoint_of(app, r), role)
    return found


@pytest.mark.parametrize("role", ROLES)
def test_junk_in_every_form_gets_an_answer_never_a_500_and_saves_nothing_on_refusal(app, world, role):
    world.login()
    owner = owners(app)
    # Routes only reached through a link from an email (a token) are anonymous visitors' to fuzz.
    forms = [f for f in discover(world, role) if owner.get(endpoint(app, f), "anonymous") == role]
    column = ROLES.index(role)
    allowed_posts = {
        endpoint_of(app, r)
        for r in TABLE
        if r.method == "POST" and r.expected[column] == "A" and owner[endpoint_of(app, r)] == role
    } - (NO_FORM_FOR if role != "anonymous" else set())
    fuzzed = {endpoint(app, f) for f in forms if f.method == "POST"}
    assert allowed_posts <= fuzzed, f"POST routes with no form on any page: {allowed_posts - fuzzed}"
    db.session.commit()
    before = table_fingerprint()
    for form in forms:
        fuzz(world, role, form, before)


API_PARAMETERS = [
    "q",
    "region",
    "subregion",
    "country",
    "type",
    "level",
    "interest",
    "organisation",
    "language",
]
API_PARAMETERS += ["starts_after", "ends_before", "open", "sort", "page", "per_page"]


def test_junk_api_parameters_get_a_json_answer_never_a_500(world):
    client = world.client("anonymous")

    @settings(max_examples=25, deadline=None, database=None, derandomize=True)
    @given(st.dictionaries(st.sampled_from(API_PARAMETERS), st.one_of(JUNK, st.lists(JUNK, max_size=3))))
    def ask(params):
        for path in ("/api/v1/opportunities", "/opportunities/feed.atom", "/opportunities"):
            response = client.get(path, query_string=params)
            assert response.status_code in (200, 400), (path, params, response.status_code)
        body = client.get("/api/v1/opportunities", query_string=params).get_json()
        assert body is not None
        assert "items" in body or body["error"].get("problems") or body["error"]["message"]

    ask()


QUERY_PAGES = [
    "/coordination/runs/{w.run.id}?organisation={junk}&page={junk}&region={junk}&status={junk}&band={junk}",
    "/coordination/compare?a={junk}&b={w.run.id}",
    "/admin/users?page={junk}&q={junk}",
    "/opportunities?page={junk}&per_page={junk}",
]


def test_numbers_out_of_range_in_query_strings_are_never_a_500(world):
    admin = world.client("admin")
    for junk in ["99999999999999999999999", "2147483648", "-5", "²", "0", "1e3", "%00"]:
        for path in QUERY_PAGES:
            response = admin.get(path.format(w=world, junk=junk))
            assert response.status_code in GET_ANSWERS, (path, junk, response.status_code)
