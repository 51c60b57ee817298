"""Storage layer (the Python package, not dbt "models"): settings, engine, tables, migrations, reads."""
