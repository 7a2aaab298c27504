"""Applicants with complete profiles, and their ranked applications, for `flask seed-bulk`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from matcher.seed import bulk_data as words
from matcher.seed.bulk_generate import LEVEL_RANK, Generator, Opening, Weighted, interest_weights

STUDENT_LEVELS = {1: 1, 2: 1, 3: 3, 4: 4, 5: 4, 6: 3}
TRAINEE_LEVELS = {7: 2, 8: 3, 9: 3, 10: 3, 11: 3, 12: 3, 13: 3, 14: 2, 15: 1}
# How many opportunities an applicant ranks (1..10), and how often.
LIST_LENGTHS = {1: 4, 2: 6, 3: 9, 4: 11, 5: 12, 6: 12, 7: 11, 8: 10, 9: 10, 10: 15}
HOST_RANKED_SHARE = 0.5  # share of opportunities whose host put its applicants in order
# Scarce places draw many applications, but a host's page orders at most ~1000 (MAX_FORM_PARTS).
MAX_PER_OPPORTUNITY = 800


@dataclass
class Applicant:
    user_id: int
    level: int
    subregions: list[str]
    regions: list[str]
    interests: frozenset[str]
    windows: list[tuple[date, date]]
    languages: dict[str, int]
    created_at: datetime


def make_applicants(gen: Generator) -> None:
    rng = gen.rng("applicants")
    by_code = {c.iso2: c for c in gen.countries}
    homes = Weighted(list(words.APPLICANT_HOMES), list(words.APPLICANT_HOMES.values()))
    wanted = defaultdict(float)
    for opening in gen.openings:
        wanted[opening.subregion] += opening.appeal
    places = Weighted(sorted(wanted), [wanted[s] + 1 for s in sorted(wanted)]) if wanted else None
    regions = sorted({c.region for c in gen.countries})
    topics = interest_weights(gen.interests)
    students = Weighted(list(STUDENT_LEVELS), list(STUDENT_LEVELS.values()))
    trainees = Weighted(list(TRAINEE_LEVELS), list(TRAINEE_LEVELS.values()))
    year = gen.plan.year
    for n in range(1, gen.plan.applicants + 1):
        role = "student" if rng.random() < 0.6 else "trainee"
        level = (students if role == "student" else trainees).pick(rng)
        created = gen.past(rng, 300)
        user_id = gen.user(rng, f"applicant{n:06d}@{gen.plan.domain}", role, created)
        home = by_code[homes.pick(rng)]
        institution = rng.choice(words.INSTITUTIONS.get(home.iso2) or (f"{home.name} College of Medicine",))
        subregions = places.sample(rng, rng.choice((1, 1, 2, 2, 3))) if places else ["Eastern Africa"]
        chosen_regions = [rng.choice(regions)] if rng.random() < 0.25 else []
        likes = topics.sample(rng, rng.randint(2, 5))
        teaches = role == "trainee" and level >= 10 and rng.random() < 0.4
        statement = rng.choice(words.STATEMENTS).format(interest=gen.labels[likes[0]].lower())
        profile_id = gen.ids.take("profiles")
        gen.rows["profiles"].append(
            (profile_id, user_id, level, institution, home.iso2, statement, teaches,
             rng.choice((2, 3, 4, 6, 8)) if teaches else None, created, created + timedelta(hours=1))
        )  # fmt: skip
        for scope, names in (("subregion", subregions), ("region", chosen_regions)):
            for name in names:
                gen.rows["profile_places"].append((gen.ids.take("profile_places"), profile_id, scope, name))
        gen.rows["profile_interests"].extend((profile_id, gen.interests[s]) for s in likes)
        if teaches:
            can_teach = sorted({"teaching", likes[0]})
            gen.rows["profile_teaching_interests"].extend((profile_id, gen.interests[s]) for s in can_teach)
        first = date(year, 1, 15) + timedelta(days=rng.randint(0, 240))
        windows = [(first, first + timedelta(weeks=rng.randint(6, 20)))]
        if rng.random() < 0.4:
            second = windows[0][1] + timedelta(days=rng.randint(30, 90))
            windows.append((second, second + timedelta(weeks=rng.randint(4, 10))))
        for start, end in windows:
            gen.rows["availability_windows"].append(
                (gen.ids.take("availability_windows"), profile_id, start, end)
            )
        spoken = {"en": rng.choice(("professional", "professional", "conversational"))}
        if home.iso2 in words.LOCAL_LANGUAGE:
            spoken.setdefault(words.LOCAL_LANGUAGE[home.iso2], "professional")
        if rng.random() < 0.3:
            spoken.setdefault(rng.choice(words.SECOND_LANGUAGES), rng.choice(("basic", "conversational")))
        for code, spoken_level in sorted(spoken.items()):
            gen.rows["profile_languages"].append(
                (gen.ids.take("profile_languages"), profile_id, code, spoken_level)
            )
        gen.applicants.append(
            Applicant(user_id, level, subregions, chosen_regions, frozenset(likes), windows,
                      {c: LEVEL_RANK[v] for c, v in spoken.items()}, created)
        )  # fmt: skip


def make_applications(gen: Generator) -> None:
    rng = gen.rng("applications")
    buckets: dict[tuple, Weighted] = {}
    grouped: dict[tuple, list[Opening]] = defaultdict(list)
    for opening in gen.openings:
        for level in range(opening.level_min, opening.level_max + 1):
            for key in ((level,), (level, opening.subregion), (level, opening.region)):
                grouped[key].append(opening)
    for key, openings in grouped.items():
        buckets[key] = Weighted(openings, [o.appeal for o in openings])
    lengths = Weighted(list(LIST_LENGTHS), list(LIST_LENGTHS.values()))
    received: dict[int, list[tuple[float, list]]] = defaultdict(list)
    end_of_today = datetime.combine(gen.plan.today, time(8))
    for person in gen.applicants:
        wanted = lengths.pick(rng)
        chosen: list[Opening] = []
        places = [(person.level, s) for s in person.subregions] + [(person.level, r) for r in person.regions]
        for _ in range(wanted * 6):
            key = rng.choice(places) if places and rng.random() < 0.7 else (person.level,)
            bucket = buckets.get(key) or buckets.get((person.level,))
            if bucket is None:
                break
            opening = bucket.pick(rng)
            if (
                opening in chosen
                or len(received[opening.id]) >= MAX_PER_OPPORTUNITY
                or not _suits(person, opening, strict=rng.random() < 0.9)
            ):
                continue
            chosen.append(opening)
            if len(chosen) == wanted:
                break
        chosen.sort(key=lambda o: -(len(person.interests & o.interests) + o.appeal + rng.random()))
        for rank, opening in enumerate(chosen, 1):
            created = min(end_of_today, person.created_at + timedelta(minutes=rng.randint(30, 60 * 24 * 40)))
            motivation = rng.choice(words.MOTIVATIONS).format(
                interest=gen.labels[min(opening.interests)].lower()
            )
            row = [
                gen.ids.take("applications"),
                person.user_id,
                opening.id,
                rank,
                motivation,
                None,
                created,
                created,
            ]
            gen.rows["applications"].append(row)
            fit = len(person.interests & opening.interests) - abs(person.level - opening.level_max) / 10
            received[opening.id].append((fit + rng.random() * 1.5, row))
    for opening_id in sorted(received):
        if rng.random() < HOST_RANKED_SHARE:
            ordered = sorted(received[opening_id], key=lambda pair: (-pair[0], pair[1][0]))
            for host_rank, (_, row) in enumerate(ordered, 1):
                row[5] = host_rank
    gen.rows["applications"] = [tuple(row) for row in gen.rows["applications"]]


def _suits(person: Applicant, opening: Opening, *, strict: bool) -> bool:
    """Languages always; dates unless the applicant applies outside their windows (some do)."""
    spoken = person.languages
    for code, need in opening.languages:
        if spoken.get(code, 0) < need:
            return False
    if not strict:
        return True
    return any(start <= opening.ends_on and end >= opening.starts_on for start, end in person.windows)
