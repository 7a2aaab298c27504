"""Email: the outbox writer, message rendering and the delivery worker."""
