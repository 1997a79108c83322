"""Plain domain types: no framework imports below this package."""
