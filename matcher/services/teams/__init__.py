"""Teaching teams (issue 20): visits opened from teaching requests, volunteers' applications and
wishes, team builds over `matcher.engine.form_teams` as background jobs, the coordinator's
adjustments and approval, the host's confirmation, offers and answers with replacements, emails,
the audit trail, CSV and dashboard counts.

- `visits`: open visits from a request; volunteers apply (ranked), withdraw, say their wish.
- `inputs`: database rows -> the builder's input (the same rules the server checks by hand).
- `builds`: create a build, run it (a background job), store the plan and apply it.
- `decisions`: add, remove, swap, approve, confirm, offer, accept or decline, replace.
- `reports`: the review matrix, the CSV rows, the dashboard counts, the volunteer's own list.
- `mail`: the emails (offer, roster, the host's team to confirm).
"""
