// Checks that the folders of a source tree depend on each other one way only: every relative
// import of a production file (tests are left out: they may reach anything) must point into its
// own unit or into a unit of a lower layer. A unit is a top-level folder, or a single file at the
// top of the tree. Undeclared units, imports out of the tree into test code, and cycles between
// units are reported with the import that causes them.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import ts from 'typescript';

/** Lowest layer first; the units of one layer are peers and may not import each other. */
export type Layers = readonly (readonly string[])[];

export interface ImportEdge {
  /** Importing file, relative to the tree. */
  from: string;
  /** The specifier as written. */
  specifier: string;
  fromUnit: string;
  toUnit: string;
}

export interface LayerReport {
  violations: string[];
  cycles: string[];
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

const isTest = (file: string): boolean => file.endsWith('.test.ts');

/** The unit of a path inside the tree, or undefined when it lies outside. */
function unitOf(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  if (rel.startsWith('..') || rel === '') return undefined;
  return rel.split(sep)[0];
}

/** Every relative import between two different units of the tree, and every import leaving it. */
export function importEdges(root: string): { edges: ImportEdge[]; outside: ImportEdge[] } {
  const edges: ImportEdge[] = [];
  const outside: ImportEdge[] = [];
  for (const file of sourceFiles(root)) {
    if (isTest(file)) continue;
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const fromUnit = unitOf(root, file) ?? '';
    for (const { fileName: specifier } of info.importedFiles) {
      if (!specifier.startsWith('.')) continue;
      const target = normalize(join(dirname(file), specifier));
      const toUnit = unitOf(root, target);
      const edge = {
        from: relative(root, file),
        specifier,
        fromUnit,
        toUnit: toUnit ?? relative(root, target),
      };
      if (toUnit === undefined) outside.push(edge);
      else if (toUnit !== fromUnit) edges.push(edge);
    }
  }
  return { edges, outside };
}

const describeEdge = (edge: ImportEdge): string => `${edge.from} imports '${edge.specifier}'`;

/** Cycles between units, each named by the imports that close it. */
function findCycles(edges: ImportEdge[]): string[] {
  const graph = new Map<string, Map<string, ImportEdge>>();
  for (const edge of edges) {
    const targets = graph.get(edge.fromUnit) ?? new Map<string, ImportEdge>();
    if (!targets.has(edge.toUnit)) targets.set(edge.toUnit, edge);
    graph.set(edge.fromUnit, targets);
  }
  const cycles = new Set<string>();
  const visit = (unit: string, path: string[], seen: Set<string>): void => {
    for (const [next, edge] of graph.get(unit) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) {
        const loop = [...path.slice(at), next];
        // Name each cycle once, starting from its smallest unit.
        const units = loop.slice(0, -1);
        const start = units.indexOf([...units].sort()[0] ?? '');
        const rotated = [...units.slice(start), ...units.slice(0, start)];
        const steps = rotated.map((from, i) => {
          const to = rotated[(i + 1) % rotated.length] ?? from;
          const step = graph.get(from)?.get(to) ?? edge;
          return `${from} -> ${to} (${describeEdge(step)})`;
        });
        cycles.add(steps.join('; '));
        continue;
      }
      if (seen.has(next)) continue;
      seen.add(next);
      visit(next, [...path, next], seen);
    }
  };
  for (const unit of graph.keys()) visit(unit, [unit], new Set([unit]));
  return [...cycles].sort();
}

/**
 * Checks `root` against `layers`. `testFolders` are paths (relative to the tree) that production
 * code must never import: test kits belong beside the tests, not in the source.
 */
export function checkLayers(root: string, layers: Layers, testFolders: readonly string[] = []): LayerReport {
  const rank = new Map<string, number>();
  layers.forEach((units, index) => {
    for (const unit of units) rank.set(unit, index);
  });
  const { edges, outside } = importEdges(root);
  const violations: string[] = [];
  const declared = (unit: string): boolean => rank.has(unit);
  const units = new Set(
    sourceFiles(root)
      .filter((file) => !isTest(file))
      .map((file) => unitOf(root, file) ?? ''),
  );
  for (const unit of [...units].sort()) {
    if (!declared(unit)) violations.push(`${unit} is in no layer: declare where it sits`);
  }
  for (const edge of edges) {
    const from = rank.get(edge.fromUnit);
    const to = rank.get(edge.toUnit);
    if (from === undefined || to === undefined) continue;
    if (to >= from) {
      const why = to === from ? 'a peer in the same layer' : 'a higher layer';
      violations.push(`${describeEdge(edge)}: ${edge.fromUnit} may not import ${edge.toUnit} (${why})`);
    }
  }
  for (const edge of outside) {
    const target = normalize(edge.toUnit);
    if (testFolders.some((folder) => target === folder || target.startsWith(folder + sep)))
      violations.push(`${describeEdge(edge)}: production code imports test code`);
  }
  return { violations: violations.sort(), cycles: findCycles(edges) };
}
