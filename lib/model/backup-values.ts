/** A table the drill counts rows of in the restored database. */
export interface TableCheck {
  /** Table name, optionally schema-qualified (`orders`, `billing.invoices`), lower-case. */
  readonly table: string;
  /**
   * Fewest rows the restored table must have.
   *
   * @default 1
   */
  readonly minRows?: number;
}

/** Which instance takes the base backup. */
export enum BackupTarget {
  /** A standby when one is healthy, else the primary: backups do not load the primary. */
  PREFER_STANDBY = 'prefer-standby',
  /** Always the primary. */
  PRIMARY = 'primary',
}

/** The default drill image: the Kubernetes project's kubectl image (debian-base, has bash). */
export const DEFAULT_DRILL_IMAGE = 'registry.k8s.io/kubectl:v1.34.1';
