"""GraphQL (Strawberry) and REST API over the marts and forecasts; entry point
``graphql_api.app.create_app``.

A request flows resolver or REST route -> ``services/<domain>`` -> the request's DataLoaders
(``loaders``) -> ``models`` repositories. GraphQL types live in ``types/<domain>``, the root
``Query`` in ``query``, the assembled schema in ``schema``; the per-request context and the
``Info`` resolvers take are in ``context``, built from the FastAPI dependencies in ``deps``
that the REST routes (``rest``) use too.
"""
