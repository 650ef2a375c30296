// Prints the initial JavaScript of the build, gzipped: the entry chunk and
// every chunk it imports statically (what a first visit downloads before
// the page runs). Fails above the budget (issue #17: 250 KB). Lazy route
// chunks are listed apart. Run by `npm run build`.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { fileURLToPath } from "node:url";

const BUDGET = 250 * 1024;
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../out/dist");
const manifest = JSON.parse(readFileSync(path.join(dist, ".vite/manifest.json"), "utf8"));

const gz = (file) => gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;
const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
const initial = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const imp of chunk.imports ?? []) visit(imp);
};
visit(entryKey);

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let total = 0;
for (const f of initial) total += gz(f);
const lazy = Object.values(manifest).filter((c) => c.file.endsWith(".js") && !initial.has(c.file));
console.log(`initial JavaScript: ${kb(total)} gzipped in ${initial.size} file(s) (budget ${kb(BUDGET)})`);
for (const c of lazy) console.log(`  lazy ${c.file}: ${kb(gz(c.file))} gzipped`);
if (total > BUDGET) {
  console.error(`bundle-size: initial JavaScript ${kb(total)} is over the ${kb(BUDGET)} budget`);
  process.exit(1);
}
