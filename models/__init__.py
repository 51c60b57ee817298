"""Storage layer (this package, not dbt "models"): settings, engine, tables, migrations."""
