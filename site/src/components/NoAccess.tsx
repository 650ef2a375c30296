import type { ReactNode } from "react";
import { ButtonLink } from "./Button";
import { EmptyState } from "./EmptyState";

/**
 * What a page says to a user the server would refuse (403/404): a plain
 * statement and who to ask, instead of the server's error.
 */
export function NoAccess({ children, back = { to: "/workspaces", label: "Go to workspaces" } }: { children: ReactNode; back?: { to: string; label: string } }) {
  return (
    <EmptyState title="You do not have access to this page" action={<ButtonLink to={back.to}>{back.label}</ButtonLink>}>
      {children}
    </EmptyState>
  );
}
