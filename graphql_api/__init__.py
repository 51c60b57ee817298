"""GraphQL (Strawberry) and REST API over the marts and forecasts; entry point ``create_app``."""
