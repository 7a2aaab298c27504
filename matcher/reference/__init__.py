"""Reference data shipped with the app, and its idempotent sync into the database."""
