// The programs of a simulated host, answering from the FleetModel in the exact formats a real
// Debian/Ubuntu DGX host prints with LC_ALL=C: systemctl (show, is-active, is-enabled, start, stop,
// restart, enable, disable), journalctl -o json, cat of /proc files, df -B1 --output, nvidia-smi
// --query-gpu, date. Formats follow systemd, procps, coreutils and ../shared/samples/gpu-host. Every
// time a host prints is on its own clock (SimHost.clockOffsetMs), as a real host's is.
import type { FleetModel } from './fleet-model';
import type { SimUnit, SimJournalEntry, SimGpu } from './sim-host';
import type { Program, ShellResult } from './host-shell';
import { journalJson, procFile } from './host-outputs';

const ok = (stdout = '', stderr = ''): ShellResult => ({ code: 0, stdout, stderr });
const fail = (code: number, stderr: string, stdout = ''): ShellResult => ({ code, stdout, stderr: stderr.endsWith('\n') ? stderr : `${stderr}\n` });

/** systemd's own order for the properties we ask for: Service interface first, then Unit. */
const SHOW_ORDER = [
  'Type', 'Restart', 'MainPID', 'NRestarts', 'ExecMainPID', 'ExecMainStatus', 'MemoryCurrent', 'CPUUsageNSec', 'TasksCurrent',
  'Id', 'Names', 'Description', 'LoadState', 'ActiveState', 'FreezerState', 'SubState', 'UnitFileState',
  'StateChangeTimestamp', 'ActiveEnterTimestamp', 'ActiveExitTimestamp', 'InactiveEnterTimestamp', 'InactiveExitTimestamp',
];

