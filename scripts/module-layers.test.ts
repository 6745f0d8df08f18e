import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkLayers, type Layers } from './module-layers.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The service's layers, lowest first (service/src/README.md explains each part). A unit imports
 * only its own files and units of lower layers; units of one layer do not import each other.
 */
export const SERVICE_LAYERS: Layers = [
  ['clock.ts', 'logger.ts', 'metrics.ts', 'token-keys.ts'],
  ['config.ts'],
  ['sia'],
  ['store'],
  ['salesforce'],
  ['tasks'],
  ['sync'],
  ['http'],
  ['email', 'connections'],
  ['app.ts'],
  ['main.ts'],
];

/** The emulator's layers, lowest first (emulator/src/README.md explains each folder). */
export const EMULATOR_LAYERS: Layers = [
  ['schema'],
  ['streaming', 'soql'],
  ['org'],
  ['metadata'],
  ['security', 'auth'],
  ['rest'],
  ['ui-api'],
  ['state'],
  ['admin'],
  ['server'],
  ['index.ts'],
  ['main.ts'],
];

describe('module layers', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const tree = (files: Record<string, string>): string => {
    const dir = mkdtempSync(join(tmpdir(), 'sia-layers-'));
    dirs.push(dir);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return join(dir, 'src');
  };

  it('accepts imports that go down the layers', () => {
    const root = tree({
      'src/store/db.ts': "import { now } from '../clock.ts';\nexport const db = now;\n",
      'src/clock.ts': 'export const now = 1;\n',
      'src/sync/engine.ts': "import { db } from '../store/db.ts';\nexport { db };\n",
    });
    assert.deepEqual(checkLayers(root, [['clock.ts'], ['store'], ['sync']]), { violations: [], cycles: [] });
  });

  it('names the import that goes up a layer or sideways to a peer, and the cycle it closes', () => {
    const root = tree({
      'src/store/db.ts': "import type { Engine } from '../sync/engine.ts';\nexport type Db = Engine;\n",
      'src/sync/engine.ts': "import type { Db } from '../store/db.ts';\nexport type Engine = Db;\n",
      'src/email/log.ts': "import { x } from '../http/routes.ts';\nexport const y = x;\n",
      'src/http/routes.ts': 'export const x = 1;\n',
    });
    const report = checkLayers(root, [['store'], ['sync'], ['email', 'http']]);
    assert.deepEqual(report.violations, [
      "email/log.ts imports '../http/routes.ts': email may not import http (a peer in the same layer)",
      "store/db.ts imports '../sync/engine.ts': store may not import sync (a higher layer)",
    ]);
    assert.deepEqual(report.cycles, [
      "store -> sync (store/db.ts imports '../sync/engine.ts'); sync -> store (sync/engine.ts imports '../store/db.ts')",
    ]);
  });

  it('reads dynamic imports and re-exports, and skips tests', () => {
    const root = tree({
      'src/store/db.ts': "export * from '../sync/engine.ts';\n",
      'src/store/late.ts': "export const load = () => import('../sync/engine.ts');\n",
      'src/store/db.test.ts': "import '../sync/engine.ts';\n",
      'src/sync/engine.ts': 'export const e = 1;\n',
    });
    assert.deepEqual(checkLayers(root, [['store'], ['sync']]).violations, [
      "store/db.ts imports '../sync/engine.ts': store may not import sync (a higher layer)",
      "store/late.ts imports '../sync/engine.ts': store may not import sync (a higher layer)",
    ]);
  });

  it('reports a folder no layer declares and production code that imports a test kit', () => {
    const root = tree({
      'src/store/db.ts': "import { kit } from '../../test/kit.ts';\nexport const db = kit;\n",
      'src/extra/x.ts': 'export const x = 1;\n',
      'test/kit.ts': 'export const kit = 1;\n',
    });
    assert.deepEqual(checkLayers(root, [['store']], ['../test']).violations, [
      'extra is in no layer: declare where it sits',
      "store/db.ts imports '../../test/kit.ts': production code imports test code",
    ]);
  });

  it('service/src: folders depend one way, down the declared layers, and never on test code', () => {
    const report = checkLayers(join(repo, 'service/src'), SERVICE_LAYERS, ['../test', '../../emulator']);
    assert.deepEqual(report, { violations: [], cycles: [] });
  });

  it('emulator/src: folders depend one way, down the declared layers, and never on test code', () => {
    const report = checkLayers(join(repo, 'emulator/src'), EMULATOR_LAYERS, ['../test', '../../service']);
    assert.deepEqual(report, { violations: [], cycles: [] });
  });
});
