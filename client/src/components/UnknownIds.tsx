/** An id in the URL that the catalog does not hold: said plainly, never swapped silently. */
export function UnknownIds({ ids }: { ids: readonly string[] }) {
  const list = ids.join(", ");
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">
        Unknown indicator{ids.length === 1 ? "" : "s"}: {list}
      </p>
      <p className="notice-message">
        The API serves no series with {ids.length === 1 ? "this id" : "these ids"}. Pick one from the list above, or
        ingest it with <code>fredpipe ingest {ids[0]}</code>.
      </p>
    </div>
  );
}
