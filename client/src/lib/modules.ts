/**
 * Code loaded on demand without React.lazy. A lazy component always suspends on its first
 * render, even when its module is already loaded, and React holds back revealing a resolved
 * Suspense boundary for a while (measured here: ~300 ms per boundary on the first chart).
 * A slot loads its module once; once loaded it is handed out synchronously, so a preloaded
 * view or chart renders in the same pass as its data.
 */
import { useEffect, useState } from "react";

export interface ModuleSlot<T> {
  /** Start (or join) loading; resolves with the module's value. */
  load: () => Promise<T>;
  /** The value once loaded, else undefined. */
  current: () => T | undefined;
}

export function moduleSlot<T>(loader: () => Promise<T>): ModuleSlot<T> {
  let value: T | undefined;
  let loading: Promise<T> | null = null;
  return {
    load: () => {
      loading ??= loader().then(
        (loaded) => {
          value = loaded;
          return loaded;
        },
        (error: unknown) => {
          loading = null; // a failed download may be retried by the next render
          throw error;
        },
      );
      return loading;
    },
    current: () => value,
  };
}

/** The slot's value, loading it if needed (undefined meanwhile); a failed load is `error`. */
export function useModule<T>(slot: ModuleSlot<T>): { value: T | undefined; error: unknown } {
  const [, setLoaded] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const value = slot.current();
  useEffect(() => {
    if (value !== undefined) return;
    let live = true;
    slot.load().then(
      () => live && setLoaded((n) => n + 1),
      (reason: unknown) => live && setError(reason),
    );
    return () => {
      live = false;
    };
  }, [slot, value]);
  return { value, error: value === undefined ? error : null };
}
