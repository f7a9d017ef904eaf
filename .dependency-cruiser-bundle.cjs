// The workflow bundle holds orchestration only (issue 13): what src/workflows loads at run time must
// not reach statistics, I/O or the heavy libraries, or every edit there becomes a replay question and
// the Temporal sandbox carries the whole stack. Checked on the graph as compiled (type-only imports
// vanish: tsPreCompilationDeps false), transitively (`reachable`), apart from .dependency-cruiser.cjs,
// whose layer rules see types too. dependency-cruiser's `reachable` walks every edge whatever its
// type, so excluding type-only imports needs this second cruise rather than a `dependencyTypesNot`.

/** The judge's files the workflow may hold: the alert state machine, wavewatch's own alert-log rule, rule evaluation, the rollback decision, the verdict and waiver rules (judge/verdict.ts, statistics-free). */
const PURE_JUDGE = '^src/judge/(alerts|alert-log-rule|rules|rollback-decision|verdict|windows|observations)\\.ts$';

/**
 * The sources' I/O-free files (decisions, Redesign: "each source gives a pure budget(plan) in an
 * I/O-free file the workflow may import"): the budget, the source interface, each source's spec and
 * the named time limits. That they stay I/O-free is checked by the next rule (no fs, ssh2, NATS).
 */
const IO_FREE_COLLECT = '^src/collect/(budget|source|specs)\\.ts$|^src/collect/sources/[^/]+/spec\\.ts$|^src/collect/.*/limits\\.ts$';
/** The records' zod definitions: data shapes, no I/O. */
const RECORDS = '^src/artifacts/records/';

module.exports = {
  forbidden: [
    {
      name: 'workflow-bundle-no-statistics',
      comment: 'Statistics live in the judge and run in activities; the workflow keeps only alert states and rule outcomes.',
      severity: 'error',
      from: { path: '^src/workflows/' },
      to: { reachable: true, path: '^src/judge/', pathNot: PURE_JUDGE },
    },
    {
      name: 'workflow-bundle-no-io',
      comment: 'No sources, files, reports, mail, rollback steps or CLI in the workflow: they run in activities.',
      severity: 'error',
      from: { path: '^src/workflows/' },
      to: { reachable: true, path: '^src/(collect/|artifacts/|report/|notify/|remediate/|observe/|client/|worker/|cli/|sim/|stack/)', pathNot: `${IO_FREE_COLLECT}|${RECORDS}` },
    },
    {
      name: 'workflow-bundle-no-heavy-libraries',
      comment: 'vega (charts), ssh2, NATS, nodemailer, the histogram library, zod (the model and records are imported as types only) and node\'s I/O modules stay out of the sandbox.',
      severity: 'error',
      from: { path: '^src/workflows/' },
      to: {
        reachable: true,
        path: '(^|/)node_modules/(vega|vega-lite|zod|ssh2|nats|@nats-io/[^/]+|nodemailer|hdr-histogram-js)/|^(node:)?(fs|fs/promises|path|net|http|https|child_process|os|dgram|tls|worker_threads)$',
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
