import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildLwc, GENERATED_MARKER } from './build-lwc.ts';

const META =
  '<?xml version="1.0" encoding="UTF-8"?>\n<LightningComponentBundle xmlns="http://soap.sforce.com/2006/04/metadata">\n  <apiVersion>66.0</apiVersion>\n  <isExposed>false</isExposed>\n</LightningComponentBundle>\n';

// A decorator declared in the file keeps the fixture free of node_modules: what matters is that
// tsc leaves standard decorators for the platform's LWC compiler and erases the types.
const WIDGET = `const api = (_value: undefined, _context: ClassFieldDecoratorContext): void => undefined;
export interface Shape { size: number }
export default class Widget {
  @api label = 'x';
  private count: number = 1;
  grow(shape: Shape): number { return shape.size + this.count; }
}
`;

describe('npm run build (LWC)', () => {
  const dirs: string[] = [];
  const project = (bundles: Record<string, Record<string, string>>): string => {
    const dir = mkdtempSync(join(tmpdir(), 'sia-build-lwc-'));
    dirs.push(dir);
    writeFileSync(
      join(dir, 'tsconfig.build.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ESNext',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          experimentalDecorators: false,
          useDefineForClassFields: true,
          strict: true,
          erasableSyntaxOnly: true,
          skipLibCheck: true,
          types: [],
          lib: ['ESNext', 'DOM'],
        },
        include: ['main/default/lwc/**/*.ts'],
        exclude: ['**/__tests__/**'],
      }),
    );
    for (const [bundle, files] of Object.entries(bundles)) {
      const bundleDir = join(dir, 'main/default/lwc', bundle);
      mkdirSync(bundleDir, { recursive: true });
      for (const [name, text] of Object.entries(files)) writeFileSync(join(bundleDir, name), text);
    }
    return dir;
  };
  const build = (dir: string): ReturnType<typeof buildLwc> =>
    buildLwc({ root: dir, tsconfigPath: join(dir, 'tsconfig.build.json') });
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('writes each bundle’s .js beside its .ts with decorators kept and types erased', () => {
    const dir = project({ widget: { 'widget.ts': WIDGET, 'widget.js-meta.xml': META } });
    const result = build(dir);
    assert.deepEqual(result.problems, []);
    const js = readFileSync(join(dir, 'main/default/lwc/widget/widget.js'), 'utf8');
    assert.ok(js.startsWith(GENERATED_MARKER));
    assert.match(js, /@api\s+label = 'x'/);
    assert.doesNotMatch(js, /: number|interface Shape|private /);
  });

  it('removes a generated .js whose .ts was renamed away, never a hand-written one', () => {
    const dir = project({
      widget: { 'widget.ts': WIDGET, 'widget.js-meta.xml': META },
      handWritten: { 'handWritten.js': 'export default class {}\n', 'handWritten.js-meta.xml': META },
    });
    assert.deepEqual(build(dir).problems, []);
    const bundle = join(dir, 'main/default/lwc/widget');
    writeFileSync(join(bundle, 'helper.ts'), 'export const two = 2;\n');
    assert.deepEqual(build(dir).problems, []);
    assert.ok(existsSync(join(bundle, 'helper.js')));
    rmSync(join(bundle, 'helper.ts'));
    const result = build(dir);
    assert.deepEqual(result.removed, [join(bundle, 'helper.js')]);
    assert.ok(existsSync(join(dir, 'main/default/lwc/handWritten/handWritten.js')));
  });

  it('fails on a type error and on a bundle left without its .js', () => {
    const dir = project({
      broken: { 'broken.ts': 'export const n: number = "text";\n', 'broken.js-meta.xml': META },
      empty: { 'empty.js-meta.xml': META },
    });
    const problems = build(dir).problems.join('\n');
    assert.match(problems, /broken\.ts:1:14: Type 'string' is not assignable to type 'number'/);
    assert.equal(existsSync(join(dir, 'main/default/lwc/broken/broken.js')), false);
    assert.match(problems, /empty: no empty\.js/);
  });
});
