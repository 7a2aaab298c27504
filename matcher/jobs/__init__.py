"""Background work on a kept task queue (Huey): long jobs people follow on a progress page, mail
expansion and delivery, and the periodic work that used to need cron.

- `dispatch`: hand a task to the queue once the transaction that needs it has committed.
- `queue`: the app's Huey instance (SQLite file by default, Redis in production) and its consumer.
- `lifecycle`: the background_jobs records: start (one active job per key), claim, progress,
  finish, fail, retry, and the sweep that re-sends lost jobs and fails those whose worker died.
- `registry`: what each task and job kind does, and the periodic schedule.
- `pages`: the progress page and the Retry button.
"""
