import { afterEach, describe, expect, it, vi } from "vitest";
import { createElement, type ReactNode } from "react";
import { act, renderHook, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useUpdateAppearance } from "./users";
import { appearanceRequest } from "../pages/settings/AppearancePage";

afterEach(() => vi.unstubAllGlobals());

describe("useUpdateAppearance", () => {
  it("saves quick choices one at a time, in the order chosen", async () => {
    // Each PUT answers only when the test says so, as a slow server would.
    const answers: (() => void)[] = [];
    const sent: string[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn((_url: string, init?: RequestInit) => {
        sent.push(JSON.parse(String(init?.body)).theme_preference);
        return new Promise<Response>((resolve) => {
          answers.push(() => resolve(new Response("{}", { headers: { "Content-Type": "application/json" } })));
        });
      }),
    );
    const qc = new QueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => createElement(QueryClientProvider, { client: qc }, children);
    const { result } = renderHook(() => useUpdateAppearance("me"), { wrapper });

    act(() => result.current.mutate(appearanceRequest("light")));
    act(() => result.current.mutate(appearanceRequest("dark")));
    await waitFor(() => expect(sent).toEqual(["light"]));
    // The second waits for the first's answer, so the server gets them in order.
    await act(async () => answers[0]!());
    await waitFor(() => expect(sent).toEqual(["light", "dark"]));
    await act(async () => answers[1]!());
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
  });
});
