import { useState } from "react";
import { useParams } from "react-router";
import { Badge } from "../../components";
import type { Template } from "../../api/types";

/**
 * A template's (or example's) icon. Icons are same-origin paths or data:
 * URLs (the dashboard loads nothing from elsewhere); one that does not load
 * falls back to the name's first letter. Decorative: the name is beside it.
 */
export function TemplateIcon({ icon, name }: { icon?: string; name: string }) {
  const [failed, setFailed] = useState(false);
  const usable = !!icon && !failed && (icon.startsWith("/") || icon.startsWith("data:"));
  if (!usable) {
    return (
      <span className="template-icon-fallback" aria-hidden="true">
        {name.slice(0, 1).toUpperCase()}
      </span>
    );
  }
  return <img className="template-icon" src={icon} alt="" onError={() => setFailed(true)} />;
}

export function templateTitle(t: Template | undefined): string {
  return t?.display_name || t?.name || "";
}

export function templatePath(t: { organization_name?: string; name?: string }): string {
  return `/templates/${t.organization_name}/${t.name}`;
}

/** The :organization and :template of the URL. */
export function useTemplateParams(): { org: string; name: string } {
  const p = useParams();
  return { org: p.organization ?? "", name: p.template ?? "" };
}

export function DeprecatedBadge({ t }: { t: Template }) {
  return t.deprecated ? <Badge tone="warning">Deprecated</Badge> : null;
}

export function jobTone(status: string | undefined) {
  switch (status) {
    case "succeeded":
      return "success" as const;
    case "failed":
      return "danger" as const;
    case "pending":
    case "running":
    case "canceling":
      return "progress" as const;
    default:
      return "neutral" as const;
  }
}
