"""Free text about teaching must not name or number a patient: the logbook's topics and the local
learners' comments are checked with `looks_identifying` before they are saved.

What counts as identifying (a heuristic: it catches the usual ways, not every way):

- five or more digits in a row (spaces, dots, dashes or slashes between them allowed): a hospital
  number, a date of birth, a phone number ("12/03/1990", "0712 345 678");
- the usual abbreviations: MRN, DOB, IP No, NHS No;
- a hospital, file, registration, IP or inpatient number: one of those words, then optionally
  "no", "nr", "number" or "#", then digits ("hosp no 4471", "file #2231", "IP 33456", "reg 12");
- any number of four or more digits right after "no", "nr", "number" or "#" ("bed no 1234");
  a year alone stays allowed ("Radiation protection 2025");
- a title before a name: "Mr", "Mrs", "Ms", "Miss" or "Mme" (written so: "MR angiography" and
  "MRS" stay allowed) followed by a capitalised word ("Mrs Achieng");
- "patient" (or "patiente", "paciente") followed by a capitalised word that looks like a name
  (a capital, then small letters), unless that word is one of TOPIC_WORDS: "Patient Juma Hassan
  nephrostomy" is refused, "Patient Safety in fluoroscopy" and "Patient preparation" are not.
  A topic word we did not foresee after "Patient" is refused too; the message says how to write
  it instead ("Anticoagulation in patients").
"""

from __future__ import annotations

import re

_NUMBER_WORD = r"(?:(?:no|nr|number)\b|n[º°])"
IDENTIFIER = re.compile(
    r"\d(?:[\s./-]?\d){4,}"
    r"|\b(?:MRN|DOB|D\.O\.B|IP\s*No|NHS\s*No)\b"
    rf"|\b(?:hosp(?:ital)?|file|registration|IP|in-?patient)\b\.?\s*(?:{_NUMBER_WORD}\.?)?\s*[:#]?\s*\d"
    rf"|\breg\b\.?\s*{_NUMBER_WORD}\.?\s*[:#]?\s*\d"
    rf"|(?:\b{_NUMBER_WORD}\.?|#)\s*[:#]?\s*\d{{4,}}",
    re.IGNORECASE,
)
_NAME = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’-]+"
TITLED_NAME = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mme)\b\.?\s+{_NAME}")  # case-sensitive: not "MR", "MRS"
PATIENT_THEN_WORD = re.compile(rf"\b(?i:patient|patiente|paciente)\s+({_NAME})")
# Words that often follow "Patient" in a teaching topic, written with a capital (title case).
TOPIC_WORDS = frozenset(
    {
        "safety",
        "care",
        "preparation",
        "prep",
        "consent",
        "selection",
        "positioning",
        "position",
        "monitoring",
        "education",
        "experience",
        "experiences",
        "communication",
        "assessment",
        "management",
        "outcomes",
        "outcome",
        "comfort",
        "transport",
        "transfer",
        "identification",
        "information",
        "history",
        "dose",
        "doses",
        "radiation",
        "sedation",
        "pathway",
        "pathways",
        "handover",
        "flow",
        "follow-up",
        "journey",
        "centred",
        "centered",
        "satisfaction",
        "counselling",
        "counseling",
        "workup",
        "work-up",
        "evaluation",
        "triage",
        "recovery",
        "discharge",
        "admission",
        "referral",
        "review",
        "welfare",
        "rights",
        "privacy",
        "dignity",
        "pain",
        "anxiety",
        "factors",
        "risk",
        "risks",
        "and",
        "in",
        "on",
        "with",
        "of",
        "for",
        "the",
        "a",
        "an",
    }
)


def _topic_word(word: str) -> bool:
    word = word.lower()
    return word in TOPIC_WORDS or re.split(r"['’-]", word)[0] in TOPIC_WORDS  # "Safety-related"


def _names_someone(text: str) -> bool:
    if TITLED_NAME.search(text):
        return True
    return any(not _topic_word(found.group(1)) for found in PATIENT_THEN_WORD.finditer(text))


def looks_identifying(text: str) -> bool:
    """The text looks like it names or numbers a patient (see the module's docstring)."""
    return bool(text) and (IDENTIFIER.search(text) is not None or _names_someone(text))
