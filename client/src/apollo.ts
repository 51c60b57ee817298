import {
  ApolloClient,
  ApolloLink,
  HttpLink,
  InMemoryCache,
  ServerError,
  type FieldMergeFunction,
} from "@apollo/client";
import { ErrorLink } from "@apollo/client/link/error";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { OperationTypeNode } from "graphql";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import { from, mergeMap, throwError, type Observable } from "rxjs";
import { session as pageSession, type Session } from "./auth/session";

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
          windowStats: { merge: false },
          technicals: { merge: false },
          candles: { merge: false },
          forecast: { merge: mergeForecast },
        },
      },
      Forecast: { keyFields: false },
      ForecastSelection: { merge: true },
    },
  });
}

/**
 * Subscriptions over graphql-transport-ws, signed in through connection_init's payload. A new
 * identity (sign-in, sign-out) replaces the socket, so a live subscription resubscribes as
 * the new user instead of keeping the old one's rights; a refreshed token of the same user
 * keeps it (the server checks the token when the socket signs in), and a reconnect signs in
 * with the token current then.
 */
class SessionWsLink extends ApolloLink {
  private client: WsClient | null = null;
  private identity: string | null = null;

  constructor(
    private readonly url: () => string,
    private readonly session: Session,
  ) {
    super();
  }

  private current(): WsClient {
    const { status, username } = this.session.getSnapshot();
    const identity = `${status}:${username ?? ""}`;
    if (this.client === null || identity !== this.identity) {
      void this.client?.dispose();
      this.identity = identity;
      this.client = createWsClient({
        url: this.url(),
        lazy: true,
        connectionParams: () => this.session.connectionParams(),
        retryAttempts: Infinity,
        shouldRetry: () => true,
        on: {
          closed: (event) => {
            // 4401: the API wants a (valid) token on this socket
            if ((event as CloseEvent | undefined)?.code === 4401) this.session.require();
          },
        },
      });
    }
    return this.client;
  }

  override request(operation: ApolloLink.Operation): Observable<ApolloLink.Result> {
    return new GraphQLWsLink(this.current()).request(operation);
  }
}

function websocketUrl(path: string): string {
  const url = new URL(path, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

/**
 * Requests carry the session's bearer token. A 401 spends the refresh token once and retries;
 * if that fails the session asks the user to sign in (the app shows the form).
 */
function authLinks(session: Session, http: ApolloLink): ApolloLink {
  const withToken = new ApolloLink((operation, forward) => {
    operation.setContext(({ headers = {} }: { headers?: Record<string, string> }) => ({
      headers: { ...headers, ...session.headers() },
    }));
    return forward(operation);
  });
  const onUnauthorized = new ErrorLink(({ error, operation, forward }) => {
    if (!ServerError.is(error) || error.statusCode !== 401) return;
    if (operation.getContext().retriedAfterRefresh) {
      session.require();
      return;
    }
    operation.setContext({ retriedAfterRefresh: true });
    return from(session.refresh()).pipe(
      mergeMap((ok) => {
        if (ok) return forward(operation);
        session.require();
        return throwError(() => error);
      }),
    );
  });
  return ApolloLink.from([onUnauthorized, withToken, http]);
}

export function createClient(uri = "/graphql", session: Session = pageSession): ApolloClient {
  const http = authLinks(session, new HttpLink({ uri }));
  const ws = new SessionWsLink(() => websocketUrl(uri), session);
  const link = ApolloLink.split(
    (operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION,
    ws,
    http,
  );
  return new ApolloClient({ link, cache: createCache() });
}
