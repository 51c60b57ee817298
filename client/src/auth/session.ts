/**
 * The signed-in session, kept in memory only (never localStorage or a cookie: a token in page
 * storage is readable by any script that gets onto the page). A reload signs out.
 *
 * - `signIn` spends a user name and password at the API's OAuth2 token endpoint
 *   (`POST /auth/token`, grant_type=password) for an access token and a refresh token.
 * - The access token is refreshed (grant_type=refresh_token, which also rotates the refresh
 *   token) shortly before it expires, and once more when the API answers 401 anyway.
 * - When the API requires a token and there is none (or it can no longer be refreshed),
 *   `status` becomes "required" and the app shows the sign-in form with the reason.
 *
 * With anonymous access on (the demo), no request is ever refused, so the form never shows.
 */

export type SessionStatus = "anonymous" | "signed-in" | "required";

export interface SessionSnapshot {
  status: SessionStatus;
  username: string | null;
  /** Why the form is shown (expired session, refused token), or null. */
  reason: string | null;
}

interface TokenBody {
  access_token: string;
  expires_in: number;
  refresh_token?: string | null;
}

/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_SECONDS = 30;

/** A refusal of the token endpoint in words a person can act on. */
export class SignInError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "SignInError";
  }
}

async function readJson(response: Response): Promise<Record<string, unknown>> {
  try {
    const body: unknown = await response.json();
    return body && typeof body === "object" ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The message for a refused sign-in: 400/401 wrong credentials, 429 throttled, 503 no keys. */
export async function signInRefusal(response: Response): Promise<SignInError> {
  const body = await readJson(response);
  const detail = typeof body.error_description === "string" ? body.error_description : null;
  if (response.status === 429) {
    const retry = response.headers.get("retry-after");
    return new SignInError(
      `Too many failed sign-ins from this address; try again${retry ? ` in ${retry} s` : " later"}.`,
      429,
    );
  }
  if (response.status === 400 || response.status === 401) {
    return new SignInError(
      body.error === "invalid_grant" ? "Wrong user name or password, or the account is disabled." : (detail ?? "Sign-in refused."),
      response.status,
    );
  }
  if (response.status === 503) {
    return new SignInError(detail ?? "The API cannot sign anyone in right now; try again shortly.", 503);
  }
  return new SignInError(`Sign-in failed: the API answered HTTP ${response.status}.`, response.status);
}

function form(fields: Record<string, string>): URLSearchParams {
  return new URLSearchParams(fields);
}

export class Session {
  private accessToken: string | null = null;
  private refreshToken: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private refreshing: Promise<boolean> | null = null;
  private snapshot: SessionSnapshot = { status: "anonymous", username: null, reason: null };
  private readonly listeners = new Set<() => void>();

  constructor(private readonly base = "") {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SessionSnapshot => this.snapshot;

  private set(patch: Partial<SessionSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }

  /** Headers for a request to the API: the bearer token when signed in. */
  headers(): Record<string, string> {
    return this.accessToken ? { Authorization: `Bearer ${this.accessToken}` } : {};
  }

  /** The payload of a websocket's connection_init (browsers cannot set its headers). */
  connectionParams(): Record<string, string> {
    return this.headers();
  }

  private accept(body: TokenBody, username: string | null): void {
    this.accessToken = body.access_token;
    this.refreshToken = body.refresh_token ?? null;
    if (this.timer !== null) clearTimeout(this.timer);
    const delay = Math.max(5, body.expires_in - REFRESH_MARGIN_SECONDS) * 1000;
    this.timer = this.refreshToken ? setTimeout(() => void this.refresh(), delay) : null;
    this.set({
      status: "signed-in",
      username: username ?? this.snapshot.username,
      reason: null,
    });
  }

  async signIn(username: string, password: string): Promise<void> {
    const response = await fetch(`${this.base}/auth/token`, {
      method: "POST",
      body: form({ grant_type: "password", username, password }),
    });
    if (!response.ok) throw await signInRefusal(response);
    this.accept((await response.json()) as TokenBody, username);
  }

  /** Spend the refresh token for a new pair; false (and the form) when that is impossible. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.spendRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async spendRefresh(): Promise<boolean> {
    const token = this.refreshToken;
    if (token === null) return false;
    try {
      const response = await fetch(`${this.base}/auth/token`, {
        method: "POST",
        body: form({ grant_type: "refresh_token", refresh_token: token }),
      });
      if (response.ok) {
        this.accept((await response.json()) as TokenBody, null);
        return true;
      }
    } catch {
      // the network failed: the access token may still be good; let the next request decide
      return this.accessToken !== null;
    }
    this.require("Your session has expired; sign in again.");
    return false;
  }

  /** The API refused a request for want of a (valid) token: forget it and show the form. */
  require(reason: string | null = null): void {
    const wasSignedIn = this.accessToken !== null;
    this.accessToken = null;
    this.refreshToken = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.set({
      status: "required",
      reason: reason ?? (wasSignedIn ? "Your session has expired; sign in again." : null),
    });
  }

  /** Leave the form without signing in (the API may allow anonymous reading). */
  continueAnonymously(): void {
    this.set({ status: "anonymous", reason: null });
  }

  async signOut(): Promise<void> {
    const token = this.refreshToken;
    this.require(null);
    this.set({ username: null, reason: null });
    if (token !== null) {
      // RFC 7009: the API forgets the refresh token; failure to reach it changes nothing here
      await fetch(`${this.base}/auth/revoke`, { method: "POST", body: form({ token }) }).catch(() => undefined);
    }
  }

  /**
   * `fetch` with the bearer token; on 401 it refreshes once and retries, and if that fails
   * the session asks for sign-in. Used for the API's non-GraphQL routes (chart images).
   */
  async fetch(input: string, init: RequestInit = {}): Promise<Response> {
    const send = () => fetch(input, { ...init, headers: { ...(init.headers as Record<string, string>), ...this.headers() } });
    const first = await send();
    if (first.status !== 401) return first;
    if (await this.refresh()) {
      const second = await send();
      if (second.status !== 401) return second;
    }
    this.require();
    return first;
  }
}

/** The page's one session. */
export const session = new Session();
