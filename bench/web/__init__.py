"""Load benchmark: the app under gunicorn on PostgreSQL and Redis, against a hello-world baseline.

    .venv/bin/python -m bench.web [--database URL] [--coordinator EMAIL] [--duration 20] [--clients 50]
                                  [--phases single,multi,mail]

(`.venv/bin/python bench/web ...` runs the same.) Everything listens on 127.0.0.1 and each phase
stops after --duration seconds or --max-requests requests, whichever comes first. Phases:

single  gunicorn (--workers 4, gthread) serving `wsgi:app`, and bench/web/hello.py under the same
        settings. 50 closed-loop clients (no think time unless --think) run: the hello app;
        search only; the applicants' pages (anonymous search with random filters, opportunity
        pages, logged-in dashboards: each client logs in once through the real login form, with
        its CSRF token, as a distinct applicant); the same plus the coordinator's review page of
        a large match run (--review-weight). Commands and one run: bench/README.md.
multi   two gunicorn instances on two ports sharing PostgreSQL and Redis: every client logs in
        through one instance (GET /login there, POST to the other) and then alternates between
        them with the same session cookie; failed logins alternated across the instances must be
        throttled at the configured limit (a control pair on memory:// storage shows the bypass
        that this guards against).
mail    its own database (DROPped and recreated: --mail-database), N queued emails, two
        `flask --app wsgi mail worker` processes draining them into an aiosmtpd sink, then a check
        that every email arrived exactly once.

The match run: --run-id, else the latest run of the bench's own round ("bench/web.py round",
restricted to --run-types), else that round is created with the service and run with
`flask --app wsgi match run` (once: later invocations reuse the run).
The database is otherwise only read, apart from what logging in writes (last login time).

Modules: client (HTTP over asyncio, the login), servers (gunicorn, the app's environment),
usage (CPU accounting), workload (catalog, request mix), load (running clients through a phase),
tables (printing), match_run (the review page's run), single and instances (the phases with one
and with two servers), mail (the mail workers' phase), hello (the baseline app), page_profile
(one page's costs through the test client).
"""
