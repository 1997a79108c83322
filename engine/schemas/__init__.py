"""marshmallow schemas: the one place where field rules live (the API reuses them)."""
