/**
 * The Patroni release line the image runs. The manifests differ by version: the
 * leader's role label value, the synchronous-mode syntax and the smallest leader TTL
 * Patroni accepts.
 */
export class PatroniVersion {
  /**
   * Patroni 3.0.x (Debian bookworm ships 3.0.2): the leader's role label is `master`
   * (hard-coded), `synchronous_mode` is a boolean (no quorum), no `member_slots_ttl`,
   * no lower bound on `ttl`, and PostgreSQL up to 15.
   */
  public static readonly V3_0 = new PatroniVersion(3, 0, 'master', false, false, 1, 15);

  /**
   * Patroni 4.1.x (upstream): the leader's role label is `primary`, quorum
   * synchronous mode (`synchronous_mode: quorum`), `member_slots_ttl`; Patroni raises
   * a `ttl` below 20 s to 20 s (config.py `_validate_and_adjust_timeouts`).
   */
  public static readonly V4_1 = new PatroniVersion(4, 1, 'primary', true, true, 20, 18);

  private constructor(
    public readonly major: number,
    public readonly minor: number,
    /** Value of the role label on the leader's pod. */
    public readonly leaderLabelValue: string,
    /** `synchronous_mode: quorum` (ANY n) exists. */
    public readonly supportsQuorum: boolean,
    /** `member_slots_ttl` exists (slots of a briefly absent member are kept). */
    public readonly supportsMemberSlotsTtl: boolean,
    /** Smallest `ttl` (seconds) Patroni keeps; smaller values are silently raised. */
    public readonly minTtlSeconds: number,
    /** Newest PostgreSQL major the release supports (3.0.2 predates PostgreSQL 16). */
    public readonly maxPostgresMajor: number,
  ) {}

  /** `major.minor`, e.g. `4.1`. */
  public get label(): string {
    return `${this.major}.${this.minor}`;
  }
}
