"""Word lists for `flask seed-bulk`: names, institutions, languages and the text of opportunities."""

from __future__ import annotations

FIRST_NAMES = (
    "Aisha", "Amani", "Baraka", "Chiara", "Chen", "Daniel", "Dalia", "Emeka", "Esther", "Farid",
    "Fatou", "Gabriel", "Grace", "Hannah", "Hiroshi", "Ifeoma", "Isaac", "Jonas", "Julia", "Kavya",
    "Kwame", "Liam", "Lucía", "Mariam", "Musa", "Nadia", "Neema", "Nguyen", "Oluwaseun", "Priya",
    "Quentin", "Rehema", "Samuel", "Sofia", "Thandiwe", "Umar", "Valentina", "Wanjiru", "Xavier",
    "Yusuf", "Zainab", "Ahmed", "Beatriz", "Carlos", "Deepa", "Elif", "Femi", "Giulia", "Hassan",
    "Ines", "Joseph", "Kenji", "Leila", "Mateo", "Nomvula", "Omar", "Paulo", "Rania", "Sipho", "Tomás",
)  # fmt: skip
LAST_NAMES = (
    "Bello", "Mwakyusa", "Rossi", "Mensah", "Wanjiku", "Haddad", "Nakato", "Tanaka", "Okafor",
    "Becker", "Reddy", "O'Connor", "Said", "Tran", "Adeyemi", "Shrestha", "Moreau", "Juma", "Tesfaye",
    "Dlamini", "Farouk", "Gómez", "Kamau", "Dubois", "Kiprono", "Hassan", "Uwase", "Costa", "Wei",
    "Mostafa", "Nwosu", "Diallo", "Silva", "Schmidt", "Boateng", "Nowak", "Asante", "Fernández",
    "Phiri", "Rahman", "Ali", "Banda", "Chowdhury", "Da Souza", "Eze", "Fofana", "García", "Huang",
    "Ibrahim", "Jensen", "Khan", "Lopez", "Moyo", "Ndlovu", "Otieno", "Patel", "Quispe", "Sato",
)  # fmt: skip

# Where applicants study: real schools for common home countries; elsewhere a generic name.
INSTITUTIONS = {
    "TZ": ("Muhimbili University of Health and Allied Sciences",
           "Kilimanjaro Christian Medical University College"),
    "KE": ("University of Nairobi", "Moi University School of Medicine"),
    "UG": ("Makerere University", "Mbarara University of Science and Technology"),
    "RW": ("University of Rwanda",),
    "ET": ("Addis Ababa University", "University of Gondar"),
    "NG": ("University of Lagos", "University of Ibadan"),
    "GH": ("University of Ghana Medical School", "Kwame Nkrumah University of Science and Technology"),
    "ZA": ("University of Cape Town", "University of the Witwatersrand"),
    "MW": ("Kamuzu University of Health Sciences",),
    "US": ("Johns Hopkins University School of Medicine", "University of Michigan Medical School",
           "Stanford University School of Medicine", "Emory University School of Medicine"),
    "CA": ("University of Toronto", "McGill University"),
    "GB": ("Imperial College London", "University of Edinburgh", "King's College London"),
    "IE": ("Trinity College Dublin", "RCSI University of Medicine and Health Sciences"),
    "DE": ("Charité – Universitätsmedizin Berlin", "Heidelberg University"),
    "FR": ("Université Paris Cité", "Université de Lyon"),
    "NL": ("Erasmus MC, Rotterdam", "Amsterdam UMC"),
    "BR": ("Universidade de São Paulo", "Universidade Federal do Rio de Janeiro"),
    "IN": ("All India Institute of Medical Sciences", "Christian Medical College Vellore"),
    "NP": ("Tribhuvan University Institute of Medicine",),
    "VN": ("Hanoi Medical University",),
    "PK": ("Aga Khan University",),
    "AU": ("University of Sydney", "University of Melbourne"),
}  # fmt: skip
# Home countries of applicants, with weights: where IR students and trainees come from.
APPLICANT_HOMES = {
    "US": 18, "GB": 9, "CA": 5, "DE": 3, "FR": 3, "IE": 2, "NL": 2, "AU": 3, "TZ": 5, "KE": 5,
    "UG": 4, "RW": 2, "ET": 4, "NG": 6, "GH": 3, "ZA": 4, "MW": 2, "BR": 4, "IN": 8, "NP": 2,
    "VN": 2, "PK": 3,
}  # fmt: skip
ORGANISATION_HOMES = {"US": 30, "GB": 12, "CA": 6, "DE": 4, "FR": 4, "AU": 3, "NL": 3, "TZ": 5, "KE": 5,
                      "UG": 3, "ZA": 4, "NG": 4, "IN": 5, "BR": 4}  # fmt: skip


