import { useState, type FormEvent } from "react";
import { session, SignInError } from "./session";

/** Shown when the API requires a token: user name and password, refusals in words. */
export function SignInForm({ reason }: { reason: string | null }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await session.signIn(username, password);
    } catch (error) {
      setProblem(
        error instanceof SignInError
          ? error.message
          : `The API could not be reached (${error instanceof Error ? error.message : String(error)}).`,
      );
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <form className="sign-in-card" onSubmit={(event) => void submit(event)} aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">Sign in</h2>
        <p className="muted">This API requires an account. Ask an administrator for one (fredpipe users add).</p>
        {reason ? (
          <p className="notice notice-warning" role="status">
            {reason}
          </p>
        ) : null}
        <label className="field">
          <span className="field-label">User name</span>
          <input
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {problem ? (
          <p className="notice notice-error" role="alert">
            {problem}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        {reason === null ? (
          // after signing out: the API may still allow anonymous reading (the demo does)
          <button type="button" onClick={() => session.continueAnonymously()}>
            Continue without signing in
          </button>
        ) : null}
      </form>
    </main>
  );
}
