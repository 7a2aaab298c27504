"""Web helpers shared by the blueprints: access control, forms, safe redirects."""
