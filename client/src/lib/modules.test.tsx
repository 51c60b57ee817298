import { render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { moduleSlot, useModule, type ModuleSlot } from "./modules";

function Show({ slot }: { slot: ModuleSlot<string> }) {
  const { value, error } = useModule(slot);
  return <p>{value ?? (error ? `failed: ${(error as Error).message}` : "loading")}</p>;
}

describe("moduleSlot", () => {
  it("loads once, then hands the value out synchronously", async () => {
    const loader = vi.fn(async () => "chart code");
    const slot = moduleSlot(loader);
    expect(slot.current()).toBeUndefined();
    await Promise.all([slot.load(), slot.load()]);
    expect(loader).toHaveBeenCalledTimes(1);
    expect(slot.current()).toBe("chart code");
    // already loaded: the first render shows it, no loading state in between
    render(<Show slot={slot} />);
    expect(screen.getByText("chart code")).toBeInTheDocument();
  });

  it("renders a placeholder until the code arrives", async () => {
    let resolve: (value: string) => void = () => undefined;
    const slot = moduleSlot(() => new Promise<string>((r) => (resolve = r)));
    render(<Show slot={slot} />);
    expect(screen.getByText("loading")).toBeInTheDocument();
    resolve("view code");
    expect(await screen.findByText("view code")).toBeInTheDocument();
  });

  it("reports a failed download and tries again on the next load", async () => {
    const loader = vi.fn().mockRejectedValueOnce(new Error("chunk 404")).mockResolvedValueOnce("second try");
    const slot = moduleSlot<string>(loader);
    render(<Show slot={slot} />);
    expect(await screen.findByText("failed: chunk 404")).toBeInTheDocument();
    await expect(slot.load()).resolves.toBe("second try");
    expect(loader).toHaveBeenCalledTimes(2);
  });
});
