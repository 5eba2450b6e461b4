/**
 * The grid's keyboard, as data: a key press → what it means. Arrows move (Shift extends
 * the selection), Tab moves right, Enter or F2 edits, typing starts editing with that
 * character, Delete clears, Ctrl+Z undoes, Shift+Enter (or Ctrl+Enter) opens the card.
 */
export type KeyAction =
  | { type: 'move'; row: number | 'first' | 'last'; col: number | 'first' | 'last'; extend: boolean }
  | { type: 'tab'; back: boolean }
  | { type: 'edit'; text?: string }
  | { type: 'open' }
  | { type: 'clear' }
  | { type: 'undo' }
  | { type: 'escape' }
  | { type: 'selectAll' };

export function keyAction(e: KeyboardEvent, page: number): KeyAction | null {
  const mod = e.ctrlKey || e.metaKey;
  const ext = e.shiftKey;
  switch (e.key) {
    case 'ArrowUp':
      return { type: 'move', row: mod ? 'first' : -1, col: 0, extend: ext };
    case 'ArrowDown':
      return { type: 'move', row: mod ? 'last' : 1, col: 0, extend: ext };
    case 'ArrowLeft':
      return { type: 'move', row: 0, col: mod ? 'first' : -1, extend: ext };
    case 'ArrowRight':
      return { type: 'move', row: 0, col: mod ? 'last' : 1, extend: ext };
    case 'PageUp':
      return { type: 'move', row: -page, col: 0, extend: ext };
    case 'PageDown':
      return { type: 'move', row: page, col: 0, extend: ext };
    case 'Home':
      return mod ? { type: 'move', row: 'first', col: 'first', extend: ext } : { type: 'move', row: 0, col: 'first', extend: ext };
    case 'End':
      return mod ? { type: 'move', row: 'last', col: 'last', extend: ext } : { type: 'move', row: 0, col: 'last', extend: ext };
    case 'Tab':
      return { type: 'tab', back: e.shiftKey };
    case 'Enter':
      return mod || e.shiftKey ? { type: 'open' } : { type: 'edit' };
    case 'F2':
      return { type: 'edit' };
    case 'Delete':
    case 'Backspace':
      return { type: 'clear' };
    case 'Escape':
      return { type: 'escape' };
  }
  if (mod && !e.altKey && (e.key === 'z' || e.key === 'Z') && !e.shiftKey) return { type: 'undo' };
  if (mod && (e.key === 'a' || e.key === 'A')) return { type: 'selectAll' };
  if (e.key === ' ' && !mod) return { type: 'edit' };
  if (e.key.length === 1 && !mod && !e.altKey) return { type: 'edit', text: e.key };
  return null;
}
