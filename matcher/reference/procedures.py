"""The procedures taxonomy for global IR teaching (the professions are in professions.py).

Shipped reference data with its words in every interface language (as in taxonomy.py) and, for
each procedure, the equipment a site needs for it to be taught there and where that comes from.
`flask reference sync` loads it; a procedure a coordinator has edited in the app is left alone.

Equipment: a site needs every resource in `needs_all` and at least one of `needs_any`
(codes of matcher.models.teaching.Resource). The sources are the professional guidance each entry
and its equipment follow; WHO and IAEA pages for the non-procedure subjects.
"""

from __future__ import annotations

from typing import NamedTuple

from matcher.reference.taxonomy import Words


class ProcedureDef(NamedTuple):
    code: str
    words: Words
    group: Words
    kind: str
    needs_any: tuple[str, ...]
    needs_all: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]

    def translations(self) -> dict[str, dict[str, str]]:
        return {
            lang: {"label": label, "group": self.group.translations()[lang]}
            for lang, label in self.words.translations().items()
        }


_EMBOLISATION = Words("Embolisation", "Embolisation", "Embolização", "Embolización")
_DRAINAGE = Words(
    "Drainage and percutaneous access",
    "Drainages et abords percutanés",
    "Drenagens e acessos percutâneos",
    "Drenajes y accesos percutáneos",
)
_ACCESS = Words(
    "Biopsy and vascular access",
    "Biopsies et abords vasculaires",
    "Biópsias e acessos vasculares",
    "Biopsias y accesos vasculares",
)
_TEACHING = Words(
    "Skills, care and safety",
    "Compétences, soins et sécurité",
    "Competências, cuidados e segurança",
    "Habilidades, cuidados y seguridad",
)

_SIR = ("SIR clinical practice guidelines and standards", "https://www.sirweb.org/practice-resources/")
_CIRSE = ("CIRSE Standards of Practice", "https://www.cirse.org/research/standards-of-practice/")
_RAD_AID = ("RAD-AID Radiology-Readiness assessment", "https://www.rad-aid.org/")
_WHO_PPH = (
    "WHO recommendations for the prevention and treatment of postpartum haemorrhage",
    "https://www.who.int/publications/i/item/9789241548502",
)
_WHO_US = ("WHO Manual of diagnostic ultrasound", "https://www.who.int/publications/i/item/9789241547451")
_IAEA = (
    "IAEA Radiation protection of patients: interventional procedures",
    "https://www.iaea.org/resources/rpop",
)

_ANGIO = ("angiography", "c_arm")
_EMBOLIC = ("catheters_wires", "embolic_agents")

