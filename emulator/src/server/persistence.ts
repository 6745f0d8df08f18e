// `--data <file>`: the org's records as JSON, loaded at start and written (atomically, debounced)
// after changes and on close.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { orgSnapshot, type Org, type OrgSnapshot } from '../org/org.ts';

export function loadSnapshot(path: string): OrgSnapshot | undefined {
  if (!existsSync(path)) return undefined;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<OrgSnapshot>;
  if (parsed.format !== 'sia-emulator-org/1' || !Array.isArray(parsed.records)) {
    throw new Error(`${path} is not an emulator data file`);
  }
  return {
    format: parsed.format,
    idCounter: typeof parsed.idCounter === 'number' ? parsed.idCounter : 0,
    records: parsed.records,
  };
}

export class SnapshotWriter {
  private timer: NodeJS.Timeout | undefined;
  private readonly org: Org;
  private readonly path: string;
  private readonly delayMs: number;

  constructor(org: Org, path: string, delayMs = 1000) {
    this.org = org;
    this.path = path;
    this.delayMs = delayMs;
    org.store.onChange(() => {
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const temp = `${this.path}.tmp`;
    writeFileSync(temp, JSON.stringify(orgSnapshot(this.org)));
    renameSync(temp, this.path);
  }
}
