"""Sign-up, login, email verification, password reset and account settings."""
