import { CombinedGraphQLErrors, ServerError, ServerParseError } from "@apollo/client";
import { describe, expect, it } from "vitest";
import { describeError } from "./errors";

describe("describeError", () => {
  it("names a NOT_FOUND error and keeps the API's message", () => {
    const error = new CombinedGraphQLErrors({
      data: null,
      errors: [{ message: "Unknown indicator id: NOPE", extensions: { code: "NOT_FOUND" } }],
    });
    expect(describeError(error)).toEqual({
      title: "Not found",
      message: "Unknown indicator id: NOPE",
      code: "NOT_FOUND",
      requestId: null,
    });
  });

  it("surfaces the request id of a masked server error", () => {
    const error = new CombinedGraphQLErrors({
      data: null,
      errors: [
        {
          message: "Unexpected error.",
          extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "req-42" },
        },
      ],
    });
    const readable = describeError(error);
    expect(readable.title).toBe("Server error");
    expect(readable.requestId).toBe("req-42");
  });

  it("joins distinct messages and tolerates unknown codes", () => {
    const error = new CombinedGraphQLErrors({
      data: null,
      errors: [
        { message: "a", extensions: { code: "SOMETHING_NEW" } },
        { message: "a" },
        { message: "b" },
      ],
    });
    const readable = describeError(error);
    expect(readable.title).toBe("Request failed");
    expect(readable.message).toBe("a\nb");
  });

  it("describes HTTP failures by status", () => {
    const response = new Response("bad gateway", { status: 502, headers: { "x-request-id": "r-1" } });
    const readable = describeError(new ServerError("bad", { response, bodyText: "bad gateway" }));
    expect(readable.title).toBe("API responded with HTTP 502");
    expect(readable.requestId).toBe("r-1");
  });

  it("says when to retry a rate-limited request, and what a 401 or 403 means", () => {
    const bodyText = JSON.stringify({ code: "RATE_LIMITED", message: "rate limit exceeded" });
    const limited = new Response(bodyText, { status: 429, headers: { "retry-after": "7" } });
    expect(describeError(new ServerError("429", { response: limited, bodyText }))).toMatchObject({
      title: "Too many requests",
      message: "The API limits how often one user may ask; try again in 7 s.",
      code: "RATE_LIMITED",
    });
    const forbidden = new Response("{}", { status: 403 });
    expect(describeError(new ServerError("403", { response: forbidden, bodyText: "{}" }))).toMatchObject({
      title: "Not allowed",
      code: "FORBIDDEN",
    });
    const unauthenticated = new Response("{}", { status: 401 });
    expect(describeError(new ServerError("401", { response: unauthenticated, bodyText: "{}" })).title).toBe("Not signed in");
  });

  it("reads GraphQL errors out of a non-2xx body", () => {
    const bodyText = JSON.stringify({
      errors: [{ message: "start is after end", extensions: { code: "BAD_USER_INPUT" } }],
    });
    const response = new Response(bodyText, { status: 400 });
    const readable = describeError(new ServerError("bad", { response, bodyText }));
    expect(readable).toMatchObject({ title: "Invalid request", code: "BAD_USER_INPUT", message: "start is after end" });
  });

  it("describes non-JSON answers", () => {
    const response = new Response("<html>", { status: 200 });
    const error = new ServerParseError(new SyntaxError("Unexpected token <"), { response, bodyText: "<html>" });
    expect(describeError(error).title).toBe("Unexpected response");
  });

  it("describes network failures and arbitrary throwables", () => {
    expect(describeError(new TypeError("Failed to fetch")).title).toBe("Cannot reach the API");
    expect(describeError(new Error("boom")).message).toBe("boom");
    expect(describeError("weird").message).toBe("weird");
  });
});
