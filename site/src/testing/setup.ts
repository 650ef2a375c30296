import { afterEach } from "vitest";
import { cleanup, configure } from "@testing-library/react";

// findBy*/waitFor give up after 1 s by default. A file's first render
// (cold JIT, jsdom, React Query's first fetch and the router) took up to
// 0.55 s of that on a loaded 2-core machine, so a slower or busier run
// would fail for time, not for behaviour. They still return as soon as
// the condition holds; vite.config.ts gives each test room above this.
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => cleanup());
