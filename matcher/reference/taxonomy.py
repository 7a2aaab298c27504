"""The interventional radiology interest taxonomy and the ordered training levels, with their
words in every interface language.

Each label is written here in English, French, European Portuguese and Latin American Spanish (the
varieties of matcher/translations/GLOSSARY.md); `flask reference sync` copies the translations into
the rows' `translations` column, and `formatting.label_for` picks the reader's one. They are
medical terms, written as clinicians in each language name them, not machine-translated.
"""

from __future__ import annotations

from typing import NamedTuple


class Words(NamedTuple):
    """One label in each interface language."""

    en: str
    fr: str
    pt: str
    es: str

    def translations(self) -> dict[str, str]:
        """The label in each language other than English (the column holds the English one)."""
        return {"fr": self.fr, "pt": self.pt, "es": self.es}


class InterestDef(NamedTuple):
    slug: str
    label: str
    group: str
    translations: dict[str, dict[str, str]]


class LevelDef(NamedTuple):
    code: str
    label: str
    rank: int
    translations: dict[str, dict[str, str]]


_GROUPS: tuple[tuple[Words, tuple[tuple[str, Words], ...]], ...] = (
    (
        Words(
            "Haemorrhage control and embolisation",
            "Contrôle des hémorragies et embolisation",
            "Controlo de hemorragias e embolização",
            "Control de hemorragias y embolización",
        ),
        (
            (
                "pph-embolisation",
                Words(
                    "Post-partum haemorrhage embolisation",
                    "Embolisation pour hémorragie du post-partum",
                    "Embolização na hemorragia pós-parto",
                    "Embolización por hemorragia posparto",
                ),
            ),
            (
                "trauma-embolisation",
                Words(
                    "Trauma embolisation",
                    "Embolisation en traumatologie",
                    "Embolização no trauma",
                    "Embolización en trauma",
                ),
            ),
            (
                "gi-bleeding",
                Words(
                    "Gastrointestinal bleeding",
                    "Hémorragies digestives",
                    "Hemorragia gastrointestinal",
                    "Hemorragia gastrointestinal",
                ),
            ),
            (
                "haemoptysis-embolisation",
                Words(
                    "Bronchial artery embolisation for haemoptysis",
                    "Embolisation des artères bronchiques pour hémoptysie",
                    "Embolização das artérias brônquicas na hemoptise",
                    "Embolización de arterias bronquiales por hemoptisis",
                ),
            ),
        ),
    ),
    (
        Words(
            "Drainage and sepsis source control",
            "Drainage et contrôle du foyer septique",
            "Drenagem e controlo do foco séptico",
            "Drenaje y control del foco séptico",
        ),
        (
            (
                "abscess-drainage",
                Words("Abscess drainage", "Drainage d’abcès", "Drenagem de abcessos", "Drenaje de abscesos"),
            ),
            (
                "biliary-drainage",
                Words("Biliary drainage", "Drainage biliaire", "Drenagem biliar", "Drenaje biliar"),
            ),
            ("nephrostomy", Words("Nephrostomy", "Néphrostomie", "Nefrostomia", "Nefrostomía")),
            (
                "empyema-drainage",
                Words(
                    "Chest drains and empyema",
                    "Drainage thoracique et empyème",
                    "Drenagem torácica e empiema",
                    "Drenaje torácico y empiema",
                ),
            ),
        ),
    ),
    (
        Words(
            "Image-guided biopsy",
            "Biopsie guidée par l’imagerie",
            "Biópsia guiada por imagem",
            "Biopsia guiada por imagen",
        ),
        (
            (
                "us-biopsy",
                Words(
                    "Ultrasound-guided biopsy",
                    "Biopsie échoguidée",
                    "Biópsia guiada por ecografia",
                    "Biopsia guiada por ecografía",
                ),
            ),
            (
                "ct-biopsy",
                Words(
                    "CT-guided biopsy",
                    "Biopsie scannoguidée",
                    "Biópsia guiada por TC",
                    "Biopsia guiada por TC",
                ),
            ),
        ),
    ),
    (
        Words(
            "Vascular access and dialysis",
            "Abords vasculaires et dialyse",
            "Acessos vasculares e diálise",
            "Accesos vasculares y diálisis",
        ),
        (
            (
                "central-venous-access",
                Words(
                    "Central venous access and ports",
                    "Abords veineux centraux et chambres implantables",
                    "Acessos venosos centrais e cateteres totalmente implantáveis",
                    "Accesos venosos centrales y puertos implantables",
                ),
            ),
            (
                "dialysis-access",
                Words(
                    "Dialysis access and fistula care",
                    "Abords de dialyse et surveillance des fistules",
                    "Acessos para diálise e cuidados com fístulas",
                    "Accesos para diálisis y cuidado de fístulas",
                ),
            ),
        ),
    ),
    (
        Words("Venous intervention", "Interventions veineuses", "Intervenção venosa", "Intervención venosa"),
        (
            (
                "dvt-thrombolysis",
                Words(
                    "Deep vein thrombosis and thrombolysis",
                    "Thrombose veineuse profonde et thrombolyse",
                    "Trombose venosa profunda e trombólise",
                    "Trombosis venosa profunda y trombólisis",
                ),
            ),
            (
                "varicose-veins",
                Words(
                    "Varicose vein treatment",
                    "Traitement des varices",
                    "Tratamento de varizes",
                    "Tratamiento de várices",
                ),
            ),
        ),
    ),
    (
        Words(
            "Interventional oncology",
            "Oncologie interventionnelle",
            "Oncologia de intervenção",
            "Oncología intervencionista",
        ),
        (
            (
                "tace",
                Words(
                    "Transarterial chemoembolisation",
                    "Chimioembolisation intra-artérielle",
                    "Quimioembolização transarterial",
                    "Quimioembolización transarterial",
                ),
            ),
            (
                "tumour-ablation",
                Words("Tumour ablation", "Ablation tumorale", "Ablação tumoral", "Ablación tumoral"),
            ),
        ),
    ),
    (
        Words(
            "Ultrasound-guided procedures",
            "Gestes échoguidés",
            "Procedimentos guiados por ecografia",
            "Procedimientos guiados por ecografía",
        ),
        (
            (
                "us-guided-procedures",
                Words(
                    "Ultrasound-guided procedures",
                    "Gestes échoguidés",
                    "Procedimentos guiados por ecografia",
                    "Procedimientos guiados por ecografía",
                ),
            ),
            (
                "point-of-care-ultrasound",
                Words(
                    "Point-of-care ultrasound",
                    "Échographie au lit du patient",
                    "Ecografia à cabeceira do doente",
                    "Ecografía en el punto de atención",
                ),
            ),
        ),
    ),
    (
        Words(
            "IR service development",
            "Développement des services de radiologie interventionnelle",
            "Desenvolvimento de serviços de radiologia de intervenção",
            "Desarrollo de servicios de radiología intervencionista",
        ),
        (
            (
                "ir-service-development",
                Words(
                    "Setting up an IR service",
                    "Créer un service de radiologie interventionnelle",
                    "Criar um serviço de radiologia de intervenção",
                    "Crear un servicio de radiología intervencionista",
                ),
            ),
            (
                "equipment-and-supply",
                Words(
                    "Equipment, supplies and maintenance",
                    "Équipements, consommables et maintenance",
                    "Equipamento, consumíveis e manutenção",
                    "Equipos, insumos y mantenimiento",
                ),
            ),
        ),
    ),
    (
        Words(
            "Teaching and curriculum design",
            "Enseignement et conception de programmes",
            "Ensino e conceção de currículos",
            "Docencia y diseño curricular",
        ),
        (
            (
                "teaching",
                Words(
                    "Teaching and simulation",
                    "Enseignement et simulation",
                    "Ensino e simulação",
                    "Docencia y simulación",
                ),
            ),
            (
                "curriculum-design",
                Words(
                    "Curriculum design",
                    "Conception de programmes de formation",
                    "Conceção de currículos",
                    "Diseño curricular",
                ),
            ),
        ),
    ),
)