PROCEDURES: tuple[ProcedureDef, ...] = (
    ProcedureDef(
        "pph-embolisation",
        Words(
            "Post-partum haemorrhage embolisation",
            "Embolisation pour hémorragie du post-partum",
            "Embolização na hemorragia pós-parto",
            "Embolización por hemorragia posparto",
        ),
        _EMBOLISATION,
        "procedure",
        _ANGIO,
        _EMBOLIC,
        (_WHO_PPH, _CIRSE, _RAD_AID),
    ),
    ProcedureDef(
        "trauma-embolisation",
        Words(
            "Trauma embolisation",
            "Embolisation en traumatologie",
            "Embolização no trauma",
            "Embolización en trauma",
        ),
        _EMBOLISATION,
        "procedure",
        _ANGIO,
        _EMBOLIC,
        (_SIR, _CIRSE),
    ),
    ProcedureDef(
        "gi-bleeding-embolisation",
        Words(
            "Gastrointestinal bleeding embolisation",
            "Embolisation des hémorragies digestives",
            "Embolização da hemorragia gastrointestinal",
            "Embolización de la hemorragia digestiva",
        ),
        _EMBOLISATION,
        "procedure",
        _ANGIO,
        _EMBOLIC,
        (_SIR, _CIRSE),
    ),
    ProcedureDef(
        "bronchial-artery-embolisation",
        Words(
            "Haemoptysis (bronchial artery) embolisation",
            "Embolisation des artères bronchiques (hémoptysie)",
            "Embolização das artérias brônquicas (hemoptises)",
            "Embolización de arterias bronquiales (hemoptisis)",
        ),
        _EMBOLISATION,
        "procedure",
        _ANGIO,
        _EMBOLIC,
        (_CIRSE, _SIR),
    ),
    ProcedureDef(
        "abscess-drainage",
        Words(
            "Abscess drainage",
            "Drainage d’abcès",
            "Drenagem de abcessos",
            "Drenaje de abscesos",
        ),
        _DRAINAGE,
        "procedure",
        ("ultrasound", "ct"),
        ("drains",),
        (_SIR, _CIRSE, _RAD_AID),
    ),
    ProcedureDef(
        "nephrostomy",
        Words(
            "Percutaneous nephrostomy",
            "Néphrostomie percutanée",
            "Nefrostomia percutânea",
            "Nefrostomía percutánea",
        ),
        _DRAINAGE,
        "procedure",
        ("ultrasound", "fluoroscopy", "c_arm"),
        ("catheters_wires", "drains"),
        (_SIR, _CIRSE),
    ),
    ProcedureDef(
        "biliary-drainage",
        Words(
            "Percutaneous biliary drainage",
            "Drainage biliaire percutané",
            "Drenagem biliar percutânea",
            "Drenaje biliar percutáneo",
        ),
        _DRAINAGE,
        "procedure",
        ("fluoroscopy", "c_arm"),
        ("ultrasound", "catheters_wires", "drains"),
        (_SIR, _CIRSE),
    ),
    ProcedureDef(
        "paracentesis-thoracentesis",
        Words(
            "Paracentesis and thoracentesis",
            "Ponctions d’ascite et pleurales",
            "Paracentese e toracocentese",
            "Paracentesis y toracocentesis",
        ),
        _DRAINAGE,
        "procedure",
        (),
        ("ultrasound",),
        (_SIR, _WHO_US),
    ),
    ProcedureDef(
        "image-guided-biopsy",
        Words(
            "Image-guided biopsy",
            "Biopsie guidée par l’imagerie",
            "Biópsia guiada por imagem",
            "Biopsia guiada por imagen",
        ),
        _ACCESS,
        "procedure",
        ("ultrasound", "ct"),
        (),
        (_SIR, _CIRSE),
    ),
    ProcedureDef(
        "us-vascular-access",
        Words(
            "Ultrasound-guided vascular access",
            "Abord vasculaire échoguidé",
            "Acesso vascular ecoguiado",
            "Acceso vascular guiado por ecografía",
        ),
        _ACCESS,
        "procedure",
        (),
        ("ultrasound",),
        (_SIR, _WHO_US),
    ),
    ProcedureDef(
        "central-venous-access",
        Words(
            "Central venous access",
            "Abord veineux central",
            "Acesso venoso central",
            "Acceso venoso central",
        ),
        _ACCESS,
        "procedure",
        ("fluoroscopy", "c_arm"),
        ("ultrasound", "catheters_wires"),
        (_SIR, _CIRSE),
    ),
    ProcedureDef(
        "ultrasound-skills",
        Words(
            "Ultrasound skills",
            "Compétences en échographie",
            "Competências em ecografia",
            "Habilidades en ecografía",
        ),
        _TEACHING,
        "teaching",
        (),
        ("ultrasound",),
        (_WHO_US, _RAD_AID),
    ),
    ProcedureDef(
        "simulation",
        Words(
            "Simulation training",
            "Formation par simulation",
            "Formação em simulação",
            "Formación con simulación",
        ),
        _TEACHING,
        "teaching",
        (),
        (),
        (_CIRSE, _RAD_AID),
    ),
    ProcedureDef(
        "ir-nursing-care",
        Words(
            "Nursing care of IR patients",
            "Soins infirmiers en radiologie interventionnelle",
            "Cuidados de enfermagem em radiologia de intervenção",
            "Cuidados de enfermería en radiología intervencionista",
        ),
        _TEACHING,
        "teaching",
        (),
        (),
        (_SIR, _CIRSE),
    ),
    ProcedureDef(
        "radiation-safety",
        Words(
            "Radiation safety",
            "Radioprotection",
            "Proteção radiológica",
            "Protección radiológica",
        ),
        _TEACHING,
        "teaching",
        (),
        (),
        (_IAEA, _CIRSE),
    ),
)
