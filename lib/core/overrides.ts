import { ConfigError } from './config-error';

/**
 * Raw overrides of a rendered manifest, by dotted path (`spec.nodeMaintenanceWindow.inProgress`).
 * Applied after rendering, so they can set any field the construct's properties do not own.
 */
export class ManifestOverrides {
  private readonly entries: Array<{ path: string[]; value: unknown }> = [];

  public constructor(
    /** Owned path prefix → property that owns it. */
    private readonly ownedPaths: { [path: string]: string },
    /** Root keys overrides may touch. */
    private readonly allowedRoots: string[] = ['spec'],
  ) {}

  /** Records an override; throws at once when the path is owned by a property. */
  public add(path: string, value: unknown): void {
    const parts = path.split('.');
    if (parts.some((p) => p === '') || !this.allowedRoots.includes(parts[0])) {
      throw new ConfigError('addOverride path', path, `must be a dotted path under ${this.allowedRoots.join(' or ')} (e.g. "spec.nodeMaintenanceWindow.inProgress")`,
        'give the path of the field as it appears in the manifest; for labels and annotations use ApiObject.of(cluster).metadata');
    }
    for (const [owned, property] of Object.entries(this.ownedPaths)) {
      const o = owned.split('.');
      const overlaps = o.every((seg, i) => i >= parts.length || parts[i] === seg);
      if (overlaps) {
        throw new ConfigError('addOverride path', path, `${owned} is set from the ${property} property, and overriding it could break what that property guarantees`,
          `set ${property} instead`);
      }
    }
    this.entries.push({ path: parts, value });
  }

  /** Applies the overrides to `manifest` (mutated and returned). */
  public apply<T extends Record<string, any>>(manifest: T): T {
    for (const { path, value } of this.entries) {
      let node: Record<string, any> = manifest;
      for (const key of path.slice(0, -1)) {
        if (typeof node[key] !== 'object' || node[key] === null || Array.isArray(node[key])) node[key] = {};
        node = node[key];
      }
      const last = path[path.length - 1];
      if (value === undefined) delete node[last];
      else node[last] = value;
    }
    return manifest;
  }
}
