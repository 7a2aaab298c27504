"""The access table: every route, every role, who gets what (test_access_matrix walks it).

Columns follow ROLES: anonymous, student, trainee, member of A, member of B, coordinator, admin.
  A  allowed: the view ran (2xx, a redirect that is not to /login, or a 409/422 refusal of the input)
  L  sent to the login page
  F  403 Forbidden
  N  404 Not Found (the caller may not even know the thing exists)
  B  400: a link token that is not valid, for everyone alike
  U  401: the write API without a bearer token (a session cookie is no token), for everyone alike
The URLs point at organisation A's things (see world.py), so B's member must be refused. A route
(endpoint and method) with no row fails test_every_route_has_a_row, and so does a row for a route
that is gone. Each role walks the whole table in one test; each request is rolled back afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from tests.security.forms import (
    country_rule_form,
    opportunity_form,
    organisation_form,
    procedure_form,
    profile_form,
    signup_form,
    site_form,
    teaching_form,
    teaching_request_form,
)
from tests.security.world import ROLES, TODAY


@dataclass(frozen=True)
class Row:
    method: str
    url: str  # formatted with w=the world
    expected: str  # one code per role, in ROLES order
    data: dict[str, Any] = field(default_factory=dict)


def row(method: str, url: str, expected: str, data: dict[str, Any] | None = None) -> Row:
    codes = expected.replace(" ", "")
    assert len(codes) == len(ROLES) and set(codes) <= set("ALFNBU"), (url, expected)
    return Row(method, url, codes, data or {})


REPLY_BY = (TODAY + timedelta(days=30)).isoformat()
CHANGE_PASSWORD = {
    "pw-current_password": "correct horse battery",
    "pw-password": "another long passphrase",
    "pw-confirm": "another long passphrase",
}
CHANGE_EMAIL = {"em-new_email": "moved@example.org", "em-password": "correct horse battery"}
# A lecture in the ended elective's logbook (issue 22).
LOG_ENTRY = {
    "held_on": (TODAY - timedelta(days=20)).isoformat(),
    "kind": "lecture",
    "learners_present": "6",
    "hours": "1",
    "topic": "Contrast reactions",
}

# fmt: off
#   method  URL (formatted with w = the world)                            anon stu tra mA mB coo adm
TABLE = [
    row("GET",  "/",                                                       "A A A A A A A"),
    row("GET",  "/dashboard",                                              "L A A A A A A"),
    row("GET",  "/healthz",                                                "A A A A A A A"),
    row("GET",  "/static/css/site.css",                                    "A A A A A A A"),
    # Accounts
    row("GET",  "/signup",                                                 "A A A A A A A"),
    row("POST", "/signup",                                                 "A A A A A A A",
        signup_form("matrix.new@example.org")),
    row("GET",  "/login",                                                  "A A A A A A A"),
    row("POST", "/login",                                                  "A A A A A A A",
        {"email": "nobody@example.org", "password": "not a password"}),
    row("POST", "/logout",                                                 "L A A A A A A"),
    row("GET",  "/verify/bogus-token",                                     "B B B B B B B"),
    row("POST", "/verify/resend",                                          "L A A A A A A"),
    row("GET",  "/forgot",                                                 "A A A A A A A"),
    row("POST", "/forgot",                                                 "A A A A A A A",
        {"email": "x@example.org"}),
    row("GET",  "/reset/bogus-token",                                      "B B B B B B B"),
    row("POST", "/reset/bogus-token",                                      "B B B B B B B"),
    row("GET",  "/account",                                                "L A A A A A A"),
    row("POST", "/account/password",                                       "L A A A A A A", CHANGE_PASSWORD),
    row("POST", "/account/email",                                          "L A A A A A A", CHANGE_EMAIL),
    row("GET",  "/account/email/confirm/bogus-token",                      "B B B B B B B"),
    row("POST", "/account/timezone",                                       "L A A A A A A",
        {"tz-timezone": "Africa/Nairobi"}),
    row("POST", "/account/language",                                       "L A A A A A A",
        {"lang-locale": "fr"}),
    row("GET",  "/language/pt?next=/opportunities",                        "A A A A A A A"),
    row("GET",  "/account/notifications",                                  "L A A A A A A"),
    row("POST", "/account/notifications",                                  "L A A A A A A"),
    row("GET",  "/unsubscribe/bogus-token",                                "N N N N N N N"),
    row("POST", "/unsubscribe/bogus-token",                                "N N N N N N N"),
    # Administration
    row("GET",  "/admin/users",                                            "L F F F F F A"),
    row("POST", "/admin/users/{w.student.id}/role",                        "L F F F F F A",
        {"role": "trainee"}),
    row("GET",  "/admin/outbox",                                           "L F F F F F A"),
    row("POST", "/admin/outbox/retry",                                     "L F F F F F A"),
    # Public JSON and feed
    row("GET",  "/api/v1/opportunities",                                   "A A A A A A A"),
    row("GET",  "/api/v1/opportunities/{w.opp_a.id}",                      "A A A A A A A"),
    row("GET",  "/api/v1/opportunities/{w.draft_a.id}",                    "N N N N N N N"),
    row("GET",  "/api/v1/organisations",                                   "A A A A A A A"),
    row("GET",  "/opportunities/feed.atom",                                "A A A A A A A"),
    row("GET",  "/organisations/{w.org_a.slug}/feed.atom",                 "A A A A A A A"),
    row("GET",  "/organisations/no-such-organisation/feed.atom",           "N N N N N N N"),
    row("GET",  "/api/v1/openapi.json",                                    "A A A A A A A"),
    row("GET",  "/api",                                                    "A A A A A A A"),
    # Embeds for an organisation's own website (issue 24): public, and only for a verified one
    row("GET",  "/embed/organisations/{w.org_a.slug}",                     "A A A A A A A"),
    row("GET",  "/embed/organisations/{w.org_pending.slug}",               "N N N N N N N"),
    row("GET",  "/embed/organisations/no-such-organisation",               "N N N N N N N"),
    # The write API (bearer tokens only; tests/api_tokens try the tokens) and the tokens' page
    row("POST", "/api/v1/opportunities",                                   "U U U U U U U"),
    row("PUT",  "/api/v1/opportunities/{w.draft_a.id}",                    "U U U U U U U"),
    row("POST", "/api/v1/opportunities/{w.draft_a.id}/publish",            "U U U U U U U"),
    row("POST", "/api/v1/opportunities/{w.opp_a.id}/close",                "U U U U U U U"),
    row("GET",  "/organisations/{w.org_a.slug}/api-tokens",                "L F F A F A A"),
    row("GET",  "/organisations/{w.org_pending.slug}/api-tokens",          "L N N N N A A"),
    row("POST", "/organisations/{w.org_a.slug}/api-tokens",                "L F F A F A A",
        {"name": "Matrix key", "scope": "read"}),
    row("POST", "/organisations/{w.org_a.slug}/api-tokens/{w.api_token_a.id}/revoke",
                                                                           "L F F A F A A"),
    # Opportunities
    row("GET",  "/opportunities",                                          "A A A A A A A"),
    row("GET",  "/opportunities/{w.opp_a.id}",                             "A A A A A A A"),
    row("GET",  "/opportunities/{w.draft_a.id}",                           "N N N A N A A"),
    row("GET",  "/organisations/{w.org_a.slug}/opportunities/new",         "L F F A F A A"),
    row("POST", "/organisations/{w.org_a.slug}/opportunities/new",         "L F F A F A A",
        opportunity_form()),
    row("GET",  "/opportunities/{w.opp_a.id}/edit",                        "L F F A F A A"),
    row("GET",  "/opportunities/{w.draft_a.id}/edit",                      "L N N A N A A"),
    row("POST", "/opportunities/{w.opp_a.id}/edit",                        "L F F A F A A",
        opportunity_form()),
    row("POST", "/opportunities/{w.opp_a.id}/close",                       "L F F A F A A"),
    row("POST", "/opportunities/{w.draft_a.id}/publish",                   "L N N A N A A"),
    row("POST", "/opportunities/{w.opp_a.id}/duplicate",                   "L F F A F A A"),
    # Organisations
    row("GET",  "/organisations",                                          "A A A A A A A"),
    row("GET",  "/organisations/{w.org_a.slug}",                           "A A A A A A A"),
    row("GET",  "/organisations/{w.org_pending.slug}",                     "N N N N N A A"),
    row("GET",  "/organisations/{w.org_a.slug}/edit",                      "L F F A F A A"),
    row("POST", "/organisations/{w.org_a.slug}/edit",                      "L F F A F A A",
        organisation_form()),
    row("POST", "/organisations/{w.org_a.slug}/invite",                    "L F F A F A A",
        {"email": "colleague@example.org"}),
    row("GET",  "/invites/bogus-token",                                    "B B B B B B B"),
    # The volunteer directory (coordinators and verified hosts; the trainee is listed) and invitations
    row("GET",  "/volunteers",                                             "L F F A A A A"),
    row("GET",  "/volunteers/{w.trainee.id}/invite",                       "L F F A A A A"),
    row("POST", "/volunteers/{w.trainee.id}/invite",                       "L F F A A A A",
        {"request": "", "message": "Come and teach with us."}),
    row("GET",  "/volunteers/{w.student.id}/invite",                       "L F F N N N N"),
    row("GET",  "/teaching-requests",                                      "L A A A A A A"),
    row("POST", "/invites/bogus-token",                                    "B B B B B B B"),
    row("GET",  "/coordination/organisations",                             "L F F F F A A"),
    row("POST", "/coordination/organisations/{w.org_pending.id}/verify",   "L F F F F A A"),
    row("POST", "/coordination/organisations/{w.org_pending.id}/reject",   "L F F F F A A",
        {"reason": "We could not find you."}),
    row("POST", "/coordination/claims/{w.claim.id}/approve",               "L F F F F A A"),
    row("POST", "/coordination/organisations/{w.org_b.id}/name/approve",   "L F F F F A A"),
    # Further reading on the home page
    row("GET",  "/coordination/advisories",                                "L F F F F A A"),
    row("GET",  "/trips/{w.held_trip.id}/release",                         "L F F F F A A"),
    row("POST", "/trips/{w.held_trip.id}/release",                         "L F F F F A A",
        {"reason": "Checked with the school"}),
    row("GET",  "/coordination/reading",                                   "L F F F F A A"),
    row("POST", "/coordination/reading",                                   "L F F F F A A",
        {"title": "WHO", "url": "https://www.who.int/"}),
    row("GET",  "/coordination/reading/{w.reading_link.id}/edit",          "L F F F F A A"),
    row("POST", "/coordination/reading/{w.reading_link.id}/edit",          "L F F F F A A",
        {"title": "RAD-AID", "url": "https://www.rad-aid.org/"}),
    row("POST", "/coordination/reading/{w.reading_link.id}/move/down",     "L F F F F A A"),
    row("POST", "/coordination/reading/{w.reading_link.id}/delete",        "L F F F F A A"),
    # The countries' rules for visitors (issue 21)
    row("GET",  "/coordination/countries",                                 "L F F F F A A"),
    row("GET",  "/coordination/countries/KE",                              "L F F F F A A"),
    row("GET",  "/coordination/countries/XX",                              "L F F F F N N"),
    row("POST", "/coordination/countries/KE",                              "L F F F F A A",
        country_rule_form(code="matrix-rule")),
    row("GET",  "/coordination/countries/KE/rules/{w.country_rule.id}/edit", "L F F F F A A"),
    row("GET",  "/coordination/countries/TZ/rules/{w.country_rule.id}/edit", "L F F F F N N"),
    row("POST", "/coordination/countries/KE/rules/{w.country_rule.id}/edit", "L F F F F A A",
        country_rule_form()),
    row("POST", "/coordination/countries/KE/rules/{w.country_rule.id}/delete", "L F F F F A A"),
    # Applications
    row("GET",  "/applications",                                           "L A A F F F F"),
    row("GET",  "/opportunities/{w.opp_free.id}/apply",                    "L A A F F F F"),
    row("GET",  "/opportunities/{w.draft_a.id}/apply",                     "L N N F F F F"),
    row("POST", "/opportunities/{w.opp_free.id}/apply",                    "L A A F F F F",
        {"motivation": "Hello"}),
    row("GET",  "/applications/{w.trainee_application.id}/motivation",    "L N A F F F F"),
    row("POST", "/applications/{w.trainee_application.id}/motivation",    "L N A F F F F",
        {"motivation": "Changed"}),
    row("POST", "/applications/{w.trainee_application.id}/move/down",     "L N A F F F F"),
    row("POST", "/applications/{w.trainee_application.id}/withdraw",      "L N A F F F F"),
    row("GET",  "/opportunities/{w.opp_a.id}/applicants",                  "L F F A N A A"),
    row("POST", "/opportunities/{w.opp_a.id}/applicants",                  "L F F A N A A",
        {"position_{w.trainee_application.id}": "1"}),
    # Profiles
    row("GET",  "/profile",                                                "L A A F F F F"),
    row("GET",  "/profile/edit",                                           "L A A F F F F"),
    row("POST", "/profile/edit",                                           "L A A F F F F", profile_form()),
    row("POST", "/profile/cv",                                             "L A A F F F F", {"cv": "PDF"}),
    row("POST", "/profile/cv/delete",                                      "L A A F F F F"),
    row("GET",  "/profile/cv",                                             "L A A F F F F"),
    # The volunteer teaching page: professions that teach (the trainee); a student is told why not.
    row("GET",  "/profile/teaching",                                       "L F A F F F F"),
    row("POST", "/profile/teaching",                                       "L F A F F F F",
        teaching_form()),
    row("GET",  "/profile/data.json",                                      "L A A F F F F"),
    row("GET",  "/profile/delete",                                         "L A A F F F F"),
    row("POST", "/profile/delete",                                         "L A A F F F F",
        {"password": "not it at all"}),
    row("GET",  "/profiles/{w.trainee.id}",                                "L N A A N A A"),
    row("GET",  "/profiles/{w.student.id}",                                "L A N N A A A"),
    row("GET",  "/profiles/{w.trainee.id}/cv",                             "L N A A N A A"),
    row("GET",  "/profiles/{w.student.id}/cv",                             "L A N N A A A"),
    # Placements
    row("GET",  "/placements",                                             "L A A F F F F"),
    row("POST", "/placements/{w.match.id}/accept",                         "L N A F F F F"),
    row("POST", "/placements/{w.match.id}/feedback",                       "L N A F F F F", {"rating": "5"}),
    row("GET",  "/placements/calendar/bogus-token.ics",                    "N N N N N N N"),
    row("GET",  "/placements/letters/{w.letter.id}",                       "L N A F F F F"),
    row("POST", "/placements/calendar/new",                                "L A A F F F F"),
    row("GET",  "/opportunities/{w.opp_a.id}/placements",                  "L F F A F A A"),
    row("GET",  "/opportunities/{w.opp_past.id}/placements",               "L F F A F A A"),
    row("POST", "/placements/{w.match.id}/cancel",                         "L F F A F A A",
        {"reason": "The department closed."}),
    row("POST", "/placements/{w.match.id}/confirm",                        "L F F A F A A"),
    # Match rounds
    row("GET",  "/coordination/dashboard",                                 "L F F F F A A"),
    row("GET",  "/coordination/rounds",                                    "L F F F F A A"),
    row("GET",  "/coordination/rounds/new",                                "L F F F F A A"),
    row("POST", "/coordination/rounds/new",                                "L F F F F A A",
        {"name": "Round", "mode": "ranked"}),
    row("GET",  "/coordination/rounds/{w.round.id}",                       "L F F F F A A"),
    row("POST", "/coordination/rounds/{w.round.id}/run",                   "L F F F F A A", {"seed": "1"}),
    row("GET",  "/coordination/runs/{w.run.id}",                           "L F F F F A A"),
    row("GET",  "/coordination/rounds/{w.open_round.id}",                  "L F F F F A A"),
    row("GET",  "/coordination/runs/{w.open_run.id}",                      "L F F F F A A"),
    row("POST", "/coordination/runs/{w.open_run.id}/decide",               "L F F F F A A",
        {"action": "approve", "match_id": "{w.proposed.id}"}),
    row("GET",  "/coordination/runs/{w.open_run.id}/approve-all",          "L F F F F A A"),
    row("POST", "/coordination/runs/{w.open_run.id}/approve-all",          "L F F F F A A",
        {"confirm": "yes"}),
    row("GET",  "/coordination/runs/{w.ready_run.id}/publish",             "L F F F F A A"),
    row("POST", "/coordination/runs/{w.ready_run.id}/publish",             "L F F F F A A",
        {"confirm": "yes", "response_deadline": REPLY_BY}),
    row("GET",  "/coordination/runs/{w.run.id}/matches.csv",               "L F F F F A A"),
    row("GET",  "/coordination/runs/{w.run.id}/unmatched",                 "L F F F F A A"),
    row("GET",  "/coordination/placements.csv",                            "L F F F F A A"),
    row("GET",  "/coordination/compare?a={w.run.id}&b={w.run.id}",         "L F F F F A A"),
    row("GET",  "/coordination/matches/{w.match.id}",                      "L F F F F A A"),
    row("GET",  "/coordination/rounds/{w.round.id}/audit",                 "L F F F F A A"),
    # A round's settings and the what-if (issue 23)
    row("GET",  "/coordination/rounds/{w.open_round.id}/settings",         "L F F F F A A"),
    row("POST", "/coordination/rounds/{w.open_round.id}/settings",         "L F F F F A A",
        {"reserve_percent": "20", "reserve_groups": ["low", "lower-middle"], "weight_region": "0.25",
         "weight_interests": "0.3", "weight_level": "0.15", "weight_dates": "0.15",
         "weight_teaching": "0.1"}),
    # Sites, teaching requests and the procedures taxonomy (issue 19)
    row("GET",  "/procedures",                                             "A A A A A A A"),
    row("GET",  "/coordination/procedures",                                "L F F F F A A"),
    row("GET",  "/coordination/procedures/new",                            "L F F F F A A"),
    row("POST", "/coordination/procedures/new",                            "L F F F F A A",
        procedure_form(code="matrix-procedure")),
    row("GET",  "/coordination/procedures/nephrostomy/edit",               "L F F F F A A"),
    row("POST", "/coordination/procedures/nephrostomy/edit",               "L F F F F A A", procedure_form()),
    row("POST", "/coordination/procedures/nephrostomy/retire",             "L F F F F A A"),
    row("GET",  "/organisations/{w.org_a.slug}/sites",                     "A A A A A A A"),
    row("GET",  "/organisations/{w.org_a.slug}/sites/{w.site_a.slug}",     "A A A A A A A"),
    row("GET",  "/organisations/{w.org_pending.slug}/sites",               "N N N N N A A"),
    row("GET",  "/organisations/{w.org_a.slug}/sites/new",                 "L F F A F A A"),
    row("POST", "/organisations/{w.org_a.slug}/sites/new",                 "L F F A F A A", site_form()),
    row("GET",  "/organisations/{w.org_a.slug}/sites/{w.site_a.slug}/edit", "L F F A F A A"),
    row("POST", "/organisations/{w.org_a.slug}/sites/{w.site_a.slug}/edit", "L F F A F A A", site_form()),
    # Webhooks (issue 24): the organisation's members and staff only
    row("GET",  "/organisations/{w.org_a.slug}/webhooks",                  "L F F A F A A"),
    row("GET",  "/organisations/{w.org_pending.slug}/webhooks",            "L N N N N A A"),
    row("POST", "/organisations/{w.org_a.slug}/webhooks",                  "L F F A F A A",
        {"url": "http://127.0.0.1:9/hook", "events": ["match.accepted"]}),
    row("GET",  "/organisations/{w.org_a.slug}/webhooks/{w.webhook_a.id}", "L F F A F A A"),
    row("POST", "/organisations/{w.org_a.slug}/webhooks/{w.webhook_a.id}/ping", "L F F A F A A"),
    row("GET",  "/organisations/{w.org_a.slug}/webhooks/{w.webhook_off.id}", "L F F A F A A"),
    row("POST", "/organisations/{w.org_a.slug}/webhooks/{w.webhook_off.id}/enable", "L F F A F A A"),
    row("POST", "/organisations/{w.org_a.slug}/webhooks/{w.webhook_a.id}/delete", "L F F A F A A"),
    row("GET",  "/organisations/{w.org_a.slug}/teaching-requests",         "L F F A F A A"),
    row("GET",  "/organisations/{w.org_a.slug}/teaching-requests/new",     "L F F A F A A"),
    row("POST", "/organisations/{w.org_a.slug}/teaching-requests/new",     "L F F A F A A",
        teaching_request_form()),
    row("GET",  "/organisations/{w.org_a.slug}/teaching-requests/{w.draft_request.id}/edit",
                                                                           "L F F A F A A"),
    row("POST", "/organisations/{w.org_a.slug}/teaching-requests/{w.draft_request.id}/edit",
                                                                           "L F F A F A A",
        teaching_request_form()),
    row("POST", "/organisations/{w.org_a.slug}/teaching-requests/{w.draft_request.id}/publish",
                                                                           "L F F A F A A"),
    # A's request through B's address: nobody reaches it (B's member included).
    row("POST", "/organisations/{w.org_b.slug}/teaching-requests/{w.draft_request.id}/publish",
                                                                           "L F F F N N N"),
    row("GET",  "/teaching-requests/{w.open_request.id}",                  "A A A A A A A"),
    row("GET",  "/teaching-requests/{w.draft_request.id}",                 "N N N A N A A"),
    # Background jobs: the progress page and Retry
    row("GET",  "/jobs/{w.failed_job.id}",                                 "L F F F F A A"),
    row("POST", "/jobs/{w.failed_job.id}/retry",                           "L F F F F A A"),
    row("GET",  "/jobs/999999",                                            "L F F F F N N"),
    # Teaching teams
    row("GET",  "/coordination/teams",                                     "L F F F F A A"),
    row("POST", "/coordination/teams/builds",                              "L F F F F A A",
        {"name": "Build", "visits": ["{w.teams.free_visit.id}"]}),
    row("GET",  "/coordination/teams/remote",                              "L F F F F A A"),
    row("GET",  "/coordination/teams/builds/{w.teams.build.id}",           "L F F F F A A"),
    row("POST", "/coordination/teams/builds/{w.teams.build.id}/run",       "L F F F F A A"),
    row("GET",  "/coordination/teams/builds/{w.teams.build.id}/teams.csv", "L F F F F A A"),
    row("GET",  "/coordination/teams/{w.teams.team.id}",                   "L F F F F A A"),
    row("POST", "/coordination/teams/{w.teams.team.id}/members",           "L F F F F A A",
        {"volunteer": "{w.student.id}"}),
    row("POST", "/coordination/teams/members/{w.teams.member.id}/remove",  "L F F F F A A"),
    row("POST", "/coordination/teams/members/{w.teams.member.id}/swap",    "L F F F F A A",
        {"volunteer": "{w.student.id}"}),
    row("POST", "/coordination/teams/{w.teams.team.id}/approve",           "L F F F F A A"),
    row("GET",  "/organisations/{w.org_a.slug}/teams",                     "L F F A F A A"),
    # Before departure: readiness boards
    row("GET",  "/coordination/readiness",                                 "L F F F F A A"),
    row("GET",  "/organisations/{w.org_a.slug}/readiness",                 "L F F A F A A"),
    row("GET",  "/organisations/{w.org_pending.slug}/readiness",           "L N N N N A A"),
    row("POST", "/teaching-requests/{w.teams.request.id}/visits",          "L F F A F A A"),
    row("GET",  "/teams/{w.teams.team.id}/host",                           "L F F A F A A"),
    row("POST", "/teams/{w.teams.team.id}/confirm",                        "L F F A F A A"),
    row("GET",  "/teaching/visits",                                        "L A A F F F F"),
    row("POST", "/teaching/visits/{w.teams.free_visit.id}/apply",          "L F A F F F F", {"rank": "1"}),
    row("POST", "/teaching/applications/{w.teams.application.id}/withdraw", "L N A F F F F"),
    row("POST", "/teaching/wish",                                          "L F A F F F F",
        {"months": ["3"], "region": "Africa"}),
    row("GET",  "/teaching/offers/{w.teams.member.id}",                    "L N A F F F F"),
    row("POST", "/teaching/offers/{w.teams.member.id}/accept",             "L N A F F F F"),
    # Trips' proof documents (the student's trip to A's elective): the traveller adds and removes
    # them; A's members and coordinators open them; no one else finds them
    row("GET",  "/trips/{w.documents.trip.id}/items/{w.documents.item.id}/documents", "L A N A N A A"),
    row("POST", "/trips/{w.documents.trip.id}/items/{w.documents.item.id}/documents", "L A N F N F F"),
    row("GET",  "/trips/{w.documents.trip.id}/documents/{w.documents.document.id}",   "L A N A N A A"),
    row("POST", "/trips/{w.documents.trip.id}/documents/{w.documents.document.id}/delete",
        "L A N F N F F"),
    # Trips and their checklists (issue 21): the student's trip to A's placement
    row("GET",  "/trips",                                                  "L A A F F F F"),
    row("GET",  "/trips/{w.trips.trip.id}",                                "L A N A N A A"),
    row("POST", "/trips/{w.trips.trip.id}/items/{w.trips.item.id}/submit", "L A N F N F F"),
    row("POST", "/trips/{w.trips.trip.id}/items/{w.trips.host_item.id}/review", "L F N A N A A",
        {"decision": "verify"}),
    row("GET",  "/trips/{w.trips.trip.id}/contacts",                       "L A N A N A A"),
    row("POST", "/trips/{w.trips.trip.id}/contacts",                       "L A N F N F F",
        {"emergency_name": "Grace", "emergency_phone": "+255 22 000 0000"}),
    # After your visits (issue 22): the list, and the after-page of A's ended elective (the trainee's)
    row("GET",  "/visits",                                                 "L A A A A A A"),
    row("GET",  "/visits/{w.impact.ended.id}",                             "L N A A N A A"),
    # After the visit (issue 22): a site's local learners, for A's members and coordinators only
    row("GET",  "/sites/{w.site_a.id}/learners",                           "L N N A N A A"),
    row("POST", "/sites/{w.site_a.id}/learners",                           "L N N A N A A",
        {"name": "Matrix learner", "level": "nurses"}),
    row("GET",  "/sites/{w.site_a.id}/learners/{w.impact.learner.id}",     "L N N A N A A"),
    row("POST", "/sites/{w.site_a.id}/learners/{w.impact.learner.id}",     "L N N A N A A",
        {"learner-name": "A. M.", "learner-level": "radiologists", "learner-active": "y"}),
    row("POST", "/sites/{w.site_a.id}/learners/{w.impact.learner.id}/milestones", "L N N A N A A",
        {"milestone-procedure": "{w.impact.entry.procedure_id}", "milestone-kind": "first_supervised",
         "milestone-achieved_on": "2020-01-15"}),
    row("POST", "/sites/{w.site_a.id}/learners/{w.impact.learner.id}/milestones/"
                "{w.impact.hand_milestone.id}/delete",                      "L N N A N A A"),
    # Completions and certificates: the host confirms (the trainee's is confirmed already); the
    # trainee sees their own, the host sees it by ?user; anyone checks a code
    row("POST", "/visits/{w.impact.ended.id}/completions/{w.trainee.id}",  "L N F A N A A"),
    row("GET",  "/visits/{w.impact.ended.id}/certificate",                 "L N A N N N N"),
    row("GET",  "/visits/{w.impact.ended.id}/certificate?user={w.trainee.id}", "L N A A N A A"),
    row("GET",  "/certificates/{w.impact.completion.certificate_code}",    "A A A A A A A"),
    row("GET",  "/certificates/no-such-certificate",                       "N N N N N N N"),
    # After the visit (issue 22): the logbook of A's ended elective. The trainee (its visitor) adds
    # entries and changes or deletes their own waiting ones (a confirmed one: 409); A's members and
    # staff read and confirm it; anyone else finds no such visit
    row("GET",  "/visits/{w.impact.ended.id}/log",                          "L N A A N A A"),
    row("POST", "/visits/{w.impact.ended.id}/log",                          "L N A F N F F", LOG_ENTRY),
    row("GET",  "/visits/{w.impact.ended.id}/log/{w.impact.entry.id}/edit", "L N A N N N N"),
    row("POST", "/visits/{w.impact.ended.id}/log/{w.impact.entry.id}/edit", "L N A N N N N", LOG_ENTRY),
    row("GET",  "/visits/{w.impact.ended.id}/log/{w.impact.confirmed_entry.id}/edit", "L N A N N N N"),
    row("POST", "/visits/{w.impact.ended.id}/log/{w.impact.entry.id}/delete", "L N A N N N N"),
    row("POST", "/visits/{w.impact.ended.id}/log/{w.impact.confirmed_entry.id}/delete", "L N A N N N N"),
    row("POST", "/visits/{w.impact.ended.id}/log/confirm",                  "L N F A N A A", {"all": "1"}),
    # Impact reports (issue 22): a verified organisation's figures are public (aggregates only);
    # an unverified one has none; the reports across organisations are the coordinators'
    row("GET",  "/organisations/{w.org_a.slug}/impact",                    "A A A A A A A"),
    row("GET",  "/organisations/{w.org_pending.slug}/impact",              "N N N N N N N"),
    row("GET",  "/organisations/{w.org_a.slug}/impact.csv",                "A A A A A A A"),
    row("GET",  "/organisations/{w.org_a.slug}/impact/report?year=all",    "A A A A A A A"),
    row("GET",  "/organisations/{w.org_pending.slug}/impact/report",       "N N N N N N N"),
    row("GET",  "/coordination/impact",                                    "L F F F F A A"),
    row("GET",  "/coordination/impact.csv",                                "L F F F F A A"),
    row("GET",  "/api/v1/organisations/{w.org_a.slug}/impact",             "A A A A A A A"),
    row("GET",  "/api/v1/organisations/{w.org_pending.slug}/impact",       "N N N N N N N"),
    row("GET",  "/api/v1/impact",                                          "A A A A A A A"),
    # Local learners' feedback links (issue 22) on A's elective that ended: A's members and staff
    # make and withdraw them (the trainee, its visitor, is refused); anyone holding a link answers
    # with no account; the visit's hosts, visitors and staff read the answers together
    row("GET",  "/visits/{w.impact.ended.id}/learner-links",               "L N F A N A A"),
    row("POST", "/visits/{w.impact.ended.id}/learner-links",               "L N F A N A A",
        {"number": "2", "days": "60"}),
    row("POST", "/visits/{w.impact.ended.id}/learner-links/revoke",        "L N F A N A A"),
    row("GET",  "/f/{w.impact.link_token}",                                "A A A A A A A"),
    row("POST", "/f/{w.impact.link_token}",                                "A A A A A A A",
        {"usefulness": "4", "helped": "The hands-on cases"}),
    row("GET",  "/f/no-such-link",                                         "N N N N N N N"),
    row("POST", "/f/no-such-link",                                         "N N N N N N N",
        {"usefulness": "4"}),
    row("GET",  "/visits/{w.impact.ended.id}/learner-feedback",            "L N A A N A A"),
    # Double-blind feedback after a visit (issue 22): the trainee visited A's ended elective
    row("GET",  "/visits/{w.impact.ended.id}/feedback",                    "L N A A N A A"),
    row("POST", "/visits/{w.impact.ended.id}/feedback",                    "L N A F N F F",
        {"rating": "4", "would_return": "yes", "comments": "Well taught."}),
    row("GET",  "/visits/{w.impact.ended.id}/feedback/{w.trainee.id}",     "L N F A N A A"),
    row("POST", "/visits/{w.impact.ended.id}/feedback/{w.trainee.id}",     "L N F A N F F",
        {"rating": "4", "would_return": "yes", "comments": "Welcome back."}),
]
# fmt: on

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - IGNORED_METHODS
    }


class _AnyId:
    """Stands in for the world when a URL only has to be routed: every id is 1."""

    def __getattr__(self, name: str) -> _AnyId:
        return self

    def __format__(self, spec: str) -> str:
        return "1"


def endpoint_of(app, entry: Row) -> str:
    path = entry.url.format(w=_AnyId()).split("?")[0]
    endpoint, _ = app.url_map.bind("matcher.test").match(path, method=entry.method)
    return endpoint
