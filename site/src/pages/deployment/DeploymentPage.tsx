import { useMemo, useState } from "react";
import { useDeploymentConfig, useSwaggerEnabled } from "../../api/deployment";
import type { DeploymentOption } from "../../api/types";
import { Badge, EmptyState, PageHeader, QueryState, Table, TextField } from "../../components";

/** Read-only: every option of the running server, its value and where the value came from. */
export function Component() {
  const config = useDeploymentConfig();
  const swagger = useSwaggerEnabled();
  const [filter, setFilter] = useState("");
  return (
    <>
      <PageHeader
        title="Deployment"
        actions={
          swagger.data && (
            <a className="btn btn-secondary" href="/swagger/" target="_blank" rel="noreferrer">
              API reference (Swagger)
            </a>
          )
        }
      >
        The server's configuration, as it started. Change it with flags, environment variables or the YAML file, then restart.
      </PageHeader>
      <TextField label="Filter options" className="grow" value={filter} onChange={(e) => setFilter(e.target.value)} hint="by name, flag or environment variable" />
      <QueryState query={config} loadingLabel="Loading configuration…">
        {(c) => <OptionGroups options={c.options ?? []} filter={filter} />}
      </QueryState>
    </>
  );
}

const sourceLabels: Record<string, string> = {
  flag: "flag",
  env: "environment",
  yaml: "YAML file",
  default: "default",
  "": "not set",
};

/** Options grouped by their group's name, hidden ones left out. */
export function groupOptions(options: DeploymentOption[], filter: string): [string, DeploymentOption[]][] {
  const f = filter.trim().toLowerCase();
  const groups = new Map<string, DeploymentOption[]>();
  for (const o of options) {
    if (o.hidden) continue;
    if (f && ![o.name, o.flag, o.env, o.yaml, o.description].some((s) => s?.toLowerCase().includes(f))) continue;
    const g = groupName(o);
    groups.set(g, [...(groups.get(g) ?? []), o]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a === "General" ? -1 : b === "General" ? 1 : a.localeCompare(b)));
}

function groupName(o: DeploymentOption): string {
  const names: string[] = [];
  for (let g = o.group; g; g = g.parent) if (g.name) names.unshift(g.name);
  return names.join(" / ") || "General";
}

/** An option's value as text; secrets arrive blanked. */
export function optionValue(o: DeploymentOption): string {
  const v = o.value;
  if (v === undefined || v === null || v === "") return "";
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.join(", ");
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function OptionGroups({ options, filter }: { options: DeploymentOption[]; filter: string }) {
  const groups = useMemo(() => groupOptions(options, filter), [options, filter]);
  if (groups.length === 0) return <EmptyState title={filter ? "No option matches" : "The server reported no options"} />;
  return (
    <div className="stack">
      {groups.map(([group, opts]) => (
        <section key={group} aria-label={group}>
          <h2>{group}</h2>
          <Table caption={`${group} options`}>
            <thead>
              <tr>
                <th scope="col">Option</th>
                <th scope="col">Value</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {opts.map((o) => {
                const secret = !!o.annotations && "secret" in o.annotations;
                const value = optionValue(o);
                return (
                  <tr key={o.name} data-option={o.name}>
                    <td>
                      <strong>{o.name}</strong>
                      <div className="muted small">{o.description}</div>
                      <div className="muted small">
                        {o.flag && <code>--{o.flag}</code>} {o.env && <code>{o.env}</code>}
                      </div>
                    </td>
                    <td className="option-value">{secret ? <span className="muted">hidden (secret)</span> : value || <span className="muted">—</span>}</td>
                    <td>
                      <Badge tone={o.value_source && o.value_source !== "default" ? "info" : "neutral"}>{sourceLabels[o.value_source ?? ""] ?? o.value_source}</Badge>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
        </section>
      ))}
    </div>
  );
}
