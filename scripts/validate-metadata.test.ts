import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { convertAndCheck, findMalformedXml } from './validate-metadata.ts';

const meta = (api: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<LightningComponentBundle xmlns="http://soap.sforce.com/2006/04/metadata">\n  <apiVersion>${api}</apiVersion>\n  <isExposed>false</isExposed>\n</LightningComponentBundle>\n`;

describe('metadata validation', () => {
  const dirs: string[] = [];
  const project = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'sia-validate-'));
    dirs.push(dir);
    writeFileSync(
      join(dir, 'sfdx-project.json'),
      JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }),
    );
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('reports a malformed -meta.xml with its line', () => {
    const dir = project();
    const bundle = join(dir, 'force-app/main/default/lwc/broken');
    mkdirSync(bundle, { recursive: true });
    writeFileSync(join(bundle, 'broken.js-meta.xml'), meta('66.0').replace('</isExposed>', '</isExposd>'));
    const problems = findMalformedXml(join(dir, 'force-app'));
    assert.equal(problems.length, 1);
    assert.match(problems[0]?.message ?? '', /line 4/);
  });

  it('accepts well-formed metadata', () => {
    const dir = project();
    const bundle = join(dir, 'force-app/main/default/lwc/fine');
    mkdirSync(bundle, { recursive: true });
    writeFileSync(join(bundle, 'fine.js-meta.xml'), meta('66.0'));
    assert.deepEqual(findMalformedXml(join(dir, 'force-app')), []);
  });

  it('flags an LWC without compiled JavaScript and TypeScript that would be deployed', async () => {
    const dir = project();
    const bundle = join(dir, 'force-app/main/default/lwc/uncompiled');
    mkdirSync(bundle, { recursive: true });
    writeFileSync(join(bundle, 'uncompiled.js-meta.xml'), meta('66.0'));
    writeFileSync(join(bundle, 'uncompiled.ts'), 'export default class {}\n');
    const problems = await convertAndCheck(join(dir, 'force-app'), join(dir, 'out'));
    const messages = problems.map((p) => p.message).join('\n');
    assert.match(messages, /has no compiled uncompiled\.js/);
    assert.match(messages, /source-only file in the deployable package/);
  });

  it('passes a compiled bundle whose TypeScript is force-ignored', async () => {
    const dir = project();
    writeFileSync(join(dir, '.forceignore'), '**/lwc/**/*.ts\n');
    const bundle = join(dir, 'force-app/main/default/lwc/compiled');
    mkdirSync(bundle, { recursive: true });
    writeFileSync(join(bundle, 'compiled.js-meta.xml'), meta('66.0'));
    writeFileSync(join(bundle, 'compiled.ts'), 'export default class {}\n');
    writeFileSync(join(bundle, 'compiled.js'), 'export default class {}\n');
    assert.deepEqual(await convertAndCheck(join(dir, 'force-app'), join(dir, 'out')), []);
  });
});
