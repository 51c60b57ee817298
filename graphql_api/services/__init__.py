"""Use cases behind the GraphQL resolvers and the REST handlers, one module per domain:
validate, load through the request's DataLoaders (which call the repositories), compute.

Resolvers and handlers stay thin (argument plumbing and type conversion); the rules live here.
"""
