// What the activities take from the collectors' new parts, one import for each job. The continuous
// watch (issue 14): runWatch and its option type; its report shape lives in model/watch.ts.
export { runWatch } from './watch/watch';
export type { RunWatchOptions } from './watch/watch';
