// A NATS publisher or bare subscriber in its own process, for bench/sampler-ceiling.ts.
//   tsx nats-child.ts pub URL AGENT   then stdin lines: {"events":N,"rate":R}  → stdout {"published":N,"ms":T}
//     publishes N events at R events/s (stopping early after maxMs, when given), each on the legacy and the unified subject with the same
//     Nats-Msg-Id and payload (as the simulated agents do), then flushes.
//   tsx nats-child.ts sub URL         then stdin lines: {"cmd":"reset"} | {"cmd":"count"} → stdout {"count":N,"slow":bool}
//     a bare subscriber on cim-agent.> and cim.agent.> that only counts.
import { createInterface } from 'node:readline';
import { connect, headers } from '../src/collect/nats/client';

const [role, url, agent] = process.argv.slice(2);
const send = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');

(async () => {
  const nc = await connect({ servers: url, name: `bench:${role}:${agent ?? 'sub'}`, pending: 256 * 1024 * 1024 });
  let count = 0;
  let slow = false;
  if (role === 'sub') {
    (async () => {
      for await (const s of nc.status()) if ((s as { type: string }).type === 'slowConsumer') slow = true;
    })().catch(() => undefined);
    for (const p of ['cim-agent.>', 'cim.agent.>']) nc.subscribe(p, { callback: () => void count++ });
    await nc.flush();
  }
  send({ ready: true });
  let gen = 0;
  const rl = createInterface({ input: process.stdin });
  rl.on('line', async (line) => {
    const m = JSON.parse(line);
    if (role === 'sub') {
      if (m.cmd === 'reset') {
        count = 0;
        slow = false;
      }
      if (m.cmd === 'count') await nc.flush().catch(() => undefined);
      return send({ count, slow });
    }
    const events: number = m.events;
    const rate: number = m.rate;
    const maxMs: number = m.maxMs ?? Infinity;
    const g = ++gen;
    const t0 = performance.now();
    const tickMs = 5;
    let sent = 0;
    const kinds = ['heartbeat', 'status', 'task.completed', 'capability.announce'];
    while (sent < events && performance.now() - t0 < maxMs) {
      const due = Math.min(events, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
      while (sent < due) {
        sent++;
        const kind = kinds[sent % kinds.length];
        const suffix = `${agent}.${kind}`;
        const payload = JSON.stringify({ agent, host: 'bench', kind, seq: sent, g, ts: Date.now() });
        const h = headers();
        h.set('Nats-Msg-Id', `${agent}-${g}-${sent}`);
        nc.publish(`cim-agent.${suffix}`, payload, { headers: h });
        nc.publish(`cim.agent.${suffix}`, payload, { headers: h });
      }
      await new Promise((r) => setTimeout(r, tickMs));
    }
    await nc.flush();
    send({ published: sent, ms: performance.now() - t0 });
  });
  rl.on('close', async () => {
    await nc.close().catch(() => undefined);
    process.exit(0);
  });
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
