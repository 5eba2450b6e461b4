/** Wire shapes of the v1 API as the designer uses them (see DESIGN.md, HTTP API). */

export interface Choice {
  id?: string;
  value: string;
  color?: string;
}

export interface Field {
  id: string;
  key: string;
  label: string;
  type: string;
  options: Record<string, any>;
  required: boolean;
  unique: boolean;
  default: unknown;
  searchable: boolean;
  position: number;
  primary: boolean;
}

export interface Table {
  id: string;
  key: string;
  label: string;
  primaryField: string | null;
  position: number;
  fields: Field[];
}

export interface RecordT {
  id: string;
  version: number;
  data: Record<string, any>;
  owner: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt?: string;
}

export interface ListResult {
  items: RecordT[];
  total: number | null;
  totalIsEstimate: boolean;
  nextCursor: string | null;
}

export interface User {
  id: string;
  email: string;
  name: string;
  roles: string[];
  groups: string[];
  attributes: Record<string, unknown>;
  active?: boolean;
}

export interface HistoryEvent {
  id: string;
  at: string;
  version: number;
  action: string;
  user: { id: string; name: string | null } | null;
  changes: Record<string, { from: unknown; to: unknown }>;
}

export interface CardSection {
  title: string;
  columns: number;
  fields: string[];
}
export interface CardTab {
  title: string;
  sections: CardSection[];
}
export interface CardLayout {
  tabs: CardTab[];
  subtables?: { field: string }[];
}

export interface TableLayout {
  columns: { field: string; width?: number }[];
}

export interface SavedView {
  id: string;
  name: string;
  filter: unknown;
  sort: string | null;
  columns: { field: string; width?: number }[] | null;
  /** Seen by everyone who may read the table (changed only with `manage settings`), or its author's alone. */
  shared?: boolean;
}

export interface Rule {
  action: string;
  subject: string;
  fields?: string[];
  conditions?: Record<string, unknown>;
  inverted?: boolean;
}

export interface Role {
  id: string;
  name: string;
  rules: Rule[];
  builtin?: boolean;
}

export interface Group {
  id: string;
  name: string;
}
