export { Button, ButtonLink, cx } from "./Button";
export { TextField, Select } from "./TextField";
export { Dialog, ConfirmDialog } from "./Dialog";
export { Table } from "./Table";
export { Badge, type Tone } from "./Badge";
export { EmptyState } from "./EmptyState";
export { ErrorAlert } from "./ErrorAlert";
export { Loading } from "./Loading";
export { PageHeader, QueryState } from "./Page";