function fmtTimestamp(ms: number | null, unix: boolean): string {
  if (ms === null) return '';
  if (unix) return `@${Math.floor(ms / 1000)}`;
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC`;
}

function withService(unit: string): string {
  return /\.(service|socket|target|timer|mount|slice|scope|path|device|swap|automount)$/.test(unit) ? unit : `${unit}.service`;
}

const UNIT_NAME = /^[A-Za-z0-9:_.@\\-]+$/;

export function simPrograms(model: FleetModel, hostName: string): Record<string, Program> {
  const host = () => model.host(hostName);
  /** A true time (the model's) as this host's clock shows it. */
  const onHostClock = (ms: number | null): number | null => (ms === null ? null : ms + host().clockOffsetMs);

  const showProps = (u: SimUnit | null, name: string, props: string[] | null, unix: boolean): string => {
    const now = model.now();
    const installed = u !== null;
    const active = installed && u.activeState === 'active';
    const values: Record<string, string> = {
      Type: installed ? 'simple' : '',
      Restart: installed ? 'on-failure' : 'no',
      MainPID: String(installed && u.mainPid ? u.mainPid : 0),
      NRestarts: String(installed ? u.nRestarts : 0),
      ExecMainPID: String(installed && u.mainPid ? u.mainPid : 0),
      ExecMainStatus: '0',
      MemoryCurrent: active ? String(model.memoryCurrent(u, now)) : '[not set]',
      CPUUsageNSec: active ? String(model.cpuUsageNSec(u, now)) : '[not set]',
      TasksCurrent: active ? '23' : '[not set]',
      Id: withService(name),
      Names: withService(name),
      Description: installed ? `CIM agent runtime ${u.agent}` : withService(name),
      LoadState: installed ? 'loaded' : 'not-found',
      ActiveState: installed ? u.activeState : 'inactive',
      FreezerState: 'running',
      SubState: installed ? u.subState : 'dead',
      UnitFileState: installed ? (u.enabled ? 'enabled' : 'disabled') : '',
      StateChangeTimestamp: fmtTimestamp(onHostClock(installed ? Math.max(u.activeEnterMs ?? 0, u.activeExitMs ?? 0) || null : null), unix),
      ActiveEnterTimestamp: fmtTimestamp(onHostClock(installed ? u.activeEnterMs : null), unix),
      ActiveExitTimestamp: fmtTimestamp(onHostClock(installed ? u.activeExitMs : null), unix),
      InactiveEnterTimestamp: fmtTimestamp(onHostClock(installed ? u.activeExitMs : null), unix),
      InactiveExitTimestamp: fmtTimestamp(onHostClock(installed ? u.activeEnterMs : null), unix),
    };
    const keys = props ? SHOW_ORDER.filter((k) => props.includes(k)) : SHOW_ORDER;
    // Unknown property names are silently skipped by systemctl show.
    return keys.map((k) => `${k}=${values[k]}\n`).join('');
  };

  const systemctl: Program = (args) => {
    if (!host().hasSystemd) return fail(127, 'sh: 1: systemctl: not found');
    let quiet = false;
    let unix = false;
    let props: string[] | null = null;
    const rest: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--quiet' || a === '-q') quiet = true;
      else if (a === '--no-pager' || a === '--no-legend' || a === '--no-ask-password' || a === '--system') continue;
      else if (a === '-p' || a === '--property') props = [...(props ?? []), ...(args[++i] ?? '').split(',')];
      else if (a.startsWith('--property=')) props = [...(props ?? []), ...a.slice(11).split(',')];
      else if (a.startsWith('-p') && a.length > 2) props = [...(props ?? []), ...a.slice(2).split(',')];
      else if (a.startsWith('--timestamp=')) {
        const f = a.slice(12);
        if (!['unix', 'pretty', 'us', 'utc', 'us+utc', 'µs', 'µs+utc'].includes(f)) return fail(1, `Invalid value for --timestamp: ${f}`);
        unix = f === 'unix';
      } else if (a.startsWith('-')) return fail(1, `systemctl: unrecognized option '${a}'`);
      else rest.push(a);
    }
    const [verb, ...units] = rest;
    if (!verb) return fail(1, 'systemctl: the simulator needs a verb');
    for (const u of units) if (!UNIT_NAME.test(u)) return fail(1, `Unit name ${u} is not valid.`);
    const find = (n: string) => model.unitByName(hostName, n);
    switch (verb) {
      case 'show': {
        if (units.length === 0) return fail(1, 'systemctl: the simulator needs a unit for show');
        return ok(units.map((n) => showProps(find(n), n, props, unix)).join('\n'));
      }
      case 'is-active': {
        let code = 3;
        let out = '';
        for (const n of units) {
          const u = find(n);
          const state = u ? u.activeState : 'inactive';
          if (state === 'active') code = 0;
          out += `${state}\n`;
        }
        return { code, stdout: quiet ? '' : out, stderr: '' };
      }
      case 'is-failed': {
        const u = find(units[0] ?? '');
        const failed = u?.activeState === 'failed';
        return { code: failed ? 0 : 1, stdout: quiet ? '' : `${u ? u.activeState : 'inactive'}\n`, stderr: '' };
      }
      case 'is-enabled': {
        const u = find(units[0] ?? '');
        if (!u) return fail(1, `Failed to get unit file state for ${withService(units[0] ?? '')}: No such file or directory`);
        return { code: u.enabled ? 0 : 1, stdout: quiet ? '' : `${u.enabled ? 'enabled' : 'disabled'}\n`, stderr: '' };
      }
      case 'start':
      case 'stop':
      case 'restart': {
        for (const n of units) {
          const u = find(n);
          if (!u) {
            if (verb === 'stop') return fail(5, `Failed to stop ${withService(n)}: Unit ${withService(n)} not loaded.`);
            return fail(5, `Failed to ${verb} ${withService(n)}: Unit ${withService(n)} not found.`);
          }
          if (verb === 'stop') model.stop(hostName, u.agent);
          else if (verb === 'start') model.start(hostName, u.agent);
          else model.restart(hostName, u.agent);
        }
        return ok();
      }
      case 'enable':
      case 'disable': {
        let err = '';
        for (const n of units) {
          const u = find(n);
          if (!u) return fail(1, `Failed to ${verb} unit: Unit file ${withService(n)} does not exist.`);
          if (u.enabled !== (verb === 'enable'))
            err += verb === 'disable'
              ? `Removed "/etc/systemd/system/multi-user.target.wants/${withService(n)}".\n`
              : `Created symlink /etc/systemd/system/multi-user.target.wants/${withService(n)} → /etc/systemd/system/${withService(n)}.\n`;
          model.setEnabled(hostName, u.agent, verb === 'enable');
        }
        return ok('', err);
      }
      default:
        return fail(1, `Unknown command verb '${verb}'.`);
    }
  };

  const journalctl: Program = (args) => {
    if (!host().hasSystemd) return fail(127, 'sh: 1: journalctl: not found');
    const units: string[] = [];
    let output = 'short';
    let sinceUs: number | null = null;
    let afterSeq: number | null = null;
    let lines: number | null = null;
    let maxPriority = 7;
    let outputFields: string[] | null = null;
    const prio = (v: string) => {
      const names = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];
      const top = v.includes('..') ? v.split('..')[1] : v;
      const n = /^\d$/.test(top) ? Number(top) : names.indexOf(top);
      return n;
    };
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      const val = () => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i]);
      if (a === '-u' || a.startsWith('--unit')) units.push(val() ?? '');
      else if (a.startsWith('--output-fields')) outputFields = (val() ?? '').split(',');
      else if (a === '-o' || a === '--output' || a.startsWith('--output=')) output = val() ?? '';
      else if (a === '-q' || a === '--quiet' || a === '--no-pager' || a === '--no-hostname' || a === '-a' || a === '--all' || a === '-m' || a === '--merge') continue;
      else if (a === '-S' || a.startsWith('--since')) {
        const v = val() ?? '';
        const m = /^@(\d+(?:\.\d+)?)$/.exec(v);
        if (!m) return fail(1, `Failed to parse timestamp: ${v}`);
        // --since is read on the host's clock: the same instant in true time is offset earlier
        sinceUs = Math.round(Number(m[1]) * 1e6) - host().clockOffsetMs * 1000;
      } else if (a.startsWith('--after-cursor')) {
        const v = val() ?? '';
        const m = /(?:^|;)i=([0-9a-f]+)(?:;|$)/.exec(v);
        if (!m || !v.includes(`s=${model.seqnumId}`)) return fail(1, 'Failed to seek to cursor: Invalid argument');
        afterSeq = parseInt(m[1], 16);
      } else if (a === '-n' || a.startsWith('--lines')) lines = Number(val());
      else if (a === '-p' || a.startsWith('--priority')) {
        maxPriority = prio(val() ?? '');
        if (maxPriority < 0) return fail(1, 'Failed to parse priority value');
      } else return fail(1, `journalctl: unrecognized option '${a}'`);
    }
    if (output !== 'json') return fail(1, 'journalctl: the simulator answers only -o json');
    let entries: { u: SimUnit; e: SimJournalEntry }[] = [];
    for (const name of units) {
      const u = model.unitByName(hostName, name);
      if (u) entries.push(...u.journal.map((e) => ({ u, e })));
    }
    entries = entries
      .filter(({ e }) => e.priority <= maxPriority && (sinceUs === null || e.realtimeUs >= sinceUs) && (afterSeq === null || e.seq > afterSeq))
      .sort((a, b) => a.e.seq - b.e.seq);
    if (lines !== null && Number.isFinite(lines)) entries = entries.slice(Math.max(0, entries.length - lines));
    const ALWAYS = ['__CURSOR', '__REALTIME_TIMESTAMP', '__MONOTONIC_TIMESTAMP', '_BOOT_ID'];
    const pick = (o: Record<string, unknown>) => {
      if (!outputFields) return o;
      const r: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(o)) if (ALWAYS.includes(k) || outputFields.includes(k)) r[k] = v;
      return r;
    };
    return ok(entries.map(({ u, e }) => `${JSON.stringify(pick(journalJson(model, hostName, u, e)))}\n`).join(''));
  };

  // GNU date: `date +FORMAT` with %s (seconds), %N (nanoseconds) and %% — what wavewatch sends.
  const date: Program = (args) => {
    if (args.length !== 1 || !args[0].startsWith('+')) return fail(1, 'date: the simulator answers only "date +FORMAT"');
    const ms = onHostClock(model.now()) as number;
    const out = args[0].slice(1).replace(/%([sN%])/g, (_, c: string) =>
      c === 's' ? String(Math.floor(ms / 1000)) : c === 'N' ? String(Math.round((ms % 1000) * 1e6)).padStart(9, '0') : '%');
    return ok(`${out}\n`);
  };

  const cat: Program = (args) => {
    let stdout = '';
    let stderr = '';
    let code = 0;
    for (const f of args) {
      const text = procFile(model, hostName, f);
      if (text === null) {
        stderr += `cat: ${f}: No such file or directory\n`;
        code = 1;
      } else stdout += text;
    }
    return { code, stdout, stderr };
  };

  const df: Program = (args) => {
    let fields = ['source', 'size', 'used', 'avail', 'pcent', 'target'];
    const paths: string[] = [];
    for (const a of args) {
      if (a === '-B1' || a === '--block-size=1' || a === '-P') continue;
      if (a.startsWith('--output=')) fields = a.slice(9).split(',');
      else if (a.startsWith('-')) return fail(1, `df: unrecognized option '${a}'`);
      else paths.push(a);
    }
    const h = host();
    const rows: string[][] = [];
    const spec: Record<string, { header: string; min: number; left: boolean; value: () => string }> = {
      source: { header: 'Filesystem', min: 14, left: true, value: () => h.disk.source },
      fstype: { header: 'Type', min: 4, left: true, value: () => h.disk.fstype },
      size: { header: '1B-blocks', min: 5, left: false, value: () => String(h.disk.sizeBytes) },
      used: { header: 'Used', min: 5, left: false, value: () => String(h.disk.usedBytes) },
      avail: { header: 'Avail', min: 5, left: false, value: () => String(Math.max(0, h.disk.sizeBytes - h.disk.usedBytes - Math.round(h.disk.sizeBytes * 0.05))) },
      pcent: { header: 'Use%', min: 4, left: false, value: () => `${Math.ceil((h.disk.usedBytes * 100) / (h.disk.usedBytes + Math.max(1, h.disk.sizeBytes - h.disk.usedBytes - Math.round(h.disk.sizeBytes * 0.05))))}%` },
      target: { header: 'Mounted on', min: 0, left: true, value: () => h.disk.target },
    };
    for (const f of fields) if (!spec[f]) return fail(1, `df: option --output: field '${f}' unknown`);
    let stderr = '';
    let code = 0;
    for (const p of paths.length ? paths : ['/']) {
      if (!(p === '/' || p === h.installPath || p.startsWith(`${h.installPath}/`))) {
        stderr += `df: ${p}: No such file or directory\n`;
        code = 1;
        continue;
      }
      rows.push(fields.map((f) => spec[f].value()));
    }
    if (rows.length === 0) return { code: 1, stdout: '', stderr: stderr || 'df: no file systems processed\n' };
    const table = [fields.map((f) => spec[f].header), ...rows];
    const widths = fields.map((f, i) => Math.max(spec[f].min, ...table.map((r) => r[i].length)));
    const text = table
      .map((r) => r.map((c, i) => (i === r.length - 1 && spec[fields[i]].left ? c : spec[fields[i]].left ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' '))
      .join('\n');
    return { code, stdout: `${text}\n`, stderr };
  };

  const nvidiaSmi: Program = (args) => {
    const gpus = host().gpus;
    if (!gpus) return fail(127, 'sh: 1: nvidia-smi: not found');
    let fields: string[] | null = null;
    let format = 'csv';
    for (const a of args) {
      if (a.startsWith('--query-gpu=')) fields = a.slice(12).split(',');
      else if (a.startsWith('--format=')) format = a.slice(9);
      else return fail(2, `Invalid combination of input arguments. Please run 'nvidia-smi -h' for help.`);
    }
    if (!fields) return fail(2, 'the simulator answers only --query-gpu');
    const opts = format.split(',');
    if (!opts.includes('csv')) return fail(2, `Invalid format: ${format}`);
    const units = !opts.includes('nounits');
    const header = !opts.includes('noheader');
    const col: Record<string, { h: string; unit: string; v: (g: SimGpu) => string }> = {
      index: { h: 'index', unit: '', v: (g) => String(g.index) },
      uuid: { h: 'uuid', unit: '', v: (g) => g.uuid },
      name: { h: 'name', unit: '', v: (g) => g.name },
      'utilization.gpu': { h: 'utilization.gpu [%]', unit: ' %', v: (g) => String(g.utilizationPct) },
      'utilization.memory': { h: 'utilization.memory [%]', unit: ' %', v: (g) => String(g.memoryUtilizationPct) },
      'memory.total': { h: 'memory.total [MiB]', unit: ' MiB', v: (g) => String(g.memoryTotalMiB) },
      'memory.used': { h: 'memory.used [MiB]', unit: ' MiB', v: (g) => String(g.memoryUsedMiB) },
      'temperature.gpu': { h: 'temperature.gpu', unit: '', v: (g) => String(g.temperatureC) },
      'power.draw': { h: 'power.draw [W]', unit: ' W', v: (g) => g.powerW.toFixed(2) },
      'ecc.errors.uncorrected.volatile.total': { h: 'ecc.errors.uncorrected.volatile.total', unit: '', v: (g) => String(g.eccUncorrected) },
      'clocks_throttle_reasons.active': { h: 'clocks_throttle_reasons.active', unit: '', v: (g) => g.throttleReasons },
    };
    for (const f of fields) if (!col[f]) return fail(2, `Field "${f}" is not a valid field to query.`);
    let out = header ? `${fields.map((f) => (units ? col[f].h : col[f].h.replace(/ \[.*\]$/, ''))).join(', ')}\n` : '';
    for (const g of gpus) out += `${fields.map((f) => col[f].v(g) + (units ? col[f].unit : '')).join(', ')}\n`;
    return ok(out);
  };

  const hostname: Program = () => ok(`${hostName}\n`);

  return { systemctl, journalctl, cat, df, 'nvidia-smi': nvidiaSmi, hostname, date };
}
