import { PageHeader } from "../../components";

export function Component() {
  return <PageHeader title="Workspaces" />;
}
