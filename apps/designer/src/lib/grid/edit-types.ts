/** What a cell editor hands back: typed text (read by the field type) or a picked value. */
export type Move = 'down' | 'right' | 'left' | 'none';
export type EditResult = { text: string } | { value: unknown };
