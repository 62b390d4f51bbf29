/** Levenshtein distance, for "did you mean" suggestions over short lists of names. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** Up to `max` names of `candidates` close to `name` (distance ≤ max(2, length/3), or sharing a word run), closest first. */
export function nearestNames(name: string, candidates: string[], max = 3): string[] {
  const input = name.toLowerCase();
  const limit = Math.max(2, Math.floor(input.length / 3));
  return candidates
    .map((c) => {
      const d = editDistance(input, c);
      const contains = input.length >= 5 && (c.includes(input) || input.includes(c));
      return { c, score: d <= limit ? d : contains ? limit + 1 : undefined };
    })
    .filter((x): x is { c: string; score: number } => x.score !== undefined)
    .sort((x, y) => x.score - y.score || x.c.localeCompare(y.c))
    .slice(0, max)
    .map((x) => x.c);
}
