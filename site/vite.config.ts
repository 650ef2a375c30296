import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The server (make run) listens on :3000 by default; `npm run dev` proxies the
// API there so the dev server is same-origin like the embedded build.
const apiTarget = process.env.DEVPLANE_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [react()],
  build: {
    // Embedded by site.go (go:embed all:out).
    outDir: "out/dist",
    emptyOutDir: true,
    // scripts/bundle-size.mjs reads it to measure the initial JavaScript.
    manifest: true,
    sourcemap: false,
    target: "es2022",
  },
  server: {
    proxy: {
      "/api": { target: apiTarget, changeOrigin: false, ws: true },
      "/swagger": { target: apiTarget },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/testing/setup.ts"],
    // Above the 5 s that findBy*/waitFor may wait (src/testing/setup.ts),
    // so a test that times out says what it was waiting for.
    testTimeout: 15_000,
  },
});
