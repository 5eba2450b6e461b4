/** Attachments: `[{id,name,size,type}]`, uploaded on the card. */
import { base } from './field-type';

export function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export const attachment = base({
  type: 'attachment',
  label: 'Attachments',
  icon: 'clip',
  group: 'Other',
  description: 'Files: documents, pictures',
  hasDefault: false,
  editor: 'attachment',
  core: false,
  defaultOptions: () => ({}),
  format: (v) => (Array.isArray(v) ? v.map((a: { name: string }) => a.name).join(', ') : ''),
  toText: (v) => (Array.isArray(v) ? v.map((a: { name: string }) => a.name).join(', ') : ''),
  parse: () => ({ error: 'upload files on the card' }),
});
