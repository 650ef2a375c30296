import type { ReactNode } from "react";
import { cx } from "./Button";

export type Tone = "neutral" | "success" | "warning" | "danger" | "info" | "progress";

export function Badge({ tone = "neutral", children, className }: { tone?: Tone; children: ReactNode; className?: string }) {
  return <span className={cx("badge", `badge-${tone}`, className)}>{children}</span>;
}
