// Rollback step commands name their targets by placeholders ({host}, {agent}, {unit}), which
// remediate/rollback-step.ts fills with validated names, each already shell-quoted as one word
// ('dgx-1'). Inside quotes that word keeps its quote marks: `"{unit}"` becomes `"'agent-runtime@x'"`,
// a unit no host has, so `skipIf: ! systemctl is-active --quiet "{unit}"` is always true and the
// step never runs. So a placeholder inside quotes is refused, not "fixed" by guessing the intent.
// Outside quotes the word joins the text around it as the shell always does: /opt/{agent}/bin.

const PLACEHOLDER = /\{(host|agent|unit)\}/y;

/** Why a step's command template cannot be run as written, in one line; null when it can. */
export function stepTemplateProblem(template: string, forEach: 'agent' | 'host'): string | null {
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < template.length; i++) {
    PLACEHOLDER.lastIndex = i;
    const m = PLACEHOLDER.exec(template);
    if (m) {
      if (quote)
        return `placeholder ${m[0]} is inside quotes: placeholders are filled already shell-quoted as one word, so write ${m[0]} without quotes (${quote}${m[0]}${quote} would keep the quote marks in the name)`;
      if (forEach === 'host' && m[1] !== 'host') return `${m[0]} names an agent, but this step runs once per host (forEach: host): use forEach: agent`;
      i += m[0].length - 1;
      continue;
    }
    const c = template[i];
    if (quote === "'") {
      if (c === "'") quote = null;
    } else if (c === '\\') i++;
    else if (quote === '"') {
      if (c === '"') quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(template[i - 1]))) break; // a comment: the shell reads no further
  }
  if (quote) return `unterminated ${quote} quote: the shell would refuse the command`;
  return null;
}
