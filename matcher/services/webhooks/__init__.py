"""Webhooks: organisations' HTTPS endpoints told of events, signed, sent by the task queue's worker.

- `addresses`: which URLs may receive (https, a public address: no SSRF into our own network).
- `signing`: the signature headers, and the check a receiver runs (the README shows it).
- `endpoints`: register, remove and ping endpoints; read their delivery logs.
- `events`: queue an event's deliveries in the transaction of the change (the outbox pattern).
- `delivery`: the worker's side: claim due deliveries, send, log each try, back off, disable.
"""
