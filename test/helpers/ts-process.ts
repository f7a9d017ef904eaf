// Arguments for `node` to run a TypeScript file in this very process, through tsx's require hook.
// Not `tsx/cli`: that runs the script in a second process, so a SIGKILL meant for the script (the
// durability tests' worker kill) would only kill tsx's parent and leave the script running.
export function tsProcessArgs(script: string, ...args: string[]): string[] {
  return ['--require', require.resolve('tsx/cjs'), script, ...args];
}
