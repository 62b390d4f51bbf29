/**
 * Progress lines for long listings, on stderr so stdout stays a clean report: at most one per
 * `intervalMs`, and only after at least `every` more objects.
 */
export interface ProgressOptions {
  /** Objects between two lines. */
  readonly every: number;
  /** Minimum time between two lines, in ms. */
  readonly intervalMs: number;
  readonly write: (line: string) => void;
  readonly clock?: () => number;
}

export class ListingProgress {
  private readonly clock: () => number;
  private readonly started: number;
  private lastTime: number;
  private lastCount = 0;
  private lines = 0;

  public constructor(private readonly opts: ProgressOptions) {
    this.clock = opts.clock ?? Date.now;
    this.started = this.clock();
    this.lastTime = this.started;
  }

  /** Called after each page with the running total. */
  public update(listed: number): void {
    const now = this.clock();
    if (listed - this.lastCount < this.opts.every || now - this.lastTime < this.opts.intervalMs) return;
    this.opts.write(`listed ${listed} objects…`);
    this.lastCount = listed;
    this.lastTime = now;
    this.lines++;
  }

  /** The closing line; only when progress lines were printed, so small archives stay quiet. */
  public finish(listed: number, pages: number): void {
    if (this.lines === 0) return;
    const seconds = ((this.clock() - this.started) / 1000).toFixed(1);
    this.opts.write(`listed ${listed} objects in ${pages} pages (${seconds} s)`);
  }
}
