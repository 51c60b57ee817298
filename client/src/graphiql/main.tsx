// GraphiQL served from our own origin (the API answers a browser GET /graphql with the
// built graphiql.html), so it works on networks without access to a CDN. No URL
// prefill: Strawberry executes `GET /graphql?query=…` instead of serving this page.
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import "graphiql/style.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

const DEFAULT_QUERY = `# fredpipe GraphQL API. Press Ctrl-Enter (or the play button) to run.
{
  dataVersion
  indicators { id title units frequency lastDate }
}
`;

const fetcher = createGraphiQLFetcher({
  url: new URL("/graphql", window.location.origin).href,
});

const root = document.getElementById("graphiql");
if (!root) throw new Error("graphiql.html has no #graphiql element");

createRoot(root).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} />
  </StrictMode>,
);
