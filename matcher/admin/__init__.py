"""Administration: users and their roles."""
