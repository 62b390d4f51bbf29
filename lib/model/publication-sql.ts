import type { IPublicationIntent, ISubscriptionIntent } from './cluster-engine';
import { PublicationSqlSpec, SubscriptionSqlSpec } from './intent-sql';
import { quoteIdent, quoteLiteral, quoteTable } from './sql-identifier';
import { PublishOperation } from './publication-values';

/** `FOR …` objects of a publication (tables grouped under one TABLE keyword, as CloudNativePG does, then schemas). */
export function publicationObjects(p: IPublicationIntent): string {
  const tables = p.target.publishedTables.filter((t) => t.qualified !== undefined).map((t) => {
    const q = t.qualified as { schema: string; table: string };
    const columns = t.columns ? ` (${t.columns.map(quoteIdent).join(', ')})` : '';
    const filter = t.rowFilter !== undefined ? ` WHERE (${t.rowFilter})` : '';
    return `${t.only ? 'ONLY ' : ''}${quoteTable(q)}${columns}${filter}`;
  });
  const parts: string[] = [];
  if (tables.length) parts.push(`TABLE ${tables.join(', ')}`);
  for (const s of p.target.schemas) parts.push(`TABLES IN SCHEMA ${quoteIdent(s)}`);
  return parts.join(', ');
}

/** The `WITH (…)` parameters of a publication that differ from PostgreSQL's defaults, as strings. */
export function publicationParameters(p: IPublicationIntent): { [name: string]: string } {
  const out: { [name: string]: string } = {};
  const all = [PublishOperation.INSERT, PublishOperation.UPDATE, PublishOperation.DELETE, PublishOperation.TRUNCATE];
  if (!all.every((o) => p.operations.includes(o))) out.publish = all.filter((o) => p.operations.includes(o)).join(', ');
  if (p.publishViaPartitionRoot) out.publish_via_partition_root = 'true';
  return out;
}

/** The publication in the terms of lib/model/intent-sql.ts. */
export function publicationSqlSpec(p: IPublicationIntent): PublicationSqlSpec {
  const options = Object.entries(publicationParameters(p)).map(([k, v]) => `${k} = ${quoteLiteral(v)}`);
  return { name: p.publicationName, allTables: p.target.isAllTables, objects: publicationObjects(p), options };
}

/** Subscription options ALTER SUBSCRIPTION … SET accepts (PostgreSQL 14+). */
const ALTERABLE = ['streaming', 'binary', 'disable_on_error'];

/** Environment variables of the subscription `index` in a SQL Job (host, port, password of the publisher). */
export function subscriptionEnv(index: number): { host: string; port: string; password: string } {
  return { host: `SUB_HOST_${index}`, port: `SUB_PORT_${index}`, password: `SUB_PASSWORD_${index}` };
}

/**
 * The subscription in the terms of lib/model/intent-sql.ts (host, port and password
 * from the environment variables of `subscriptionEnv(index)`). `sslMode` overrides the
 * connection's (a subscriber without the CA file on its servers cannot verify).
 */
export function subscriptionSqlSpec(s: ISubscriptionIntent, index: number, sslMode: string): SubscriptionSqlSpec {
  const c = s.connection;
  const env = subscriptionEnv(index);
  const params = s.parameters;
  const createOptions = Object.entries(params).map(([k, v]) => `${k} = ${quoteLiteral(v)}`);
  const alterOptions = Object.entries(params).filter(([k]) => ALTERABLE.includes(k)).map(([k, v]) => `${k} = ${quoteLiteral(v)}`);
  return {
    name: s.subscriptionName, publication: s.publisher.publicationName,
    hostEnv: env.host, portEnv: env.port, passwordEnv: env.password,
    database: c.database, user: c.username, sslMode,
    createOptions, alterOptions, index,
  };
}
