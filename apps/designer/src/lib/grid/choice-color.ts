/** The chip style of a select choice: its colour (hex or palette name) as a soft background. */
import { CHOICE_PALETTE } from '@tabula/schema-engine/wire';

/** Background and text colour of each palette name the engine accepts. */
const PALETTE: Record<(typeof CHOICE_PALETTE)[number], [string, string]> = {
  gray: ['#eceef1', '#3c4452'],
  brown: ['#f1e7df', '#6b4530'],
  red: ['#fde4e1', '#9d231a'],
  orange: ['#fde9d7', '#9a4a07'],
  yellow: ['#fbf3cf', '#7a5b00'],
  green: ['#dff3e4', '#1c6b35'],
  teal: ['#d9f2ef', '#11675e'],
  cyan: ['#d9f1f8', '#0d6178'],
  blue: ['#e1ebfd', '#1f4fa8'],
  indigo: ['#e6e6fb', '#3b3aa0'],
  purple: ['#efe4fa', '#6530a0'],
  pink: ['#fbe3ef', '#9c1f5c'],
};

export const PALETTE_NAMES: readonly string[] = CHOICE_PALETTE;

export function paletteHex(name: string): string {
  return PALETTE[name as keyof typeof PALETTE]?.[1] ?? name;
}

export function choiceColor(choices: { value: string; color?: string }[], value: string): string {
  const c = choices.find((x) => x.value === value)?.color;
  if (!c) return '';
  const p = PALETTE[c as keyof typeof PALETTE];
  if (p) return `background:${p[0]};color:${p[1]}`;
  if (/^#[0-9a-f]{6}$/i.test(c)) return `background:${c}26;color:${darken(c)};box-shadow:inset 0 0 0 1px ${c}55`;
  return '';
}

function darken(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  const f = (v: number) => Math.max(0, Math.round(v * 0.55));
  return `rgb(${f(n >> 16)},${f((n >> 8) & 255)},${f(n & 255)})`;
}
