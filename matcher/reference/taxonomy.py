"""The interventional radiology interest taxonomy and the ordered training levels."""

from __future__ import annotations

from typing import NamedTuple


class InterestDef(NamedTuple):
    slug: str
    label: str
    group: str


class LevelDef(NamedTuple):
    code: str
    label: str
    rank: int


_GROUPS: dict[str, list[tuple[str, str]]] = {
    "Haemorrhage control and embolisation": [
        ("pph-embolisation", "Post-partum haemorrhage embolisation"),
        ("trauma-embolisation", "Trauma embolisation"),
        ("gi-bleeding", "Gastrointestinal bleeding"),
        ("haemoptysis-embolisation", "Bronchial artery embolisation for haemoptysis"),
    ],
    "Drainage and sepsis source control": [
        ("abscess-drainage", "Abscess drainage"),
        ("biliary-drainage", "Biliary drainage"),
        ("nephrostomy", "Nephrostomy"),
        ("empyema-drainage", "Chest drains and empyema"),
    ],
    "Image-guided biopsy": [
        ("us-biopsy", "Ultrasound-guided biopsy"),
        ("ct-biopsy", "CT-guided biopsy"),
    ],
    "Vascular access and dialysis": [
        ("central-venous-access", "Central venous access and ports"),
        ("dialysis-access", "Dialysis access and fistula care"),
    ],
    "Venous intervention": [
        ("dvt-thrombolysis", "Deep vein thrombosis and thrombolysis"),
        ("varicose-veins", "Varicose vein treatment"),
    ],
    "Interventional oncology": [
        ("tace", "Transarterial chemoembolisation"),
        ("tumour-ablation", "Tumour ablation"),
    ],
    "Ultrasound-guided procedures": [
        ("us-guided-procedures", "Ultrasound-guided procedures"),
        ("point-of-care-ultrasound", "Point-of-care ultrasound"),
    ],
    "IR service development": [
        ("ir-service-development", "Setting up an IR service"),
        ("equipment-and-supply", "Equipment, supplies and maintenance"),
    ],
    "Teaching and curriculum design": [
        ("teaching", "Teaching and simulation"),
        ("curriculum-design", "Curriculum design"),
    ],
}

INTERESTS: tuple[InterestDef, ...] = tuple(
    InterestDef(slug, label, group) for group, items in _GROUPS.items() for slug, label in items
)

LEVELS: tuple[LevelDef, ...] = (
    *(LevelDef(f"ms{y}", f"Medical student, year {y}", y) for y in range(1, 7)),
    LevelDef("intern", "Foundation doctor / intern", 7),
    *(LevelDef(f"res{y}", f"Resident / registrar, year {y}", 7 + y) for y in range(1, 7)),
    LevelDef("fellow", "Fellow", 14),
    LevelDef("consultant", "Consultant / attending", 15),
)
