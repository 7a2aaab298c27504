"""The organisation directory, organisation pages, profile editing and invitations."""
