"""GraphQL object types, one module per domain: ``indicators`` (an indicator, its columns and
statistics), ``forecasts`` (a forecast and its model selection), ``correlations``. A new
domain (technicals, candles, transforms, trends, auth) gets a module of its own here; the
root operation types are in ``graphql_api.query`` and the schema is assembled in
``graphql_api.schema``. Field resolvers call ``graphql_api.services`` and convert, nothing else.
"""
