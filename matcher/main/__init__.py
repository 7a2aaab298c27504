"""Public pages, the per-role dashboard and the health check."""
