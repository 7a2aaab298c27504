"""Email: the outbox writer, jobs that expand into emails, delivery, digests and reminders (no routes).

Every email is an outbox row written in the transaction of the change that causes it; the worker
(`flask mail worker`) delivers it. Each person's choices per kind of email live in `preferences`.
"""
