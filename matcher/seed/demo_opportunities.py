"""About thirty realistic demo opportunities across the demo organisations (idempotent)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.db import utcnow
from matcher.models import (
    Country,
    Interest,
    Opportunity,
    OpportunityLanguage,
    OpportunityStatus,
    Organisation,
)

# (organisation slug, type, title, host institution, city, country, levels, interests, languages)
SITES = [
    ("road2ir", "clinical_elective", "IR elective at Muhimbili National Hospital", "Muhimbili National Hospital", "Dar es Salaam", "TZ", (4, 6), ("pph-embolisation", "biliary-drainage", "nephrostomy"), (("en", "professional"), ("sw", "basic"))),
    ("road2ir", "teaching_visit", "Teach the MUHAS IR residency: embolisation block", "Muhimbili University of Health and Allied Sciences", "Dar es Salaam", "TZ", (11, 15), ("pph-embolisation", "trauma-embolisation", "teaching"), (("en", "professional"),)),
    ("road2ir", "teaching_visit", "Drainage skills course for radiology residents", "Bugando Medical Centre", "Mwanza", "TZ", (10, 15), ("abscess-drainage", "biliary-drainage", "teaching"), (("en", "professional"),)),
    ("road2ir", "clinical_elective", "Ultrasound-guided procedures elective, Moshi", "Kilimanjaro Christian Medical Centre", "Moshi", "TZ", (5, 7), ("us-guided-procedures", "us-biopsy", "abscess-drainage"), (("en", "conversational"),)),
    ("road2ir", "teaching_visit", "Simulation teaching for vascular access", "Muhimbili National Hospital", "Dar es Salaam", "TZ", (12, 15), ("central-venous-access", "dialysis-access", "teaching"), (("en", "professional"),)),
    ("road2ir", "fieldwork", "IR service mapping in Tanzanian regional hospitals", "Ministry of Health partner hospitals", "Dodoma", "TZ", (6, 10), ("ir-service-development", "equipment-and-supply"), (("en", "conversational"), ("sw", "basic"))),
    ("rad-aid", "clinical_elective", "Interventional radiology elective in Nairobi", "Kenyatta National Hospital", "Nairobi", "KE", (4, 6), ("pph-embolisation", "gi-bleeding", "biliary-drainage"), (("en", "professional"),)),
    ("rad-aid", "observership", "Observership: image-guided biopsy service", "Moi Teaching and Referral Hospital", "Eldoret", "KE", (3, 6), ("us-biopsy", "ct-biopsy"), (("en", "conversational"),)),
    ("rad-aid", "teaching_visit", "Teaching visit: building an IR service", "Mulago National Referral Hospital", "Kampala", "UG", (13, 15), ("ir-service-development", "teaching", "curriculum-design"), (("en", "professional"),)),
    ("rad-aid", "clinical_elective", "Drainage and sepsis source control elective", "Mulago National Referral Hospital", "Kampala", "UG", (5, 7), ("abscess-drainage", "nephrostomy", "empyema-drainage"), (("en", "professional"),)),
    ("rad-aid", "research", "Research: outcomes of PPH embolisation", "University Teaching Hospital of Kigali", "Kigali", "RW", (5, 12), ("pph-embolisation",), (("en", "professional"), ("fr", "basic"))),
    ("rad-aid", "clinical_elective", "IR elective at King Faisal Hospital", "King Faisal Hospital", "Kigali", "RW", (4, 6), ("gi-bleeding", "biliary-drainage", "dialysis-access"), (("en", "professional"),)),
    ("rad-aid", "teaching_visit", "Ultrasound-guided procedures workshop", "Tikur Anbessa Specialized Hospital", "Addis Ababa", "ET", (10, 15), ("us-guided-procedures", "point-of-care-ultrasound", "teaching"), (("en", "professional"),)),
    ("rad-aid", "clinical_elective", "Radiology and IR elective in Addis Ababa", "Tikur Anbessa Specialized Hospital", "Addis Ababa", "ET", (4, 6), ("us-biopsy", "abscess-drainage"), (("en", "professional"), ("am", "basic"))),
    ("rad-aid", "fieldwork", "Equipment and supply chain assessment", "St. Paul's Hospital Millennium Medical College", "Addis Ababa", "ET", (8, 15), ("equipment-and-supply", "ir-service-development"), (("en", "professional"),)),
    ("rad-aid", "clinical_elective", "Elective in interventional oncology", "Korle Bu Teaching Hospital", "Accra", "GH", (5, 7), ("tace", "tumour-ablation", "us-biopsy"), (("en", "professional"),)),
    ("rad-aid", "teaching_visit", "Teaching visit: venous interventions", "Lagos University Teaching Hospital", "Lagos", "NG", (12, 15), ("dvt-thrombolysis", "varicose-veins", "teaching"), (("en", "professional"),)),
    ("rad-aid", "observership", "Observership in Hanoi: haemoptysis and GI bleeding", "Bach Mai Hospital", "Hanoi", "VN", (5, 10), ("haemoptysis-embolisation", "gi-bleeding"), (("en", "conversational"),)),
    ("rad-aid", "teaching_visit", "Curriculum design with a new IR fellowship", "Tribhuvan University Teaching Hospital", "Kathmandu", "NP", (13, 15), ("curriculum-design", "teaching"), (("en", "professional"),)),
    ("rad-aid", "clinical_elective", "Elective at Hôpital Universitaire de Mirebalais", "Hôpital Universitaire de Mirebalais", "Mirebalais", "HT", (5, 7), ("abscess-drainage", "us-guided-procedures"), (("fr", "conversational"), ("en", "conversational"))),
    ("rad-aid", "research", "Research: IR access mapping in Latin America", "Hospital Roosevelt", "Guatemala City", "GT", (6, 13), ("ir-service-development",), (("es", "professional"),)),
    ("sir-rfs-ioc", "teaching_visit", "Resident-led teaching week: IR fundamentals", "Mbarara Regional Referral Hospital", "Mbarara", "UG", (10, 13), ("teaching", "us-guided-procedures", "central-venous-access"), (("en", "professional"),)),
    ("sir-rfs-ioc", "teaching_visit", "Trainee outreach: dialysis access course", "Komfo Anokye Teaching Hospital", "Kumasi", "GH", (10, 14), ("dialysis-access", "teaching"), (("en", "professional"),)),
    ("sir-rfs-ioc", "research", "Global IR survey: trainee research project", "Remote, with partner sites", "Kigali", "RW", (6, 14), ("ir-service-development", "curriculum-design"), (("en", "professional"),)),
    ("sir-rfs-ioc", "observership", "Observership: trauma embolisation", "Groote Schuur Hospital", "Cape Town", "ZA", (5, 9), ("trauma-embolisation", "gi-bleeding"), (("en", "professional"),)),
    ("sir-rfs-ioc", "teaching_visit", "Teaching visit: nephrostomy and biliary drainage", "Queen Elizabeth Central Hospital", "Blantyre", "MW", (11, 15), ("nephrostomy", "biliary-drainage", "teaching"), (("en", "professional"),)),
    ("ir-juniors", "clinical_elective", "Student elective: IR in a district hospital", "Kamuzu Central Hospital", "Lilongwe", "MW", (3, 6), ("us-guided-procedures", "abscess-drainage"), (("en", "conversational"),)),
    ("ir-juniors", "observership", "Virtual and on-site observership in IR", "University Teaching Hospital", "Lusaka", "ZM", (1, 6), ("pph-embolisation", "us-biopsy"), (("en", "conversational"),)),
    ("ir-juniors", "clinical_elective", "Elective in Maputo: drainage and biopsy", "Hospital Central de Maputo", "Maputo", "MZ", (4, 6), ("abscess-drainage", "us-biopsy"), (("pt", "conversational"), ("en", "basic"))),
    ("ir-juniors", "research", "Student research: point-of-care ultrasound training", "University of Rwanda", "Butare", "RW", (2, 6), ("point-of-care-ultrasound", "teaching"), (("en", "professional"), ("fr", "basic"))),
]

DESCRIPTION = (
    "{title}, hosted by {host} in {city}.\n\n"
    "You join the interventional radiology team for daily lists, ward rounds and the multidisciplinary "
    "meetings, and take part in the procedures your level allows under supervision. The local team "
    "leads; visitors learn first and teach where they are asked to.\n\n"
    "Expect long days, shared accommodation arranged with the host, and a short written reflection at the end."
)




class WrittenElsewhere(NamedTuple):
    """A demo opportunity its host wrote in another language than English."""

    written_in: str
    title: str
    description: str
    summaries: dict[str, str]


# By the English title in SITES: content stays in its author's language, so the pages show it as it
# would be, with "Written in ..." and, for the Spanish one, the host's summary in English.
WRITTEN_ELSEWHERE = {
    "Elective in Maputo: drainage and biopsy": WrittenElsewhere(
        "pt",
        "Estágio opcional em Maputo: drenagens e biópsias",
        "Estágio clínico opcional de radiologia de intervenção no Hospital Central de Maputo.\n\n"
        "Integra a equipa de radiologia de intervenção nas listas diárias, nas visitas às enfermarias e nas "
        "reuniões multidisciplinares, e participa, sob supervisão, nos procedimentos que o seu nível de "
        "formação permitir: drenagens de abcessos e biópsias guiadas por ecografia. A equipa local orienta; "
        "quem nos visita aprende primeiro e ensina quando lhe for pedido.\n\n"
        "Conte com dias longos, alojamento partilhado organizado com a instituição de acolhimento e uma breve "
        "reflexão escrita no final.",
        {},
    ),
    "Research: IR access mapping in Latin America": WrittenElsewhere(
        "es",
        "Investigación: el acceso a la radiología intervencionista en América Latina",
        "Proyecto de investigación en el Hospital Roosevelt, en Ciudad de Guatemala.\n\n"
        "Usted se suma al equipo de radiología intervencionista para relevar qué procedimientos ofrecen los "
        "hospitales públicos de la región, con qué equipos y con qué personal, y ayuda a analizar los datos "
        "con el equipo local. El equipo local dirige el proyecto; los visitantes aprenden primero y enseñan "
        "cuando se les pide.\n\n"
        "Las entrevistas y las reuniones son en español. Al final se entrega un breve informe escrito.",
        {
            "en": "A research project at Hospital Roosevelt, Guatemala City: mapping which interventional "
            "radiology procedures the region's public hospitals offer, with what equipment and staff. "
            "Interviews and meetings are in Spanish; a good level of Spanish is needed."
        },
    ),
}


def seed_opportunities(session: Session, today: date) -> int:
    """Create the demo opportunities that are missing; returns how many were created."""
    rng = random.Random(2026)  # noqa: S311 - deterministic demo dates, not security
    organisations = {o.slug: o for o in session.scalars(select(Organisation))}
    interests = {i.slug: i for i in session.scalars(select(Interest))}
    existing = set(session.scalars(select(Opportunity.title)))
    created = 0
    for index, (slug, kind, title, host, city, country, (low, high), tags, languages) in enumerate(SITES):
        starts = today + timedelta(days=60 + 14 * rng.randint(0, 20))
        weeks = rng.choice((2, 4, 4, 6, 8))
        flexible = kind in ("research", "fieldwork") and index % 2 == 0
        written = WRITTEN_ELSEWHERE.get(title)
        if title in existing or (written and written.title in existing) or slug not in organisations:
            continue
        opportunity = Opportunity(
            organisation=organisations[slug],
            title=written.title if written else title,
            description=written.description if written else DESCRIPTION.format(title=title, host=host, city=city),
            written_in=written.written_in if written else "en",
            summaries=dict(written.summaries) if written else {},
            type=kind,
            host_institution=host,
            city=city,
            country_code=country,
            level_min=low,
            level_max=high,
            starts_on=starts,
            ends_on=starts + timedelta(weeks=weeks * (3 if flexible else 1)),
            flexible=flexible,
            min_weeks=weeks if flexible else None,
            capacity=rng.choice((1, 2, 2, 3, 4, 6)),
            fee_amount=None if kind == "teaching_visit" else rng.choice((None, 150, 300, 500)),
            fee_currency=None,
            accommodation_provided=rng.random() < 0.5,
            stipend_provided=kind == "teaching_visit" and rng.random() < 0.4,
            deadline=starts - timedelta(days=rng.choice((21, 30, 45))),
            needs_visa=country not in ("TZ", "KE", "UG", "RW") or rng.random() < 0.5,
            needs_temporary_licence=kind in ("clinical_elective", "teaching_visit"),
            needs_indemnity=kind != "research",
            needs_immunisations=kind != "research",
            contact_name=f"{organisations[slug].name} programme team",
            status=OpportunityStatus.PUBLISHED if index % 10 != 9 else OpportunityStatus.DRAFT,
        )
        if opportunity.fee_amount is not None:
            opportunity.fee_currency = "USD"
        if opportunity.status == OpportunityStatus.PUBLISHED:
            opportunity.published_at = utcnow() - timedelta(days=len(SITES) - index)
        opportunity.interests = [interests[t] for t in tags]
        opportunity.languages = [OpportunityLanguage(language=c, level=lv) for c, lv in languages]
        session.add(opportunity)
        created += 1
    session.flush()
    for organisation in organisations.values():
        if not organisation.countries:
            codes = {site[5] for site in SITES if site[0] == organisation.slug}
            organisation.countries = list(session.scalars(select(Country).where(Country.iso2.in_(codes))))
    return created
