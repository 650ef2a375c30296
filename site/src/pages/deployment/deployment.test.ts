import { describe, expect, it } from "vitest";
import { groupOptions, optionValue } from "./DeploymentPage";

describe("groupOptions", () => {
  const net = { name: "Networking" };
  const opts = [
    { name: "Access URL", flag: "access-url", env: "CODER_ACCESS_URL", group: net, value: "http://x" },
    { name: "TLS Enable", flag: "tls-enable", group: { name: "TLS", parent: net }, value: false },
    { name: "Verbose", flag: "verbose", value: true },
    { name: "Secret thing", hidden: true },
  ];
  it("groups by the group path, General first, hidden options left out", () => {
    expect(groupOptions(opts, "").map(([g, o]) => [g, o.map((x) => x.name)])).toEqual([
      ["General", ["Verbose"]],
      ["Networking", ["Access URL"]],
      ["Networking / TLS", ["TLS Enable"]],
    ]);
  });
  it("filters by name, flag or environment variable", () => {
    expect(groupOptions(opts, "coder_access").map(([g]) => g)).toEqual(["Networking"]);
    expect(groupOptions(opts, "nothing")).toEqual([]);
  });
});

describe("optionValue", () => {
  it("shows values as text", () => {
    expect(optionValue({ value: ["a", "b"] })).toBe("a, b");
    expect(optionValue({ value: false })).toBe("false");
    expect(optionValue({ value: 0 })).toBe("0");
    expect(optionValue({ value: "" })).toBe("");
    expect(optionValue({ value: { a: 1 } })).toBe('{"a":1}');
  });
});
