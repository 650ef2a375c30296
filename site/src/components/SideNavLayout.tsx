import { NavLink, Outlet } from "react-router";

/** A section with its own navigation at the side (administration, account settings). */
export function SideNavLayout({ label, items }: { label: string; items: { to: string; label: string; end?: boolean }[] }) {
  return (
    <div className="sidenav-layout">
      <nav aria-label={label} className="sidenav">
        <h2 className="sidenav-title">{label}</h2>
        {items.map((i) => (
          <NavLink key={i.to} to={i.to} end={i.end}>
            {i.label}
          </NavLink>
        ))}
      </nav>
      <div className="sidenav-content">
        <Outlet />
      </div>
    </div>
  );
}
