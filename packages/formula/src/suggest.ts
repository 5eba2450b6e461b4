/** "Did you mean …?" for an unknown name: the closest candidate within two edits. */
export function suggest(name: string, candidates: Iterable<string>): string {
  const target = name.toLowerCase();
  let best: string | null = null;
  let bestDistance = 3;
  for (const c of candidates) {
    if (Math.abs(c.length - target.length) >= bestDistance) continue;
    const d = distance(target, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best === null ? '' : ` (did you mean ${best}?)`;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
