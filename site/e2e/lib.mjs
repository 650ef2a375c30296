// What journeys share: screenshots of each page and the axe-core scan.
import { mkdirSync } from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";

export class Checks {
  constructor(screenshotDir) {
    this.dir = screenshotDir;
    this.axeFailures = [];
    this.scanned = [];
    mkdirSync(screenshotDir, { recursive: true });
  }

  /** Screenshot and scan the page as it is now, under a short name. */
  async page(page, name) {
    await page.screenshot({ path: path.join(this.dir, `${name}.png`), fullPage: true });
    // A terminal's rows are the program's own output in its own colours,
    // not the dashboard's markup.
    const results = await new AxeBuilder({ page }).exclude(".xterm-rows").analyze();
    const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    this.scanned.push(name);
    for (const v of bad) {
      const targets = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ");
      this.axeFailures.push(`${name}: ${v.impact} ${v.id} (${v.help}) at ${targets}`);
    }
    if (bad.length) throw new Error(`axe: ${bad.length} serious/critical violation(s) on ${name}:\n  ${this.axeFailures.slice(-bad.length).join("\n  ")}`);
  }
}

export function expect(cond, message) {
  if (!cond) throw new Error(message);
}
