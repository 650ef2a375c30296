// Workspace names: the server's rule (coderd/httpapi NameValid) and a
// suggestion for the create form.

export const MAX_NAME_LENGTH = 32;
const nameRegex = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;
const reserved = new Set(["me", "new", "create"]);

/** Why name is not a valid workspace (or template) name, or undefined. */
export function nameProblem(name: string): string | undefined {
  if (!name) return "must not be empty";
  if (name.length > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters`;
  if (!nameRegex.test(name)) return 'must be alphanumeric with single hyphens between characters (e.g. "jane-doe")';
  if (reserved.has(name)) return `"${name}" is reserved`;
  return undefined;
}

/** Turns any text into a valid name part: lowercase, hyphens between words. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

const words = ["amber", "brisk", "calm", "deft", "eager", "fern", "gale", "hazel", "iris", "jade", "keen", "lark", "moss", "nova", "oak", "pine", "quill", "reed", "sage", "tide", "umber", "vale", "wren", "yew", "zest"];

/**
 * A free name for a new workspace from the template's name: "<template>",
 * else "<template>-<word>", else with a number, never one of taken, always
 * valid (at most 32 characters). random is injectable for tests.
 */
export function suggestWorkspaceName(templateName: string, taken: Iterable<string> = [], random: () => number = Math.random): string {
  const used = new Set([...taken].map((n) => n.toLowerCase()));
  let base = slugify(templateName) || "workspace";
  const fits = (suffix: string) => {
    const head = base.slice(0, MAX_NAME_LENGTH - suffix.length).replace(/-+$/, "");
    return `${head}${suffix}`;
  };
  if (reserved.has(base)) base = `${base}-workspace`;
  const candidates = [fits("")];
  const start = Math.floor(random() * words.length);
  for (let i = 0; i < words.length; i++) candidates.push(fits(`-${words[(start + i) % words.length]}`));
  for (const c of candidates) if (!used.has(c) && !nameProblem(c)) return c;
  for (let n = 2; ; n++) {
    const c = fits(`-${n}`);
    if (!used.has(c)) return c;
  }
}
