import { useId, type ReactNode } from "react";

/**
 * A "More actions" menu for one row, on the Popover API (light dismiss,
 * Escape, focus return). Items are buttons; they close the menu on click.
 */
export function RowMenu({ label, children }: { label: string; children: ReactNode }) {
  const id = `menu-${useId().replace(/:/g, "")}`;
  return (
    <div className="row-menu">
      <button type="button" className="btn btn-ghost" popoverTarget={id} aria-label={label}>
        <span aria-hidden="true">⋯</span>
      </button>
      <div
        id={id}
        popover="auto"
        className="menu row-menu-list"
        role="group"
        aria-label={label}
        onClick={(e) => {
          if ((e.target as HTMLElement).closest("button")) (e.currentTarget as HTMLElement).hidePopover?.();
        }}
      >
        {children}
      </div>
    </div>
  );
}

export function MenuItem({ onClick, danger, children, disabled }: { onClick: () => void; danger?: boolean; children: ReactNode; disabled?: boolean }) {
  return (
    <button type="button" className={danger ? "menu-item menu-item-danger" : "menu-item"} onClick={onClick} disabled={disabled}>
      {children}
    </button>
  );
}
