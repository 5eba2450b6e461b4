/** "Orders" → "order", "Companies" → "company": a table's label for one record, in lower case (English plurals; other labels stay as they are). */
export function singular(label: string): string {
  const l = label.trim();
  const lower = l.toLowerCase();
  if (/[^aeiou]ies$/.test(lower)) return lower.slice(0, -3) + 'y';
  if (/(ss|us|is)$/.test(lower)) return lower;
  if (/(ches|shes|xes|sses)$/.test(lower)) return lower.slice(0, -2);
  if (lower.endsWith('s')) return lower.slice(0, -1);
  return lower;
}
