import { chmodSync, writeFileSync } from 'fs';
import { join } from 'path';

/**
 * Writes a fake `kubectl` into `dir` for the restore drill scripts: it records its argv in
 * `$FAKE_DIR/calls`, keeps what `create -f -` reads in `$FAKE_DIR/created.json`, answers
 * `wait` with `$FAKE_WAIT_RC`, `get` with the shell snippet `get` (the engines look the
 * primary up differently), and `exec` of the drill's SQL with `$FAKE_ORDERS` rows of
 * `orders`, 3 of `invoices` (or an error with `$FAKE_INVOICES_FAIL`).
 */
export function writeFakeKubectl(dir: string, get: string): void {
  writeFileSync(join(dir, 'kubectl'), `#!/bin/bash
echo "$*" >> "$FAKE_DIR/calls"
for a in "$@"; do
  case "$a" in
    create) cat > "$FAKE_DIR/created.json"; exit 0 ;;
    wait) exit "\${FAKE_WAIT_RC:-0}" ;;
    get)
      ${get}
      exit 0 ;;
    delete) exit 0 ;;
    exec)
      sql="\${@: -1}"
      case "$sql" in
        "SELECT 1") echo 1 ;;
        *orders*) echo "\${FAKE_ORDERS:-150}" ;;
        *invoices*) [ -n "\${FAKE_INVOICES_FAIL:-}" ] && { echo 'ERROR: relation does not exist' >&2; exit 1; }; echo 3 ;;
      esac
      exit 0 ;;
  esac
done
exit 0
`);
  chmodSync(join(dir, 'kubectl'), 0o755);
}
