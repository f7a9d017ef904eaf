// The scenario runner's effects (FleetEffects) and their implementation on a LocalFleet.
import type { LocalFleet } from '../stack/local-stack';
import { ERROR_PUMP_MS, unitKey, type ScenarioAgentFault } from './scenario-state';

/** The scenario's faults as the fleet sees them. Values of null mean "back to how it was". */
export interface FleetEffects {
  /** The scenario's whole agent fault for one instance (replaces what the scenario set before). */
  setAgentFault(host: string, agent: string, fault: ScenarioAgentFault): void;
  /** The unit's main process dies; systemd restarts it. */
  crash(host: string, agent: string): void;
  setUnitStopped(host: string, agent: string, stopped: boolean): void;
  setHostDown(host: string, mode: 'refuse' | 'hang' | null): void;
  setLoad(host: string, load1: number | null): void;
  setDiskPct(host: string, pct: number | null): void;
  /** Bytes per real second; null: the unit's own growth again. */
  setMemoryGrowth(host: string, agent: string, bytesPerSec: number | null): void;
  /** Writes `count` error lines to the unit's journal now. */
  logErrors(host: string, agent: string, count: number): void;
  setNatsDown(down: boolean): Promise<void> | void;
}

/**
 * The runner's effects on a LocalFleet: agent faults through SimAgents, units, hosts, load, disk and
 * memory through the FleetModel, NATS through its server handle. What the scenario changes is put
 * back as it was found when the fault ends. A crash restarts the unit after RestartSec (5 s of plan
 * time, so a crash costs the same uptime at every scale).
 */
export function fleetEffects(fleet: Pick<LocalFleet, 'model' | 'agents' | 'nats'>, opts: { timeScale: number; restartSecPlanMs?: number }): FleetEffects & { dispose(): void } {
  const { model, agents, nats } = fleet;
  const restartDelay = (opts.restartSecPlanMs ?? 5000) / opts.timeScale;
  const timers = new Set<NodeJS.Timeout>();
  const loadBase = new Map<string, [number, number, number]>();
  const diskBase = new Map<string, number>();
  const growthBase = new Map<string, number>();
  const stoppedByUs = new Set<string>();
  return {
    setAgentFault(host, agent, f) {
      agents.setFault({ host, agent }, { latencyMs: f.latencyMs, dropRepliesPct: f.dropRepliesPct, corruptPct: f.corruptPct, singlePublish: f.singlePublish });
    },
    crash(host, agent) {
      if (!model.isActive(host, agent)) return;
      model.crash(host, agent, { restart: false });
      const t = setTimeout(() => {
        timers.delete(t);
        const u = model.unit(host, agent);
        // Restart=on-failure: only a unit still failed comes back (a rollback may have stopped it meanwhile).
        if (u.activeState !== 'failed' || !u.enabled) return;
        u.nRestarts++;
        model.start(host, agent);
      }, restartDelay);
      timers.add(t);
    },
    setUnitStopped(host, agent, stopped) {
      const k = unitKey(host, agent);
      if (stopped) {
        if (model.unit(host, agent).activeState === 'active') stoppedByUs.add(k);
        model.stop(host, agent);
      } else if (stoppedByUs.delete(k)) {
        // Started again only when nothing else changed it meanwhile (a rollback disables the unit).
        const u = model.unit(host, agent);
        if (u.activeState === 'inactive' && u.enabled) model.start(host, agent);
      }
    },
    setHostDown(host, mode) {
      model.setHostDown(host, mode !== null, mode ?? 'refuse');
    },
    setLoad(host, load1) {
      if (!loadBase.has(host)) loadBase.set(host, [...model.host(host).load]);
      if (load1 === null) model.setLoad(host, ...loadBase.get(host)!);
      else model.setLoad(host, load1, load1, load1);
    },
    setDiskPct(host, pct) {
      const disk = model.host(host).disk;
      if (!diskBase.has(host)) diskBase.set(host, disk.usedBytes);
      model.setDiskUsed(host, pct === null ? diskBase.get(host)! : Math.round((disk.sizeBytes * pct) / 100));
    },
    setMemoryGrowth(host, agent, bytesPerSec) {
      const k = unitKey(host, agent);
      if (!growthBase.has(k)) growthBase.set(k, model.unit(host, agent).memoryGrowthPerSec);
      model.setMemoryGrowth(host, agent, bytesPerSec ?? growthBase.get(k)!);
    },
    logErrors(host, agent, count) {
      if (!model.isActive(host, agent)) return;
      model.errorBurst(host, agent, count, { spreadMs: ERROR_PUMP_MS, message: `ERROR ${agent}: failed to handle request {n}: upstream timeout after 5000ms` });
    },
    async setNatsDown(down) {
      if (down) await nats.kill();
      else await nats.restart();
    },
    dispose() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
