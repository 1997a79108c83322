"""The only package that imports SQLAlchemy: tables, unit of work, repositories and read-side queries."""
