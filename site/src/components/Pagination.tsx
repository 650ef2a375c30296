import { Button } from "./Button";

/**
 * "Showing 26–50 of 120", Previous / Next. A count at the server's cap
 * (countCap) means "this many or more".
 */
export function Pagination({
  page,
  pageSize,
  count,
  shown,
  countCap,
  onPage,
  label = "Pagination",
}: {
  page: number;
  pageSize: number;
  count: number;
  shown: number;
  countCap?: number;
  onPage: (p: number) => void;
  label?: string;
}) {
  const first = shown === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = (page - 1) * pageSize + shown;
  const capped = !!countCap && count >= countCap;
  const pages = Math.max(1, Math.ceil(count / pageSize));
  const hasNext = capped ? shown === pageSize : page < pages;
  return (
    <nav className="pagination" aria-label={label}>
      <span>
        Showing {first}–{last} of {capped ? `${count}+` : count}
      </span>
      <Button disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </Button>
      <span aria-current="page">{capped ? `Page ${page}` : `Page ${page} of ${pages}`}</span>
      <Button disabled={!hasNext} onClick={() => onPage(page + 1)}>
        Next
      </Button>
    </nav>
  );
}

/** The 1-based page number in the URL (?page=), and a setter that keeps other params. */
export function pageFromParams(params: URLSearchParams): number {
  return Math.max(1, Math.floor(Number(params.get("page"))) || 1);
}
