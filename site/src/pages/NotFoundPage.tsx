import { ButtonLink, EmptyState, PageHeader } from "../components";

export function Component() {
  return (
    <>
      <PageHeader title="Page not found" />
      <EmptyState title="There is nothing at this address" action={<ButtonLink to="/workspaces">Go to workspaces</ButtonLink>}>
        The link may be mistyped, or what it pointed to was deleted.
      </EmptyState>
    </>
  );
}
