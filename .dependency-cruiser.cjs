// The layers of wavewatch, checked in `npm test` (`npm run deps`). Arrows point down only:
//
//   plan, model (and the records' single definition: artifacts/records/)
//     ← collect, judge           sources and the judge know only the plan and the model
//     ← observe                  maps what was collected and judged into records
//     ← artifacts                layout and I/O of the records
//     ← report                   pure rendering of the records
//     ← notify, remediate        mail (may render), rollback steps (run over collect)
//     ← activities               Temporal activities: the one place that wires them together
//     ← workflows                orchestration only; the bundle is checked apart (.dependency-cruiser-bundle.cjs)
//     ← client, worker, cli      the process edges
//   src/sim and src/stack (the simulator and the local stack) are reached only by src/cli.
//
// Each rule below names the layer it guards and lists what that layer MAY import (pathNot); any
// other import of product code is a back-arrow. Type-only imports count: a type drags its layer's
// vocabulary in as surely as a value does (tsPreCompilationDeps: true).
//
// There is no baseline of tolerated violations: a back-arrow fails `npm test` the day it is written.

/** The records' single definition (zod schemas in artifacts/records/, the types inferred from them): shared vocabulary. */
const RECORDS = '^src/artifacts/records/';
const BOTTOM = `^src/(plan|model)/|${RECORDS}`;

/** A rule: files under `from` may import product code only from `allowed` (regex alternatives). */
function layer(name, from, allowed, comment) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: from },
    to: { path: '^src/', pathNot: `${BOTTOM}|${allowed.map((a) => `^src/${a}`).join('|')}` },
  };
}

module.exports = {
  forbidden: [
    {
      name: 'bottom-imports-nothing',
      comment: 'plan and model are the bottom layer: they import no other product code (the records may use them).',
      severity: 'error',
      from: { path: '^src/(plan|model)/' },
      to: { path: '^src/', pathNot: '^src/(plan|model)/' },
    },
    {
      name: 'records-are-vocabulary',
      comment: 'The records (artifacts/records/) are the shared model of the files, the status and the judge: they import only plan and model.',
      severity: 'error',
      from: { path: RECORDS },
      to: { path: '^src/', pathNot: BOTTOM },
    },
    layer('collect-knows-only-the-plan', '^src/collect/', ['collect/'],
      'Sources collect; they know the plan and the model, nothing that judges, records or orchestrates.'),
    layer('judge-knows-only-the-model', '^src/judge/', ['judge/'],
      'The judge decides on observations of the model; it knows nothing of sources, files, reports or Temporal.'),
    layer('observe-below-artifacts', '^src/observe/', ['observe/', 'collect/', 'judge/'],
      'observe maps collections and judgements into records; the files (layout, I/O) sit above it.'),
    layer('artifacts-below-report', '^src/artifacts/', ['artifacts/', 'observe/', 'collect/', 'judge/'],
      'artifacts hold the records\' layout and I/O; they never render (report sits above them).'),
    layer('report-renders-records', '^src/report/', ['report/', 'artifacts/', 'observe/', 'collect/', 'judge/'],
      'report renders what was recorded; it never calls activities, mail or Temporal.'),
    layer('notify-renders-and-sends', '^src/notify/', ['notify/', 'report/', 'artifacts/'],
      'Mail may render (report) and name files (artifacts); it does not judge or collect.'),
    layer('remediate-runs-over-collect', '^src/remediate/', ['remediate/', 'collect/'],
      'Rollback steps run commands over the sources\' connections; nothing above them.'),
    layer('activities-below-workflows', '^src/activities/', ['activities/', 'notify/', 'remediate/', 'report/', 'artifacts/', 'observe/', 'collect/', 'judge/'],
      'Activities wire the layers below; they never reach the workflow, the client, the worker or the CLI.'),
    layer('workflows-below-the-edges', '^src/workflows/', ['workflows/', 'activities/', 'notify/', 'remediate/', 'report/', 'artifacts/', 'observe/', 'collect/', 'judge/'],
      'Workflows orchestrate the layers below (what their bundle may hold by value is checked in .dependency-cruiser-bundle.cjs).'),
    layer('client-speaks-the-messages', '^src/client/', ['client/', 'workflows/'],
      'The client starts, queries and signals waves: the workflows\' message API (next rule), plan and model.'),
    {
      name: 'client-loads-only-the-message-api',
      comment: 'The client may name any workflow type (the input), but loads only the message API, the request validator and the search attributes, never the workflow code.',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { path: '^src/workflows/', pathNot: '^src/workflows/(messages|requests|search-attributes)\\.ts$', dependencyTypesNot: ['type-only', 'type-import'] },
    },
    layer('worker-hosts-activities-and-workflows', '^src/worker/', ['worker/', 'activities/', 'workflows/', 'notify/', 'client/', 'artifacts/store\\.ts$'],
      'The worker process registers activities and workflows with their mail transport, store and connection.'),
    {
      name: 'no-product-imports-the-cli',
      comment: 'src/cli is the top: nothing imports it.',
      severity: 'error',
      from: { pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'sim-and-stack-only-from-cli',
      comment: 'The simulator and the local stack are tooling for `demo` and `sim`: no production path may load them.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(cli|sim|stack)/' },
      to: { path: '^src/(sim|stack)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
