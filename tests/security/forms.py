"""Valid form data for the security tests: a request must get past validation to meet the access rule."""

from __future__ import annotations

from datetime import date, timedelta

START = date.today() + timedelta(days=90)


def opportunity_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "IR elective at Bugando",
        "type": "clinical_elective",
        "description": "Four weeks with the IR team.",
        "host_institution": "Bugando Medical Centre",
        "city": "Mwanza",
        "country_code": "TZ",
        "level_min": "4",
        "level_max": "6",
        "interests": ["abscess-drainage"],
        "starts_on": START.isoformat(),
        "ends_on": (START + timedelta(days=27)).isoformat(),
        "capacity": "3",
        "languages-0-language": "en",
        "languages-0-level": "professional",
        "requirements": "",
        "contact_name": "",
    }
    data.update(changes)
    return data


def organisation_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Organisation A",
        "description": "We run IR electives.",
        "website": "https://example.org",
        "social_handle": "@orga",
        "country_code": "TZ",
        "countries": ["TZ", "KE"],
    }
    data.update(changes)
    return data


def profile_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "level": "",
        "institution": "University of Nairobi",
        "home_country": "KE",
        "subregions": ["Eastern Africa"],
        "interests": ["pph-embolisation"],
        "statement": "I want to learn IR.",
        "languages-0-language": "en",
        "languages-0-level": "professional",
    }
    data.update(changes)
    return data


def signup_form(email: str, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "role": "student",
        "name": "New Person",
        "email": email,
        "password": "a long passphrase",
        "confirm": "a long passphrase",
    }
    data.update(changes)
    return data


def teaching_form(**changes: object) -> dict[str, object]:
    """A volunteer's teaching profile (the world's trainee speaks English professionally)."""
    data: dict[str, object] = {
        "volunteers_to_teach": "y",
        "skill-us-vascular-access": "teach",
        "instructs": ["en"],
        "licences-0-country": "KE",
        "licences-0-body": "Kenya Medical Practitioners and Dentists Council",
        "teaching_weeks": "2",
        "months": ["6"],
    }
    data.update(changes)
    return data


def site_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Bugando Medical Centre",
        "city": "Mwanza",
        "country_code": "TZ",
        "written_in": "en",
        "timezone": "Africa/Dar_es_Salaam",
        "instruction_language": "en",
        "local_learners": "4",
        "res_ultrasound": "yes",
    }
    data.update(changes)
    return data


def teaching_request_form(**changes: object) -> dict[str, object]:
    """A two-week on-site request for ultrasound-guided biopsy; `site_id` is formatted with the world."""
    data: dict[str, object] = {
        "site_id": "{w.site_a.id}",
        "mode": "on_site",
        "title": "Biopsy teaching",
        "written_in": "en",
        "procedures": ["image-guided-biopsy"],
        "learners": "6",
        "instruction_language": "en",
        "weeks": "2",
        "role_min_ir_physician": "1",
        "role_max_ir_physician": "1",
    }
    data.update(changes)
    return data


def procedure_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "label_en": "Percutaneous nephrostomy",
        "group_en": "Drainage and percutaneous access",
        "kind": "procedure",
        "needs_any": ["ultrasound", "fluoroscopy"],
        "needs_all": ["drains"],
        "sources": "SIR https://www.sirweb.org/",
    }
    data.update(changes)
    return data


def country_rule_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": "police-clearance",
        "kind": "other",
        "title": "Police clearance",
        "source_url": "https://kmpdc.go.ke/",
        "source_date": "2025-06-01",
        "lead_days": "30",
        "mandatory": "y",
    }
    data.update(changes)
    return data
