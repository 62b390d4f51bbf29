import { Size } from 'cdk8s';

/** The access mode of a PostgreSQL volume. */
export enum VolumeAccessMode {
  /** Mounted read-write by one node (the default and the only safe choice with ReadWriteOncePod). */
  READ_WRITE_ONCE = 'ReadWriteOnce',
  /** Mounted read-write by a single pod. */
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
  /**
   * Shared by many nodes. Rejected: network file systems that offer it do not give
   * PostgreSQL the fsync and locking guarantees it relies on, so a crash can corrupt data.
   */
  READ_WRITE_MANY = 'ReadWriteMany',
}

/** A persistent volume of every instance. */
export interface VolumeProps {
  /**
   * Size of the volume.
   *
   * @default - 50Gi for data, 20Gi for WAL
   */
  readonly size?: Size;

  /**
   * StorageClass of the volume's PVC.
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClass?: string;

  /**
   * Access mode of the PVC.
   *
   * @default VolumeAccessMode.READ_WRITE_ONCE
   */
  readonly accessMode?: VolumeAccessMode;
}
