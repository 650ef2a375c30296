import { useState } from "react";
import { Button } from "../../components";

/** Copies text to the clipboard and says so (politely, for screen readers). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      // No clipboard (plain http, permissions): the text is on screen to select.
      setState("failed");
    }
  };
  return (
    <>
      <Button onClick={() => void copy()}>{label}</Button>
      <span role="status" className="muted small">
        {state === "copied" ? "Copied." : state === "failed" ? "Could not copy: select the text instead." : ""}
      </span>
    </>
  );
}
