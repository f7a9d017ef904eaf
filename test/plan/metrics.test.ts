import { FLEET_METRICS, METRIC_NAMES, METRIC_REGISTRY, METRICS, PER_AGENT_METRICS, noiseFloor, unitOf } from '../../src/plan/metrics';
import { measure } from '../../src/judge/measure';
import { TEST_SCOPE } from '../../src/judge/measure/context';
import { healthyHistory, HOUR, plan, START } from '../judge/fixtures';

describe('the metric registry', () => {
  it('defines every fact of every metric', () => {
    for (const name of METRIC_NAMES) {
      const f = METRIC_REGISTRY[name];
      expect(f.description.length).toBeGreaterThan(10);
      expect(['pct', 'ms', 'seconds', 'count', 'bytes', 'rate', 'load']).toContain(f.unit);
      expect(['lower', 'higher', 'none']).toContain(f.better);
      expect(['fleet', 'agent', 'cohort']).toContain(f.scope);
      expect(noiseFloor(name, plan)).toBeGreaterThanOrEqual(0);
      expect(METRICS[name]).toBe(f.description);
    }
  });
  it('derives the alert scopes and the per-agent set the judge used before the registry', () => {
    expect([...FLEET_METRICS].sort()).toEqual(
      ['hosts.unreachable_count', 'system.load1_max', 'system.high_load_ticks', 'system.memory_used_pct_max', 'system.disk_used_pct_max',
        'nats.unreachable_ticks', 'nats.dual_publish_pct', 'nats.agent_ref_pct', 'nats.publish_time_ms', 'nats.slow_consumers',
        // the continuous watch's (issue 14)
        'nats.outage_count', 'nats.outage_seconds', 'watch.blind_seconds'].sort(),
    );
    expect([...PER_AGENT_METRICS].sort()).toEqual(
      ['agents.active_pct', 'agents.inactive_count', 'agents.unknown_count', 'agents.restarts', 'agents.crashes', 'agents.uptime_pct',
        'errors.count', 'errors.per_5min', 'errors.rate_pct',
        'probe.delivery_pct', 'probe.loss_count', 'probe.p50_ms', 'probe.p99_ms', 'probe.p999_ms', 'latency.degradation_pct',
        'memory.leak_count', 'agent.silent_seconds'].sort(),
    );
  });
  it('every metric is measured by the judge (a value or null with a note or error, never missing)', () => {
    const m = measure({ plan, startMs: START }, healthyHistory(6 * HOUR), 'wave', TEST_SCOPE);
    expect(Object.keys(m).sort()).toEqual([...METRIC_NAMES].sort());
    for (const name of METRIC_NAMES) expect(m[name]!.value !== null || Boolean(m[name]!.note || m[name]!.error)).toBe(true);
  });
  it('gives the unit of a metric named in a record; a name outside the registry has none', () => {
    expect(unitOf('nats.dual_publish_pct')).toBe('pct');
    expect(unitOf('probe.p99_ms')).toBe('ms');
    expect(unitOf('errors.per_5min')).toBe('rate');
    expect(unitOf('toString')).toBeNull();
    expect(unitOf('memory_bytes')).toBeNull();
    // the names' suffixes agree with the units (reports once guessed the unit from them)
    for (const n of METRIC_NAMES) if (n.endsWith('_pct')) expect(unitOf(n)).toBe('pct');
  });
});
