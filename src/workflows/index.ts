// The worker's workflow bundle entry point.
export { waveWorkflow } from './wave';
