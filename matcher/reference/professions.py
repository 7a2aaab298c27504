"""The professions of the people who learn and teach: medical students, IR trainees and
physicians on the training levels' ladder; nurses, radiographers, physicists and imaging IT staff
with grades of their own. Shipped reference data with its words in every interface language;
`flask reference sync` loads it. A new profession is a new entry here, not a migration.
"""

from __future__ import annotations

from typing import NamedTuple

from matcher.reference.taxonomy import Words


class ProfessionDef(NamedTuple):
    code: str
    words: Words
    role: str
    ladder: str
    level_codes: tuple[str, str] | None  # the first and last TrainingLevel codes that apply
    grades: tuple[tuple[str, Words], ...]
    teaches: bool


def _grade(code: str, words: Words) -> tuple[str, Words]:
    return code, words


PROFESSIONS: tuple[ProfessionDef, ...] = (
    ProfessionDef(
        "medical-student",
        Words(
            "Medical student", "Étudiant(e) en médecine", "Estudante de medicina", "Estudiante de medicina"
        ),
        "student",
        "levels",
        ("ms1", "ms6"),
        (),
        False,
    ),
    ProfessionDef(
        "ir-trainee",
        Words(
            "IR trainee (resident or fellow)",
            "Interne ou fellow en radiologie interventionnelle",
            "Interno ou fellow de radiologia de intervenção",
            "Residente o fellow de radiología intervencionista",
        ),
        "trainee",
        "levels",
        ("intern", "fellow"),
        (),
        True,
    ),
    ProfessionDef(
        "ir-physician",
        Words(
            "IR physician (consultant or attending)",
            "Radiologue interventionnel(le) (sénior)",
            "Radiologista de intervenção (especialista)",
            "Radiólogo/a intervencionista (especialista)",
        ),
        "professional",
        "levels",
        ("consultant", "consultant"),
        (),
        True,
    ),
    ProfessionDef(
        "ir-nurse",
        Words(
            "IR nurse",
            "Infirmier(ère) de radiologie interventionnelle",
            "Enfermeiro(a) de radiologia de intervenção",
            "Enfermero/a de radiología intervencionista",
        ),
        "professional",
        "grades",
        None,
        (
            _grade("staff-nurse", Words("Staff nurse", "Infirmier(ère)", "Enfermeiro(a)", "Enfermero/a")),
            _grade(
                "senior-nurse",
                Words(
                    "Senior or charge nurse",
                    "Infirmier(ère) référent(e)",
                    "Enfermeiro(a) chefe de equipa",
                    "Enfermero/a jefe de turno",
                ),
            ),
            _grade(
                "nurse-specialist",
                Words(
                    "Nurse specialist or educator",
                    "Infirmier(ère) spécialisé(e) ou formateur(rice)",
                    "Enfermeiro(a) especialista ou formador(a)",
                    "Enfermero/a especialista o educador/a",
                ),
            ),
        ),
        True,
    ),
    ProfessionDef(
        "radiographer",
        Words(
            "Radiographer or technologist",
            "Manipulateur(rice) en électroradiologie",
            "Técnico(a) de radiologia",
            "Tecnólogo/a en radiología",
        ),
        "professional",
        "grades",
        None,
        (
            _grade(
                "radiographer",
                Words("Radiographer", "Manipulateur(rice)", "Técnico(a) de radiologia", "Tecnólogo/a"),
            ),
            _grade(
                "senior-radiographer",
                Words(
                    "Senior or lead radiographer",
                    "Manipulateur(rice) référent(e)",
                    "Técnico(a) de radiologia coordenador(a)",
                    "Tecnólogo/a jefe",
                ),
            ),
            _grade(
                "ir-specialist-radiographer",
                Words(
                    "IR specialist radiographer",
                    "Manipulateur(rice) spécialisé(e) en interventionnel",
                    "Técnico(a) especialista em intervenção",
                    "Tecnólogo/a especialista en intervencionismo",
                ),
            ),
        ),
        True,
    ),
    ProfessionDef(
        "medical-physicist",
        Words("Medical physicist", "Physicien(ne) médical(e)", "Físico(a) médico(a)", "Físico/a médico/a"),
        "professional",
        "grades",
        None,
        (
            _grade(
                "physicist",
                Words(
                    "Medical physicist",
                    "Physicien(ne) médical(e)",
                    "Físico(a) médico(a)",
                    "Físico/a médico/a",
                ),
            ),
            _grade(
                "senior-physicist",
                Words(
                    "Senior or consultant physicist",
                    "Physicien(ne) médical(e) senior",
                    "Físico(a) médico(a) sénior",
                    "Físico/a médico/a sénior",
                ),
            ),
        ),
        True,
    ),
    ProfessionDef(
        "pacs-it",
        Words(
            "PACS or imaging IT specialist",
            "Spécialiste PACS ou informatique d’imagerie",
            "Especialista em PACS ou informática de imagem",
            "Especialista en PACS o informática de imágenes",
        ),
        "professional",
        "grades",
        None,
        (
            _grade(
                "pacs-administrator",
                Words(
                    "PACS administrator",
                    "Administrateur(rice) PACS",
                    "Administrador(a) de PACS",
                    "Administrador/a de PACS",
                ),
            ),
            _grade(
                "imaging-it-engineer",
                Words(
                    "Imaging IT engineer",
                    "Ingénieur(e) informatique d’imagerie",
                    "Engenheiro(a) informático(a) de imagem",
                    "Ingeniero/a informático/a de imágenes",
                ),
            ),
        ),
        True,
    ),
)
