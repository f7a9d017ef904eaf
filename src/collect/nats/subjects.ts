// Subject and pattern arithmetic shared by the sampler, the server statistics and the simulator.
// Pure functions, no I/O.

/** The connection name an agent instance uses ({agent}@{host} in Wave 2). */
export function agentConnectionName(template: string, host: string, agent: string): string {
  return template.split('{agent}').join(agent).split('{host}').join(host);
}

/** The probe subject for an agent (the plan's template with {agent} filled). */
export function probeSubject(template: string, agent: string): string {
  return template.split('{agent}').join(agent);
}

/**
 * The part of `subject` matched by the wildcards of `pattern` (`*` tokens and the trailing `>`),
 * joined by "."; null when the subject does not match. For "cim-agent.>" and
 * "cim-agent.network-expert.heartbeat" that is "network-expert.heartbeat": the suffix that pairs a
 * message with its twin on the other pattern.
 */
export function wildcardPart(pattern: string, subject: string): string | null {
  const p = pattern.split('.');
  const s = subject.split('.');
  const parts: string[] = [];
  for (let i = 0; i < p.length; i++) {
    const tok = p[i];
    if (tok === '>') {
      if (i !== p.length - 1 || s.length <= i) return null;
      parts.push(s.slice(i).join('.'));
      return parts.join('.');
    }
    if (i >= s.length) return null;
    if (tok === '*') parts.push(s[i]);
    else if (tok !== s[i]) return null;
  }
  return s.length === p.length ? parts.join('.') : null;
}

/** Whether `subject` (no wildcards) matches `pattern`. */
export function subjectMatches(pattern: string, subject: string): boolean {
  return wildcardPart(pattern, subject) !== null;
}

/**
 * Fills a pattern's wildcards with suffix tokens: each `*` takes one token, `>` takes the rest.
 * Inverse of wildcardPart for patterns whose `*` tokens hold one token each.
 */
export function fillPattern(pattern: string, suffix: string): string {
  const rest = suffix.split('.');
  const out: string[] = [];
  for (const tok of pattern.split('.')) {
    if (tok === '*') out.push(rest.shift() ?? '_');
    else if (tok === '>') {
      out.push(rest.length ? rest.join('.') : '_');
      rest.length = 0;
    } else out.push(tok);
  }
  return out.join('.');
}

/**
 * Whether a subscription on `sub` (which may contain wildcards) receives only messages inside
 * `pattern` and at least some of them: `sub` equals the pattern or is a narrower subject/pattern
 * within it (e.g. "cim-agent.network-expert.>" within "cim-agent.>"). Used for the
 * "dual subscription" check from /connz?subs=1.
 */
export function subscriptionWithin(sub: string, pattern: string): boolean {
  const s = sub.split('.');
  const p = pattern.split('.');
  for (let i = 0; i < p.length; i++) {
    const pt = p[i];
    if (pt === '>') return s.length > i; // any remaining tokens (including '>' or '*') are within
    if (i >= s.length) return false;
    const st = s[i];
    if (st === '>') return false; // sub is wider than the pattern here
    if (pt === '*') continue; // '*' in pattern accepts any single token, including '*' in sub
    if (st === '*' || st !== pt) return false;
  }
  return s.length === p.length;
}