def _both(label: Words, group: Words) -> dict[str, dict[str, str]]:
    return {
        code: {"label": word, "group": group.translations()[code]}
        for code, word in label.translations().items()
    }


INTERESTS: tuple[InterestDef, ...] = tuple(
    InterestDef(slug, label.en, group.en, _both(label, group))
    for group, items in _GROUPS
    for slug, label in items
)


def _level(code: str, words: Words, rank: int) -> LevelDef:
    return LevelDef(
        code, words.en, rank, {lang: {"label": word} for lang, word in words.translations().items()}
    )


def _student(year: int) -> Words:
    return Words(
        f"Medical student, year {year}",
        f"Étudiant(e) en médecine, {year}{'re' if year == 1 else 'e'} année",
        f"Estudante de medicina, {year}.º ano",
        f"Estudiante de medicina, año {year}",
    )


def _resident(year: int) -> Words:
    return Words(
        f"Resident / registrar, year {year}",
        f"Interne, {year}{'re' if year == 1 else 'e'} année",
        f"Interno de formação específica, {year}.º ano",
        f"Residente, año {year}",
    )


LEVELS: tuple[LevelDef, ...] = (
    *(_level(f"ms{y}", _student(y), y) for y in range(1, 7)),
    _level(
        "intern",
        Words(
            "Foundation doctor / intern",
            "Jeune médecin / faisant fonction d’interne",
            "Médico interno de formação geral",
            "Médico interno (internado rotatorio)",
        ),
        7,
    ),
    *(_level(f"res{y}", _resident(y), 7 + y) for y in range(1, 7)),
    _level(
        "fellow",
        Words(
            "Fellow", "Chef de clinique / fellow", "Fellow (subespecialização)", "Fellow (subespecialidad)"
        ),
        14,
    ),
    _level(
        "consultant",
        Words(
            "Consultant / attending",
            "Praticien hospitalier / médecin sénior",
            "Médico especialista / assistente hospitalar",
            "Médico especialista / médico de planta",
        ),
        15,
    ),
)
