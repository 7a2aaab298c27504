"""Use cases. Each takes a session and the acting user, never commits, raises DomainError."""
