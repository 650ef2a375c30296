import { useLocation } from "react-router";
import { EmptyState, PageHeader } from "../components";

/** Stands in for an area whose pages are not built yet. */
export function Component() {
  const { pathname } = useLocation();
  const area = pathname.split("/")[1] ?? "";
  const title = area ? area[0]!.toUpperCase() + area.slice(1) : "Page";
  return (
    <>
      <PageHeader title={title} />
      <EmptyState title="Not built yet">This part of the dashboard is not built yet. The API has it: see /api/v2.</EmptyState>
    </>
  );
}
