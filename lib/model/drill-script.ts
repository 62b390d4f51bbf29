import { shellQuote } from '../core/shell';
import type { TableCheck } from './backup-values';

/** What the drill script needs to know; every value is validated before it is embedded. */
export interface DrillScriptOptions {
  /** Namespace of the temporary cluster. */
  readonly namespace: string;
  /** Prefix of the temporary cluster's name; a timestamp is appended. */
  readonly namePrefix: string;
  /** Fully qualified resource of the engine's cluster objects, e.g. `clusters.postgresql.cnpg.io`. */
  readonly clusterResource: string;
  /** Label (`key=value`) the drill puts on its clusters, to delete leftovers of killed runs. */
  readonly drillLabel: string;
  /** Path of the cluster manifest template; `__DRILL_CLUSTER__` is replaced by the name. */
  readonly templatePath: string;
  /** Seconds to wait for the restored cluster to be ready. */
  readonly readyTimeoutSeconds: number;
  /** Database the checks run in. */
  readonly database: string;
  /** Tables and the fewest rows each must have. */
  readonly checks: TableCheck[];
  /** Container of the instance pods that has psql. */
  readonly postgresContainer: string;
  /** jsonpath of the primary's pod name in the cluster object's status (CloudNativePG). */
  readonly primaryJsonPath?: string;
  /**
   * When the cluster object does not name its primary (Crunchy PGO: Patroni labels the
   * leader's pod), the primary is the pod with label `<clusterLabel>=<temporary cluster name>`
   * and `primaryLabel` (`key=value`); polled for up to 5 minutes after the cluster is ready.
   */
  readonly primaryPod?: { readonly clusterLabel: string; readonly primaryLabel: string };
  /**
   * The `kubectl wait --for=` condition that says the restore is ready.
   *
   * @default 'condition=Ready'
   */
  readonly readyFor?: string;
}

/**
 * The drill as a bash script: create a cluster recovered from the archive, wait until it
 * is ready, verify, and delete it in an EXIT trap so that it goes whatever happened.
 * Exits non-zero when any step or check fails, so the Job (and only then) fails.
 */
export function drillScript(o: DrillScriptOptions): string {
  const checks = o.checks.map((c) => `check_rows ${shellQuote(c.table)} ${c.minRows ?? 1}`).join('\n');
  const readyFor = o.readyFor ?? 'condition=Ready';
  const label = /^[A-Za-z0-9][-A-Za-z0-9_./]*(=[-A-Za-z0-9_.]*)?$/;
  if (o.primaryPod && !(label.test(o.primaryPod.clusterLabel) && label.test(o.primaryPod.primaryLabel))) {
    throw new Error(`drillScript: invalid label in ${JSON.stringify(o.primaryPod)}`);
  }
  const primary = o.primaryPod !== undefined
    ? `PRIMARY=
for _ in $(seq 60); do
  PRIMARY=$(kubectl -n "$NS" get pods -l "${o.primaryPod.clusterLabel}=$NAME,${o.primaryPod.primaryLabel}" -o jsonpath='{.items[*].metadata.name}' || true)
  PRIMARY=\${PRIMARY%% *}
  [ -n "$PRIMARY" ] && break
  sleep "\${DRILL_POLL_SECONDS:-5}"
done`
    : `PRIMARY=$(kubectl -n "$NS" get "$RESOURCE" "$NAME" -o jsonpath=${shellQuote(`{${o.primaryJsonPath}}`)})`;
  return `#!/bin/bash
# Restore drill: recover the latest backup into a temporary cluster, verify, delete.
set -euo pipefail

NS=${shellQuote(o.namespace)}
RESOURCE=${shellQuote(o.clusterResource)}
LABEL=${shellQuote(o.drillLabel)}
DATABASE=${shellQuote(o.database)}
NAME=${shellQuote(o.namePrefix)}-$(date -u +%s)
failed=0

log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) restore-drill: $*"; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  log "deleting $RESOURCE/$NAME"
  kubectl -n "$NS" delete "$RESOURCE" "$NAME" --ignore-not-found --wait=false || rc=1
  if [ "$rc" -eq 0 ]; then
    log "result=success cluster=$NAME"
  else
    log "result=failure cluster=$NAME exit=$rc"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' INT TERM

# Clusters of earlier runs that were killed before their trap could run.
kubectl -n "$NS" delete "$RESOURCE" -l "$LABEL" --ignore-not-found --wait=false

log "creating $RESOURCE/$NAME from the archive"
sed "s/__DRILL_CLUSTER__/$NAME/g" ${shellQuote(o.templatePath)} | kubectl -n "$NS" create -f -

log "waiting up to ${o.readyTimeoutSeconds}s for $NAME to be ready"
kubectl -n "$NS" wait ${readyFor === 'condition=Ready' ? '--for=condition=Ready' : `--for=${shellQuote(readyFor)}`} "$RESOURCE/$NAME" --timeout=${o.readyTimeoutSeconds}s

${primary}
[ -n "$PRIMARY" ] || { log "no primary reported for $NAME"; exit 1; }

sql() {
  kubectl -n "$NS" exec "$PRIMARY" -c ${shellQuote(o.postgresContainer)} -- psql -XAtq -v ON_ERROR_STOP=1 -d "$DATABASE" -c "$1"
}

answer=$(sql 'SELECT 1')
if [ "$answer" != "1" ]; then
  log "FAILED: the restored database did not answer SELECT 1 (got: $answer)"
  exit 1
fi
log "ok: database $DATABASE answers"

check_rows() {
  local table=$1 min=$2 rows
  if ! rows=$(sql "SELECT count(*) FROM $table"); then
    log "FAILED: cannot count rows of $table"
    failed=1
    return
  fi
  if [ "$rows" -ge "$min" ] 2>/dev/null; then
    log "ok: $table has $rows rows (at least $min)"
  else
    log "FAILED: $table has $rows rows, expected at least $min"
    failed=1
  fi
}
${checks}
exit "$failed"
`;
}
