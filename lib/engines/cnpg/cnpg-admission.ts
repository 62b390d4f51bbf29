
import type { IClusterModel } from '../../model/cluster-engine';
import { ConfigErrors } from '../../core/config-error';
import { cnpgImageTagProblem } from '../../core/image-reference';
import { CNPG_PARAMETER_NAME, postgresBoolean, WAL_LEVELS } from '../../model/parameter-values';
import type { CloudNativePgEngine } from './cnpg-engine';

/**
 * Rules of CloudNativePG v1.30's Cluster admission webhook (`internal/webhook/v1/cluster_webhook.go`)
 * that only this engine has, checked at synth time on what the Cluster will contain. The
 * engine-neutral ones (names, sizes, WAL sizes, shared_buffers, wal_log_hints, recovery
 * targets, …) are checked where their props are resolved; see docs/guides/operator-rules.md.
 */
export function cnpgClusterAdmissionErrors(cluster: IClusterModel, engine: CloudNativePgEngine): string[] {
  const errors = new ConfigErrors();
  const i = cluster.intent;

  // validateImageName: a tag that starts with a PostgreSQL version; not "latest", not a digest alone.
  const tagProblem = cnpgImageTagProblem(i.imageName);
  if (tagProblem) {
    const own = i.imageName !== engine.imageFor(i.version);
    errors.add(own ? 'imageName' : 'version', own ? i.imageName : i.version.fullVersion, tagProblem,
      own ? `pin the image to a version tag, e.g. "${engine.imageFor(i.version)}" (a digest may follow the tag: "<image>:<tag>@sha256:…")`
        : 'use a minor below 100, e.g. PostgresVersion.V18');
  }

  const parameters = cluster.postgresParameters();
  const managed = engine.managedParameters();
  for (const name of Object.keys(parameters)) {
    const property = cluster.parameterProperty(name);
    if (property === undefined || managed[name] !== undefined) continue;
    // validateConfiguration: keys are written verbatim into postgresql.conf.
    if (!CNPG_PARAMETER_NAME.test(name)) {
      errors.add(property, parameters[name], 'CloudNativePG accepts parameter names with at most one dot (a GUC name, optionally namespaced by one extension prefix)',
        'use the extension\'s own name, e.g. "pg_stat_statements.max"');
    }
  }

  // validateConfiguration: CloudNativePG always runs with archive_mode = on, so wal_level
  // must be replica or logical even without standbys or a WalArchive; values compare exactly.
  const walLevelProperty = cluster.parameterProperty('wal_level');
  const walLevel = parameters.wal_level;
  if (walLevelProperty !== undefined && walLevel !== undefined && WAL_LEVELS.includes(walLevel.toLowerCase())) {
    if (!WAL_LEVELS.includes(walLevel)) {
      errors.add(walLevelProperty, walLevel, 'CloudNativePG compares wal_level in lower case and refuses other spellings', `write ${JSON.stringify(walLevel.toLowerCase())}`);
    } else if (walLevel === 'minimal' && !i.highlyAvailable && !cluster.walArchive) {
      errors.add(walLevelProperty, walLevel, 'CloudNativePG always runs with archive_mode = on, which needs wal_level replica or logical; it refuses minimal',
        'remove wal_level (CloudNativePG\'s default is logical), or use "replica"');
    }
  }

  // validatePgFailoverSlots: the extension needs hot_standby_feedback on.
  const failoverSlots = Object.keys(parameters).find((n) => n.startsWith('pg_failover_slots.') && cluster.parameterProperty(n) !== undefined);
  if (failoverSlots !== undefined && postgresBoolean(parameters.hot_standby_feedback ?? '') !== true) {
    errors.add(cluster.parameterProperty(failoverSlots) as string, parameters[failoverSlots],
      'pg_failover_slots needs hot_standby_feedback on; CloudNativePG refuses the Cluster without it',
      'add hot_standby_feedback: "on" to the parameters');
  }
  return errors.messages;
}
