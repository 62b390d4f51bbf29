/**
 * The synth-time readiness checklist of a PGO cluster (from its intents and the engine's
 * readiness profile, lib/model/readiness-intent.ts) and `ha-postgres check`'s PGO checklist on
 * the synthesized PostgresCluster (lib/monitoring/readiness/checklist.ts PGO_CHECKLIST) give the
 * same verdict, item by item, on random valid PGO stacks (random-pgo-stacks.ts); and the
 * warnings HaPostgres emits are exactly the failed items.
 */
import * as fc from 'fast-check';
import { evaluateIntentReadiness } from '../../lib/model/readiness-intent';
import { readinessFacts } from '../../lib/model/readiness-evaluation';
import { evaluateCluster, PGO_CHECKLIST } from '../../lib/monitoring/readiness/checklist';
import { SynthWarnings } from '../../lib/core/synth-warnings';
import { buildPgoStack, pgoStacks } from './random-pgo-stacks';

process.env.HA_POSTGRES_SILENCE_WARNINGS = '1';

test('Crunchy PGO: intent verdicts equal the manifest checklist\'s verdicts on every random valid stack', () => {
  let compared = 0;
  const failed = new Map<string, number>();
  const passed = new Map<string, number>();
  fc.assert(fc.property(pgoStacks, (stack) => {
    const { db, manifests } = buildPgoStack(stack);
    const facts = readinessFacts(db);
    expect(facts).toBeDefined();
    const fromIntent = evaluateIntentReadiness(facts!);
    const fromManifests = evaluateCluster(manifests, 'shop', db.clusterName, { zoneTopologyKeys: [db.intent.zoneTopologyKey] });
    expect(fromManifests.engine).toBe('Crunchy PGO');
    expect(fromIntent.map((v) => v.id)).toEqual(PGO_CHECKLIST.map((d) => d.id));
    expect(fromIntent.map((v) => v.id)).toEqual(fromManifests.items.map((i) => i.id));
    const diff = fromManifests.items.filter((item, n) => item.passed !== fromIntent[n].passed)
      .map((item, n) => `${item.id}: manifests ${item.passed} (${item.reason}) / intent ${fromIntent.find((v) => v.id === item.id)?.passed} (${fromIntent.find((v) => v.id === item.id)?.reason}) [${n}]`);
    if (diff.length > 0) throw new Error(diff.join('\n'));
    for (const v of fromIntent) (v.passed ? passed : failed).set(v.id, ((v.passed ? passed : failed).get(v.id) ?? 0) + 1);
    // What HaPostgres warns at synth is exactly the failed items.
    const warned = SynthWarnings.collect(db).filter((w) => w.includes('readiness:')).length;
    expect(warned).toBe(fromIntent.filter((v) => !v.passed).length);
    compared++;
  }), { numRuns: 150 });
  expect(compared).toBe(150);
  // Every item is seen both passing and failing: the stacks exercise both verdicts.
  for (const d of PGO_CHECKLIST) {
    expect([d.id, (passed.get(d.id) ?? 0) > 0]).toEqual([d.id, true]);
    if (d.id !== 'wal-archiving') expect([d.id, (failed.get(d.id) ?? 0) > 0]).toEqual([d.id, true]);
  }
}, 600_000);

