import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Session, SignInError } from "./session";

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** A stand-in for the API's token endpoint and one data route, answering from a script. */
function fakeApi(answers: Record<string, Answer[]>) {
  const calls: { url: string; body: string | null; auth: string | null }[] = [];
  const fetchMock = vi.fn(async (url: string, init: RequestInit = {}) => {
    const headers = (init.headers ?? {}) as Record<string, string>;
    calls.push({ url, body: init.body ? String(init.body) : null, auth: headers.Authorization ?? null });
    const queue = answers[url];
    const answer = queue?.shift();
    if (!answer) throw new Error(`unexpected request to ${url}`);
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: answer.headers,
    });
  });
  vi.stubGlobal("fetch", fetchMock);
  return calls;
}

const pair = (access: string, refresh: string, expiresIn = 900) => ({
  status: 200,
  body: { access_token: access, token_type: "bearer", expires_in: expiresIn, refresh_token: refresh },
});

describe("Session", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("signs in with the password grant and sends the token, kept in memory only", async () => {
    const calls = fakeApi({ "/auth/token": [pair("a1", "r1")] });
    const session = new Session();
    await session.signIn("ana", "secret");
    expect(calls[0]?.body).toBe("grant_type=password&username=ana&password=secret");
    expect(session.getSnapshot()).toMatchObject({ status: "signed-in", username: "ana" });
    expect(session.headers()).toEqual({ Authorization: "Bearer a1" });
    expect(session.connectionParams()).toEqual({ Authorization: "Bearer a1" });
    expect(window.localStorage.length).toBe(0);
    expect(document.cookie).toBe("");
  });

  it("explains a wrong password, a throttled address and a server without keys", async () => {
    fakeApi({
      "/auth/token": [
        { status: 400, body: { error: "invalid_grant", error_description: "wrong user name or password" } },
        { status: 429, body: { error: "invalid_request" }, headers: { "Retry-After": "42" } },
        { status: 503, body: { error: "temporarily_unavailable", error_description: "this server issues no tokens" } },
      ],
    });
    const session = new Session();
    await expect(session.signIn("ana", "nope")).rejects.toThrow("Wrong user name or password, or the account is disabled.");
    const throttled = await session.signIn("ana", "nope").catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(SignInError);
    expect((throttled as SignInError).message).toBe("Too many failed sign-ins from this address; try again in 42 s.");
    await expect(session.signIn("ana", "x")).rejects.toThrow("this server issues no tokens");
    expect(session.getSnapshot().status).toBe("anonymous");
  });

  it("refreshes the access token before it expires, rotating the refresh token", async () => {
    const calls = fakeApi({ "/auth/token": [pair("a1", "r1", 300), pair("a2", "r2", 300)] });
    const session = new Session();
    await session.signIn("ana", "secret");
    await vi.advanceTimersByTimeAsync(269_000);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls[1]?.body).toBe("grant_type=refresh_token&refresh_token=r1");
    expect(session.headers()).toEqual({ Authorization: "Bearer a2" });
  });

  it("asks for sign-in again when the refresh token is refused", async () => {
    fakeApi({ "/auth/token": [pair("a1", "r1", 60), { status: 400, body: { error: "invalid_grant" } }] });
    const session = new Session();
    await session.signIn("ana", "secret");
    expect(await session.refresh()).toBe(false);
    expect(session.getSnapshot()).toMatchObject({ status: "required", reason: "Your session has expired; sign in again." });
    expect(session.headers()).toEqual({});
  });

  it("retries a refused request once after a refresh", async () => {
    const calls = fakeApi({
      "/auth/token": [pair("a1", "r1"), pair("a2", "r2")],
      "/api/v1/charts/DGS10.png": [{ status: 401, body: {} }, { status: 200, body: "png" }],
    });
    const session = new Session();
    await session.signIn("ana", "secret");
    const response = await session.fetch("/api/v1/charts/DGS10.png");
    expect(response.status).toBe(200);
    expect(calls.map((c) => [c.url, c.auth])).toEqual([
      ["/auth/token", null],
      ["/api/v1/charts/DGS10.png", "Bearer a1"],
      ["/auth/token", null],
      ["/api/v1/charts/DGS10.png", "Bearer a2"],
    ]);
  });

  it("signs out by revoking the refresh token", async () => {
    const calls = fakeApi({ "/auth/token": [pair("a1", "r1")], "/auth/revoke": [{ status: 200, body: {} }] });
    const session = new Session();
    await session.signIn("ana", "secret");
    await session.signOut();
    expect(calls[1]).toMatchObject({ url: "/auth/revoke", body: "token=r1" });
    expect(session.getSnapshot()).toMatchObject({ status: "required", username: null, reason: null });
  });
});
