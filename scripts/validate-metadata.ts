// Metadata validation that needs no org: well-formed XML, a clean source -> Metadata API conversion,
// every LWC shipped as compiled JavaScript and no TypeScript in the converted package. It checks what
// `npm run build` produced and compiles nothing itself (`npm test` runs the build step before it).
// Source-deploy-retrieve converts malformed XML without complaint, hence the separate well-formedness pass.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { SyntaxValidator } from 'fast-xml-validator';
import { ComponentSet, MetadataConverter } from '@salesforce/source-deploy-retrieve';

export interface MetadataProblem {
  file: string;
  message: string;
}

export function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Every `*-meta.xml` under `root` that is not well-formed XML, with the parser's line and reason. */
export function findMalformedXml(root: string): MetadataProblem[] {
  return walk(root)
    .filter((file) => file.endsWith('-meta.xml'))
    .flatMap((file) => {
      try {
        SyntaxValidator.validate(readFileSync(file, 'utf8'));
        return [];
      } catch (error) {
        // The validator throws an Error carrying `line` and `col` of the first syntax error.
        const { line, col } = error as { line?: number; col?: number };
        const where = line === undefined ? '' : `line ${line}, column ${col ?? '?'}: `;
        return [{ file, message: `${where}${error instanceof Error ? error.message : String(error)}` }];
      }
    });
}

/** Converts `packageDir` to Metadata API format in `outputDir` and checks what would be deployed. */
export async function convertAndCheck(packageDir: string, outputDir: string): Promise<MetadataProblem[]> {
  const components = ComponentSet.fromSource(packageDir);
  const result = await new MetadataConverter().convert(components, 'metadata', {
    type: 'directory',
    outputDirectory: outputDir,
    genUniqueDir: false,
  });
  const converted = result.packagePath ?? outputDir;
  const problems: MetadataProblem[] = [];
  for (const component of components.getSourceComponents().toArray()) {
    if (component.type.name !== 'LightningComponentBundle') continue;
    const js = join(converted, 'lwc', component.fullName, `${component.fullName}.js`);
    if (!existsSync(js)) {
      problems.push({
        file: component.content ?? component.fullName,
        message: `LWC "${component.fullName}" has no compiled ${component.fullName}.js in the converted package (run npm run build)`,
      });
    }
  }
  for (const file of walk(converted)) {
    if (file.endsWith('.ts') || /tsconfig.*\.json$/.test(file) || file.includes('__tests__')) {
      problems.push({ file, message: 'source-only file in the deployable package (check .forceignore)' });
    }
  }
  if (!existsSync(join(converted, 'package.xml'))) {
    problems.push({ file: converted, message: 'conversion produced no package.xml' });
  }
  return problems;
}

async function main(): Promise<void> {
  const root = resolve(import.meta.dirname, '..');
  const packageDir = join(root, 'force-app');
  const problems = findMalformedXml(packageDir);
  const outputDir = mkdtempSync(join(tmpdir(), 'sia-mdapi-'));
  try {
    if (problems.length === 0) problems.push(...(await convertAndCheck(packageDir, outputDir)));
    const count = ComponentSet.fromSource(packageDir).size;
    if (problems.length) {
      for (const p of problems) console.error(`✗ ${relative(root, p.file) || p.file}: ${p.message}`);
      console.error(`metadata validation failed: ${problems.length} problem(s)`);
      process.exitCode = 1;
    } else {
      console.log(`metadata validation passed: ${count} components converted to Metadata API format`);
    }
  } finally {
    rmSync(outputDir, { recursive: true, force: true });
  }
}

if (import.meta.filename === process.argv[1]) await main();
