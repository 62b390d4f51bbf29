import { editDistance, nearestNames as rankNames } from '../core/nearest-names';

/**
 * How close an allowed PgBouncer parameter is to a misspelled one: the edit distance
 * when at most max(2, length/3), else just past that limit when one name contains the
 * other (inputs of 5 characters or more), else not close.
 */
function closeness(input: string, candidate: string): number | undefined {
  const limit = Math.max(2, Math.floor(input.length / 3));
  const distance = editDistance(input, candidate);
  if (distance <= limit) return distance;
  const contains = input.length >= 5 && (candidate.includes(input) || input.includes(candidate));
  return contains ? limit + 1 : undefined;
}

/** Up to `max` names of `candidates` close to `name` (case-insensitive), closest first. */
export function nearestNames(name: string, candidates: string[], max = 3): string[] {
  return rankNames(name.toLowerCase(), candidates, { max, closeness });
}
