/** How Patroni picks synchronous standbys. */
export enum PatroniSynchronousMode {
  /**
   * `synchronous_mode: quorum` (Patroni 4.x): `ANY n (all standbys)`, any n standbys
   * confirm a commit; at failover a candidate needs votes from the quorum. Matches
   * the intent `synchronousStandbys` = quorum size. The default on Patroni 4.x.
   */
  QUORUM = 'quorum',
  /**
   * `synchronous_mode: true` with `synchronous_node_count` n: Patroni names n
   * standbys (`FIRST n (…)`) and only those may be promoted. The default (and the
   * only mode) on Patroni 3.0.
   */
  PRIORITY = 'priority',
}
