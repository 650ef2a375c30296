import { Outlet, useLocation } from "react-router";
import { ErrorAlert, Loading, NoAccess, PageHeader, SideNavLayout } from "../../components";
import { adminEntries, adminPageFor, mayOpen, usePermissions } from "../../api/permissions";

/**
 * Administration: users, groups, organizations, audit, activity, deployment,
 * health. The side nav lists only the pages the server lets this user use;
 * any other page's URL shows NoAccess instead of the server's refusal.
 */
export function Component() {
  const perms = usePermissions();
  const { pathname } = useLocation();
  const entries = adminEntries(perms.data);
  const page = adminPageFor(pathname);
  let content;
  if (perms.isPending) content = <Loading label="Checking your access…" />;
  else if (perms.isError) content = <ErrorAlert error={perms.error} onRetry={() => void perms.refetch()} />;
  else if (page && !mayOpen(pathname, perms.data)) {
    content = (
      <div className="stack">
        <PageHeader title={page.label} />
        <NoAccess>The {page.label} page needs a permission your roles do not grant. Ask an owner of this deployment if you need it.</NoAccess>
      </div>
    );
  } else content = <Outlet />;
  // No side nav while unknown, nor an empty one for someone with no administration page.
  if (!perms.isSuccess || entries.length === 0) return content;
  return (
    <SideNavLayout label="Administration" items={entries.map(({ to, label }) => ({ to, label }))}>
      {content}
    </SideNavLayout>
  );
}
