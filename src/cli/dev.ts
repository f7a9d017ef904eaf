// `wavewatch dev up|down|status`: the local dev stack (a Temporal dev server with its Web UI and a
// persistent database, and a NATS server on the ports plans/local.yaml names). `up` starts a small
// supervisor process in the background and returns; `down` stops exactly what `up` started.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { loadPlan } from '../plan/load';
import { startNatsServer } from '../stack/nats-server';
import { startTemporalDevServer } from '../stack/temporal-server';
import { WaveCommandError } from '../client/waves';
import type { TemporalSettings } from '../client/connection';
import { say } from './terminal';

const DEV_DIR = resolve('.wavewatch/dev');
const PID_FILE = join(DEV_DIR, 'stack.json');

interface StackInfo {
  pid: number;
  temporal: string;
  ui: string;
  nats: string;
  natsMonitoring: string;
}

function readInfo(): StackInfo | null {
  try {
    const info = JSON.parse(readFileSync(PID_FILE, 'utf8')) as StackInfo;
    process.kill(info.pid, 0); // still alive?
    return info;
  } catch {
    return null;
  }
}

function portOf(url: string): number {
  return Number(new URL(url.replace(/^nats:/, 'http:')).port);
}

export function registerDevCommands(program: Command, _settings: () => TemporalSettings): void {
  const dev = program.command('dev').description('the local dev stack: Temporal dev server + Web UI, NATS');

  dev
    .command('up')
    .description('start the stack in the background (Temporal on 127.0.0.1:7233, Web UI on 8233, NATS from plans/local.yaml)')
    .option('--plan <file>', 'plan whose NATS ports to use', 'plans/local.yaml')
    .action(async (o: { plan: string }) => {
      const running = readInfo();
      if (running) return say(`already up (pid ${running.pid}): Temporal ${running.temporal}, Web UI ${running.ui}, NATS ${running.nats}`);
      loadPlan(o.plan);
      mkdirSync(DEV_DIR, { recursive: true });
      rmSync(PID_FILE, { force: true });
      const log = openSync(join(DEV_DIR, 'stack.log'), 'a');
      const child = spawn(process.execPath, [require.resolve('../../bin/wavewatch.js'), 'dev', 'serve', '--plan', o.plan], {
        detached: true,
        stdio: ['ignore', log, log],
      });
      child.unref();
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        const info = readInfo();
        if (info) return say(`up: Temporal ${info.temporal}, Web UI ${info.ui}, NATS ${info.nats} (monitoring ${info.natsMonitoring}); state in ${DEV_DIR}`);
        if (child.exitCode !== null) break;
        await sleep(300);
      }
      throw new WaveCommandError(`the dev stack did not start; see ${join(DEV_DIR, 'stack.log')}`);
    });

  dev
    .command('serve', { hidden: true })
    .option('--plan <file>', 'plan', 'plans/local.yaml')
    .action(async (o: { plan: string }) => {
      const plan = loadPlan(o.plan);
      const temporal = await startTemporalDevServer({ port: 7233, uiPort: 8233, dbFile: join(DEV_DIR, 'temporal.db'), logFile: join(DEV_DIR, 'temporal.log') });
      const nats = await startNatsServer({ port: portOf(plan.nats.servers[0]), monitorPort: portOf(plan.nats.monitoringUrl), dir: join(DEV_DIR, 'nats') });
      const info: StackInfo = { pid: process.pid, temporal: temporal.address, ui: temporal.uiUrl!, nats: nats.url, natsMonitoring: nats.monitoringUrl };
      writeFileSync(PID_FILE, JSON.stringify(info));
      const stop = async () => {
        await nats.stop();
        await temporal.stop();
        rmSync(PID_FILE, { force: true });
        process.exit(0);
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      setInterval(() => undefined, 1 << 30);
    });

  dev
    .command('down')
    .description('stop what `dev up` started')
    .action(async () => {
      const info = readInfo();
      if (!info) return say('the dev stack is not running');
      process.kill(info.pid, 'SIGTERM');
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && existsSync(PID_FILE)) await sleep(200);
      say('down');
    });

  dev
    .command('status')
    .description('is the dev stack up?')
    .action(() => {
      const info = readInfo();
      say(info ? `up (pid ${info.pid}): Temporal ${info.temporal}, Web UI ${info.ui}, NATS ${info.nats}` : 'down');
    });
}
