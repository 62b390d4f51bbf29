import type { Command } from 'commander';

/** Registers `archive …` subcommands. Heavy dependencies (the S3 client) load inside actions only. */
export function registerArchiveCommands(_program: Command): void {
  // filled in by the WalArchive work (issue 3)
}
