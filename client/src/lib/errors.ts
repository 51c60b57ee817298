/**
 * Turns whatever Apollo hands us into a message a person can act on. The API reports
 * expected failures as GraphQL errors with `extensions.code` (NOT_FOUND, BAD_USER_INPUT)
 * and masks the rest as INTERNAL_SERVER_ERROR with a `requestId` worth quoting.
 */
import { CombinedGraphQLErrors, ServerError, ServerParseError } from "@apollo/client";

export interface ReadableError {
  title: string;
  message: string;
  code: string | null;
  requestId: string | null;
}

const TITLES: Record<string, string> = {
  NOT_FOUND: "Not found",
  BAD_USER_INPUT: "Invalid request",
  INTERNAL_SERVER_ERROR: "Server error",
  UNAUTHENTICATED: "Not signed in",
  FORBIDDEN: "Not allowed",
};

/** GraphQL errors carried in a non-2xx HTTP body (servers differ on status codes). */
function errorsInBody(bodyText: string): CombinedGraphQLErrors | null {
  try {
    const body: unknown = JSON.parse(bodyText);
    if (body && typeof body === "object" && Array.isArray((body as { errors?: unknown }).errors)) {
      const errors = (body as { errors: unknown[] }).errors.filter(
        (e): e is { message: string } => !!e && typeof (e as { message?: unknown }).message === "string",
      );
      if (errors.length > 0) return new CombinedGraphQLErrors({ data: null, errors });
    }
  } catch {
    // not JSON: fall through to the HTTP description
  }
  return null;
}

function stringField(record: Record<string, unknown> | undefined, key: string): string | null {
  const value = record?.[key];
  return typeof value === "string" && value !== "" ? value : null;
}

export function describeError(error: unknown): ReadableError {
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const code = stringField(first?.extensions, "code");
    const messages = [...new Set(error.errors.map((e) => e.message).filter(Boolean))];
    return {
      title: (code && TITLES[code]) ?? "Request failed",
      message: messages.join("\n") || "The API returned an error without a message.",
      code,
      requestId: stringField(first?.extensions, "requestId") ?? stringField(first?.extensions, "request_id"),
    };
  }
  if (ServerError.is(error)) {
    const requestId = error.response.headers.get("x-request-id");
    if (error.statusCode === 429) {
      const retry = error.response.headers.get("retry-after");
      return {
        title: "Too many requests",
        message: `The API limits how often one user may ask; try again${retry ? ` in ${retry} s` : " shortly"}.`,
        code: "RATE_LIMITED",
        requestId,
      };
    }
    if (error.statusCode === 401 || error.statusCode === 403) {
      return {
        title: error.statusCode === 401 ? TITLES.UNAUTHENTICATED! : TITLES.FORBIDDEN!,
        message:
          error.statusCode === 401
            ? "The API wants you to sign in."
            : "Your account may not read this; ask an administrator for a role that can.",
        code: error.statusCode === 401 ? "UNAUTHENTICATED" : "FORBIDDEN",
        requestId,
      };
    }
    const embedded = errorsInBody(error.bodyText);
    if (embedded) return describeError(embedded);
    return {
      title: `API responded with HTTP ${error.statusCode}`,
      message:
        error.statusCode >= 500
          ? "The API is unavailable or failed; try again shortly."
          : "The API rejected the request.",
      code: null,
      requestId,
    };
  }
  if (ServerParseError.is(error)) {
    return {
      title: "Unexpected response",
      message: "The API answered with something that is not GraphQL JSON.",
      code: null,
      requestId: null,
    };
  }
  if (error instanceof TypeError) {
    return {
      title: "Cannot reach the API",
      message: `The request to /graphql did not complete (${error.message}).`,
      code: null,
      requestId: null,
    };
  }
  if (error instanceof Error) {
    return { title: "Something went wrong", message: error.message, code: null, requestId: null };
  }
  return { title: "Something went wrong", message: String(error), code: null, requestId: null };
}
