import { ApolloClient, HttpLink, InMemoryCache } from "@apollo/client";

/**
 * Indicators are normalised by id so the picker list and the detail view share titles;
 * windowed fields are keyed by their arguments and simply replaced on refetch.
 */
export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      Indicator: {
        keyFields: ["id"],
        fields: {
          observations: { merge: false },
          stats: { merge: false },
        },
      },
      Forecast: { keyFields: ["runId"] },
    },
  });
}

export function createClient(uri = "/graphql"): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri }),
    cache: createCache(),
  });
}
