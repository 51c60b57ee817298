import { describeError } from "../lib/errors";

interface Props {
  error: unknown;
  context: string;
}

export function ErrorNotice({ error, context }: Props) {
  const readable = describeError(error);
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">
        {context}: {readable.title}
        {readable.code ? <code className="error-code">{readable.code}</code> : null}
      </p>
      <p className="notice-message">{readable.message}</p>
      {readable.requestId ? (
        <p className="notice-meta">
          Request id: <code>{readable.requestId}</code>
        </p>
      ) : null}
    </div>
  );
}
