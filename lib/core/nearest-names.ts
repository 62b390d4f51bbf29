/**
 * "Did you mean …?" suggestions: which names of a known list are close to a
 * misspelled one. Shared by the PostgreSQL parameter checks and the PgBouncer
 * parameter checks.
 */

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  let before = new Array<number>(b.length + 1).fill(0); // row i - 2
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j); // row i - 1
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2] + 1);
      current[j] = best;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length];
}

const WORDS = new Map<string, string[]>();

/** The words of a name (memoized: candidate lists are split again for every suggestion). */
function wordsOf(name: string): string[] {
  let words = WORDS.get(name);
  if (!words) {
    words = name.split(/[_.\s-]+/).filter((w) => w.length > 0);
    WORDS.set(name, words);
  }
  return words;
}

/** Whether two words of a name are the same word, give or take a plural or a typo. */
function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length >= 4 && b.length >= 4 && Math.abs(a.length - b.length) <= 1 && editDistance(a, b) <= 1) return true;
  // "conn" ~ "connections", "param" ~ "parameters"
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 4 && long.startsWith(short);
}

/**
 * How close `candidate` is to `input` (both lower-case): lower is closer,
 * `undefined` when it is not a reasonable suggestion. Close means an edit
 * distance of at most max(2, length/3); failing that, the input spelling a whole
 * word run of the candidate, or the two sharing all words but one.
 */
export function nameCloseness(input: string, candidate: string): number | undefined {
  const limit = Math.max(2, Math.floor(input.length / 3));
  // The length difference is a lower bound of the distance: skip the work when it is too far.
  const lengthGap = Math.abs(input.length - candidate.length);
  const distance = lengthGap <= limit ? editDistance(input, candidate) : lengthGap;
  if (distance <= limit) return distance;

  // The input spells a whole word run of the candidate: "connections" → "max_connections".
  if (input.length >= 6 && `_${candidate}_`.includes(`_${input}_`)) {
    return limit + 1 + (candidate.length - input.length) / 100;
  }

  // Shared words: all but one word of the input (at least two) appear in the
  // candidate, e.g. "wal_keep_segments" → "wal_keep_size".
  const inputWords = wordsOf(input);
  const candidateWords = wordsOf(candidate);
  if (inputWords.length < 2) return undefined;
  const unused = [...candidateWords];
  let matched = 0;
  for (const word of inputWords) {
    const at = unused.findIndex((c) => sameWord(word, c));
    if (at >= 0) {
      matched++;
      unused.splice(at, 1);
    }
  }
  const missing = inputWords.length - matched;
  if (matched >= 2 && missing <= 1 && unused.length <= 1) {
    return limit + 2 + missing + unused.length + lengthGap / 100;
  }
  return undefined;
}

/** A closeness score of `candidate` to `input`: lower is closer, `undefined` when not close. */
export type NameCloseness = (input: string, candidate: string) => number | undefined;

export interface NearestNamesOptions {
  /** At most this many names. Default: all the close ones. */
  readonly max?: number;
  /** How close a candidate is. Default: `nameCloseness`. */
  readonly closeness?: NameCloseness;
}

/**
 * The `candidates` close to `input`, closest first, ties in alphabetical order.
 * Both are compared as given: callers normalize case and spaces. A candidate equal
 * to the input is kept (callers that already know the input is wrong may drop it).
 */
export function nearestNames(input: string, candidates: Iterable<string>, options: NearestNamesOptions = {}): string[] {
  const { max = Infinity, closeness = nameCloseness } = options;
  if (max <= 0) return [];
  const scored: Array<{ name: string; score: number }> = [];
  for (const candidate of candidates) {
    const score = closeness(input, candidate);
    if (score !== undefined) scored.push({ name: candidate, score });
  }
  scored.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
  return scored.slice(0, max).map((s) => s.name);
}