def _codes(text: str) -> list[str]:
    return text.split()


# The language spoken where an opportunity is, besides English (ISO 639-1).
LOCAL_LANGUAGE = {
    **dict.fromkeys(_codes("SN CI ML BF NE TG BJ GN CM CD CG GA MG HT BI TD CF DJ KM"), "fr"),
    **dict.fromkeys(_codes("MX GT HN SV NI CR PA CU DO CO VE EC PE BO PY CL AR UY"), "es"),
    **dict.fromkeys(_codes("BR MZ AO GW CV ST TL"), "pt"),
    **dict.fromkeys(_codes("TZ KE UG"), "sw"),
    **dict.fromkeys(_codes("EG MA DZ TN LY SD JO LB SY IQ YE"), "ar"),
    "ET": "am", "IN": "hi", "NP": "ne", "BD": "bn", "PK": "ur", "VN": "vi", "KH": "km", "LA": "lo",
    "MM": "my", "ID": "id", "PH": "tl", "RW": "rw", "NG": "yo", "ZA": "zu", "DE": "de", "NL": "nl",
}  # fmt: skip
SECOND_LANGUAGES = ("fr", "es", "pt", "ar", "de")

# Where opportunities are: weights by region, and by World Bank income group.
REGION_WEIGHT = {"Africa": 4.0, "Asia": 2.5, "Americas": 2.0, "Europe": 0.3, "Oceania": 0.4}
INCOME_WEIGHT = {"low": 3.0, "lower-middle": 3.0, "upper-middle": 1.5, "high": 0.2}

TYPE_WEIGHTS = {
    "clinical_elective": 40,
    "teaching_visit": 30,
    "observership": 15,
    "research": 10,
    "fieldwork": 5,
}
STATUS_WEIGHTS = {"published": 92, "draft": 3, "closed": 3, "archived": 2}
# Interests that many opportunities offer and many applicants want.
POPULAR_INTERESTS = {
    "pph-embolisation": 6, "abscess-drainage": 6, "biliary-drainage": 5, "us-guided-procedures": 5,
    "us-biopsy": 4, "nephrostomy": 4, "gi-bleeding": 3, "central-venous-access": 3, "teaching": 3,
    "trauma-embolisation": 3, "ir-service-development": 2,
}  # fmt: skip

HOSPITAL_KINDS = (
    "University Teaching Hospital",
    "Regional Referral Hospital",
    "National Hospital",
    "Medical Centre",
    "Cancer Institute",
    "Children's Hospital",
    "Mission Hospital",
)
ORGANISATION_PATTERNS = (
    "{place} Interventional Radiology Partnership",
    "{place} IR Outreach Foundation",
    "{place} Image-Guided Therapy Network",
    "Friends of {place} Radiology",
    "{place} Global Radiology Collaborative",
    "{place} Society of Interventional Radiology, outreach section",
)
TITLES = {
    "clinical_elective": ("IR elective: {interest} in {city}", "Interventional radiology elective at {host}"),
    "observership": ("Observership: {interest} at {host}", "Observe the IR service of {host}"),
    "teaching_visit": ("Teaching visit: {interest} for {city} residents", "Teach {interest} at {host}"),
    "research": ("Research: outcomes of {interest} in {country}", "Research project at {host}"),
    "fieldwork": ("Fieldwork: {interest} across {subregion}", "Service mapping with {host}"),
}
DESCRIPTION = (
    "{title}. Hosted by {host} in {city}, {country}.\n\n"
    "You join the interventional radiology team for daily lists, ward rounds and multidisciplinary "
    "meetings. The focus is {interests}. The local team leads; visitors learn first and teach where "
    "they are asked to.\n\n"
    "Expect long days, accommodation arranged with the host, and a short written reflection at the end."
)
REQUIREMENTS = (
    "",
    "A letter of good standing from your school or training programme.",
    "Proof of immunisations and of medical indemnity.",
    "A short CV and a letter of motivation.",
)
STATEMENTS = (
    "I want to learn how {interest} is delivered where resources are limited, and bring it home.",
    "My interest in {interest} began on a surgical rotation; I want to see it done well elsewhere.",
    "I am considering a career in interventional radiology and want to see {interest} first hand.",
    "I would like to help build {interest} services that last after visitors leave.",
    "I teach juniors at home and want to learn how {interest} is taught in other systems.",
)
MOTIVATIONS = (
    "",
    "",
    "This placement fits what I want to learn.",
    "The team's work in {interest} is why I am applying.",
    "I have availability for the whole period and can bring teaching material.",
)
