/**
 * The designer's names for the wire types of the v1 API. The shapes are defined once, in
 * `@tabula/schema-engine/wire`, for the API and the designer alike; here they only get
 * the short names the screens use, and options and record data are read loosely (`any`):
 * the field type's module in field-types/ knows what they hold.
 */
import type {
  CardLayoutSection,
  CardLayoutSpec,
  CardLayoutTab,
  TableLayoutSpec,
  WireField,
  WireGroup,
  WireHistoryEvent,
  WireRecord,
  WireRecordList,
  WireRole,
  WireRule,
  WireTable,
  WireUser,
  WireView,
} from '@tabula/schema-engine/wire';

export type Field = WireField<Record<string, any>>;
export type Table = WireTable<Field>;
export type RecordT = WireRecord<Record<string, any>>;
export type ListResult = WireRecordList<RecordT>;
export type HistoryEvent = WireHistoryEvent;
export type CardSection = CardLayoutSection;
export type CardTab = CardLayoutTab;
export type CardLayout = CardLayoutSpec;
export type TableLayout = TableLayoutSpec;
export type SavedView = WireView;
export type User = WireUser;
export type Rule = WireRule;
export type Role = WireRole;
export type Group = WireGroup;
