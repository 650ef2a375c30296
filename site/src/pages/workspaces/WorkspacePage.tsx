import { useParams } from "react-router";
import { PageHeader } from "../../components";

export function Component() {
  const { workspace } = useParams();
  return <PageHeader title={workspace ?? "Workspace"} />;
}
