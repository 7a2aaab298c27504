"""After the visit (issue 22): who may see a visit's after-pages (`visits`), the logbook, local
learners and milestones, completions and certificates, feedback from three sides, and the
impact figures and reports built from confirmed logs."""
