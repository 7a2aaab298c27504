"""Before departure (issue 21): country rule packs (`rules`), trips and their checklists (`trips`),
documents (`documents`), readiness and the board (`readiness`), travel advisories (`advisories`)."""
