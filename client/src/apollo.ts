import { ApolloClient, HttpLink, InMemoryCache, type FieldMergeFunction } from "@apollo/client";

/**
 * A forecast run covers many series, so `runId` does not identify a `Forecast`: it lives
 * inside its (normalised) Indicator. Two queries reading different fields of the same run's
 * forecast (the chart and the model selection) merge; a newer run replaces it.
 */
const mergeForecast: FieldMergeFunction = (existing, incoming, { mergeObjects, readField }) => {
  if (existing && incoming && readField("runId", existing) === readField("runId", incoming)) {
    return mergeObjects(existing, incoming);
  }
  return incoming;
};

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
          forecast: { merge: mergeForecast },
        },
      },
      Forecast: { keyFields: false },
      ForecastSelection: { merge: true },
    },
  });
}

export function createClient(uri = "/graphql"): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri }),
    cache: createCache(),
  });
}
