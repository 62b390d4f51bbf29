/** Durations for people: the two largest units, e.g. `1d 3h`, `26h` → `1d 2h`, `9m 5s`, `0s`. */
const UNITS: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];

export function formatAge(msValue: number): string {
  let rest = Math.max(0, Math.round(msValue / 1000) * 1000);
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
    if (parts.length === 2) break;
  }
  const shown = parts.filter((p, i) => i === 0 || !p.startsWith('0'));
  return shown.length === 0 ? '0s' : shown.join(' ');
}
