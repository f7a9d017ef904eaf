// The dependency rules of .dependency-cruiser.cjs and .dependency-cruiser-bundle.cjs bite: crafted
// trees with one back-arrow each are cruised with the real configs and the violation is expected by
// rule name, beside the same tree without it; then a copy of the real src with a back-arrow added.
// dependency-cruiser is ESM-only, which jest's CommonJS runtime does not load: the CLI is run instead.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const LAYERS = join(ROOT, '.dependency-cruiser.cjs');
const BUNDLE = join(ROOT, '.dependency-cruiser-bundle.cjs');

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A temporary project: the files given (path → source), a tsconfig, the real node_modules. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'wavewatch-layers-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', moduleResolution: 'node', esModuleInterop: true, strict: true } }));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** The violations when `entry` is cruised in `dir` with `config`, sorted "rule: from → to". */
function violations(dir: string, config: string, entry = 'src', extra: string[] = []): string[] {
  const r = spawnSync(process.execPath, [DEPCRUISE, entry, '--config', config, '--output-type', 'json', ...extra], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (!r.stdout) throw new Error(`depcruise printed nothing (exit ${r.status}): ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { summary: { violations: { rule: { name: string; severity: string }; from: string; to: string }[] } };
  return out.summary.violations.filter((v) => v.rule.severity !== 'ignore').map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

/** A small tree with one file per layer, each importing one layer down (all allowed). */
const CLEAN: Record<string, string> = {
  'src/model/status.ts': 'export interface S { a: number }\n',
  'src/plan/schema.ts': "import type { S } from '../model/status';\nexport type P = S;\n",
  'src/collect/source.ts': "import type { P } from '../plan/schema';\nexport const collect = (p: P) => p;\n",
  'src/judge/stats.ts': 'export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;\n',
  'src/judge/measure/index.ts': "import { mean } from '../stats';\nexport const measure = (xs: number[]) => mean(xs);\n",
  'src/judge/alerts.ts': "import type { S } from '../model/status';\nexport const step = (s: S) => s;\n",
  'src/observe/map.ts': "import { collect } from '../collect/source';\nimport { measure } from '../judge/measure';\nexport const observe = () => [collect, measure];\n",
  'src/artifacts/records/rec.ts': "import type { S } from '../../model/status';\nexport type Rec = S;\n",
  'src/artifacts/store.ts': "import { observe } from '../observe/map';\nimport type { Rec } from './records/rec';\nexport const write = (r: Rec) => [r, observe];\n",
  'src/report/render.ts': "import type { Rec } from '../artifacts/records/rec';\nexport const render = (r: Rec) => String(r);\n",
  'src/activities/index.ts': "import { render } from '../report/render';\nimport { write } from '../artifacts/store';\nexport const acts = { render, write };\n",
  'src/workflows/wave.ts': "import { step } from '../judge/alerts';\nimport type { acts } from '../activities';\nimport type { measure } from '../judge/measure';\nexport type A = typeof acts | typeof measure;\nexport const wave = step;\n",
  'src/sim/fleet.ts': 'export const fleet = 1;\n',
  'src/cli/main.ts': "import { fleet } from '../sim/fleet';\nimport { wave } from '../workflows/wave';\nexport const main = [fleet, wave];\n",
};

describe('layer rules (.dependency-cruiser.cjs)', () => {
  test('the clean tree has no violation; the bundle rule ignores type-only imports of statistics and activities', () => {
    const dir = project(CLEAN);
    expect(violations(dir, LAYERS)).toEqual([]);
    expect(violations(dir, BUNDLE, 'src/workflows')).toEqual([]);
  });

  test('a back-arrow fails by its layer: judge → observe, artifacts → report, activities → workflows', () => {
    const dir = project({
      ...CLEAN,
      'src/judge/alerts.ts': "import { observe } from '../observe/map';\nexport const step = observe;\n",
      'src/artifacts/store.ts': "import { render } from '../report/render';\nexport const write = render;\n",
      'src/activities/index.ts': "import { wave } from '../workflows/wave';\nexport const acts = { wave };\n",
    });
    expect(violations(dir, LAYERS)).toEqual([
      'activities-below-workflows: src/activities/index.ts → src/workflows/wave.ts',
      'artifacts-below-report: src/artifacts/store.ts → src/report/render.ts',
      'judge-knows-only-the-model: src/judge/alerts.ts → src/observe/map.ts',
    ]);
  });

  test('a type-only back-arrow fails too: the status shape imported from the workflows into observe', () => {
    const dir = project({ ...CLEAN, 'src/observe/map.ts': "import type { A } from '../workflows/wave';\nexport const observe = (a: A) => a;\n" });
    expect(violations(dir, LAYERS)).toEqual(['observe-below-artifacts: src/observe/map.ts → src/workflows/wave.ts']);
  });

  test('the simulator and the CLI are reached from the CLI only', () => {
    const dir = project({
      ...CLEAN,
      'src/activities/index.ts': "import { fleet } from '../sim/fleet';\nexport const acts = { fleet };\n",
      'src/report/render.ts': "import { main } from '../cli/main';\nexport const render = main;\n",
    });
    // each arrow also breaks its own layer's list
    expect(violations(dir, LAYERS)).toEqual([
      'activities-below-workflows: src/activities/index.ts → src/sim/fleet.ts',
      'no-product-imports-the-cli: src/report/render.ts → src/cli/main.ts',
      'report-renders-records: src/report/render.ts → src/cli/main.ts',
      'sim-and-stack-only-from-cli: src/activities/index.ts → src/sim/fleet.ts',
    ]);
  });
});

describe('workflow bundle (.dependency-cruiser-bundle.cjs)', () => {
  test('statistics reached through the alert state machine fail, with the path', () => {
    const dir = project({ ...CLEAN, 'src/judge/alerts.ts': "import { measure } from './measure';\nexport const step = measure;\n" });
    expect(violations(dir, BUNDLE, 'src/workflows')).toEqual([
      'workflow-bundle-no-statistics: src/workflows/wave.ts → src/judge/measure/index.ts',
      'workflow-bundle-no-statistics: src/workflows/wave.ts → src/judge/stats.ts',
    ]);
  });

  test('the sources\' I/O-free budget may be loaded, a source\'s I/O module may not', () => {
    const budget = { 'src/collect/budget.ts': "import type { P } from '../plan/schema';\nexport const budget = (p: P) => [p, 1000];\n" };
    const ok = project({ ...CLEAN, ...budget, 'src/workflows/wave.ts': "import { budget } from '../collect/budget';\nexport const wave = budget;\n" });
    expect(violations(ok, BUNDLE, 'src/workflows')).toEqual([]);
    const io = project({ ...CLEAN, 'src/collect/hosts/pool.ts': 'export const pool = 1;\n', 'src/workflows/wave.ts': "import { pool } from '../collect/hosts/pool';\nexport const wave = pool;\n" });
    expect(violations(io, BUNDLE, 'src/workflows')).toEqual(['workflow-bundle-no-io: src/workflows/wave.ts → src/collect/hosts/pool.ts']);
  });

  test('I/O and the heavy libraries fail: fs and vega from a file the workflow loads', () => {
    const dir = project({ ...CLEAN, 'src/judge/alerts.ts': "import { readFileSync } from 'fs';\nimport * as vega from 'vega';\nexport const step = [readFileSync, vega];\n" });
    const v = violations(dir, BUNDLE, 'src/workflows');
    expect(v).toContain('workflow-bundle-no-heavy-libraries: src/workflows/wave.ts → fs');
    // node_modules is a symlink here (and in the worktrees): the module is named by its real path
    expect(v.some((x) => /^workflow-bundle-no-heavy-libraries: src\/workflows\/wave\.ts → \S*node_modules\/vega\//.test(x))).toBe(true);
  });
});

describe('the real tree', () => {
  // That src itself passes both configs is `npm run deps`, run by `npm test` before the tests: not
  // repeated here (two cruises of the whole tree, ~7 s).
  test('src fails once the workflow bundle reaches the statistics', () => {
    const dir = project({});
    cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
    cpSync(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
    // the alert state machine reaching for the measurements again (as it did before the split)
    const alerts = join(dir, 'src', 'judge', 'alerts.ts');
    writeFileSync(alerts, `${readFileSync(alerts, 'utf8')}\nexport { measure } from './measure';\n`);
    expect(violations(dir, BUNDLE, 'src/workflows')).toContain('workflow-bundle-no-statistics: src/workflows/index.ts → src/judge/measure/index.ts');
  });
});
