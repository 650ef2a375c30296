/** Where to go after signing in: the page that sent us, if it is ours. */
export function safeRedirect(param: string | null): string {
  if (param && param.startsWith("/") && !param.startsWith("//") && !param.startsWith("/\\")) return param;
  return "/workspaces";
}
