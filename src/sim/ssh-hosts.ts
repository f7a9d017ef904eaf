// The simulated fleet's SSH side: one ssh2 Server per plan host on 127.0.0.1, each with its own host
// key, accepting only the fleet's client key, answering commands through the small shell of
// host-shell.ts from the FleetModel. Keys live in stateDir and are reused, so a restarted fleet
// keeps its host keys and known_hosts stays valid; host-key verification stays on locally too.
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { Server, utils, type Connection, type ServerChannel } from 'ssh2';
import type { Plan } from '../plan/schema';
import { FleetModel } from './fleet-model';
import { SimShell } from './host-shell';
import { simPrograms } from './host-commands';

export interface SimHosts {
  hosts: { name: string; port: number }[];
  knownHostsFile: string;
  clientKeyFile: string;
  model: FleetModel;
  /** Commands received per host (for tests: what ran, how many connections). */
  stats: Map<string, { connections: number; commands: string[]; maxChannels: number }>;
  stop(): Promise<void>;
}

export interface StartSimHostsOptions {
  plan: Plan;
  stateDir: string;
  model?: FleetModel;
  /** Per host (plan order); 0 or absent = a free port. */
  ports?: number[];
  /** Delay before each command's answer, ms (latency of a real host). */
  commandDelayMs?: number;
  /** Sessions a connection may have open at once (OpenSSH's MaxSessions). Default 10. */
  maxSessions?: number;
}

async function readOrCreateKey(file: string, comment: string): Promise<{ private: string; public: string }> {
  try {
    const priv = await readFile(file, 'utf8');
    const pub = await readFile(`${file}.pub`, 'utf8');
    const parsed = utils.parseKey(priv);
    if (!(parsed instanceof Error)) return { private: priv, public: pub.trim() };
  } catch {
    /* create below */
  }
  // ssh2 1.17 writes a small share of ed25519 keys it cannot read back (mscdex/ssh2#1513):
  // keep only a key that parses.
  let k = utils.generateKeyPairSync('ed25519', { comment });
  for (let i = 0; i < 20 && utils.parseKey(k.private) instanceof Error; i++) k = utils.generateKeyPairSync('ed25519', { comment });
  await writeFile(file, k.private, { mode: 0o600 });
  await chmod(file, 0o600);
  await writeFile(`${file}.pub`, `${k.public.trim()}\n`, { mode: 0o644 });
  return { private: k.private, public: k.public.trim() };
}

export async function startSimHosts(opts: StartSimHostsOptions): Promise<SimHosts> {
  const { plan, stateDir } = opts;
  const model = opts.model ?? new FleetModel(plan);
  await mkdir(join(stateDir, 'host_keys'), { recursive: true, mode: 0o700 });
  const clientKeyFile = join(stateDir, 'client_key');
  const clientKey = await readOrCreateKey(clientKeyFile, 'wavewatch-sim-client');
  const clientPub = utils.parseKey(clientKey.public);
  if (clientPub instanceof Error) throw new Error(`cannot read the simulator's client key ${clientKeyFile}.pub: ${clientPub.message}`);
  const clientBlob = clientPub.getPublicSSH();

  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const connections = new Map<string, Set<Connection>>();
  const stats: SimHosts['stats'] = new Map();
  const hosts: { name: string; port: number }[] = [];
  const knownLines: string[] = [];
  const maxSessions = opts.maxSessions ?? 10;

  const dropConnections = (name: string) => {
    for (const c of connections.get(name) ?? []) c.end();
  };
  const onHostChanged = ({ host, down }: { host: string; down: string | null }) => {
    if (down) dropConnections(host);
  };
  model.on('host-changed', onHostChanged);

  try {
    for (let i = 0; i < plan.hosts.length; i++) {
      const ph = plan.hosts[i];
      const keyFile = join(stateDir, 'host_keys', `${ph.name}_ed25519`);
      const hostKey = await readOrCreateKey(keyFile, `root@${ph.name}`);
      const shell = new SimShell(simPrograms(model, ph.name));
      const st = { connections: 0, commands: [] as string[], maxChannels: 0 };
      stats.set(ph.name, st);
      connections.set(ph.name, new Set());
      const server = new Server({ hostKeys: [hostKey.private], ident: 'OpenSSH_9.2p1 Debian-2+deb12u3' }, (conn) => {
        conn.on('error', () => undefined);
        const sim = model.host(ph.name);
        if (sim.down) {
          conn.end();
          return;
        }
        st.connections++;
        connections.get(ph.name)!.add(conn);
        conn.on('close', () => connections.get(ph.name)!.delete(conn));
        conn.on('authentication', (ctx) => {
          if (ctx.method !== 'publickey' || ctx.username !== ph.user) return ctx.reject(['publickey']);
          const blob = ctx.key.data;
          if (ctx.key.algo !== clientPub.type || blob.length !== clientBlob.length || !timingSafeEqual(blob, clientBlob)) return ctx.reject(['publickey']);
          if (!ctx.signature) return ctx.accept(); // the client asks whether this key would do
          if (ctx.blob && clientPub.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
          return ctx.reject(['publickey']);
        });
        conn.on('ready', () => {
          let open = 0;
          conn.on('session', (accept, reject) => {
            if (open >= maxSessions) return reject();
            const session = accept();
            open++;
            st.maxChannels = Math.max(st.maxChannels, open);
            let done = false;
            const closed = () => {
              if (!done) {
                done = true;
                open--;
              }
            };
            session.on('close', closed);
            session.on('env', (accept2) => accept2?.());
            session.on('pty', (_a, reject2) => reject2?.());
            session.on('shell', (_a, reject2) => reject2?.());
            session.on('exec', (acceptExec, _reject, info) => {
              const stream: ServerChannel = acceptExec();
              st.commands.push(info.command);
              const ac = new AbortController();
              stream.on('close', () => {
                ac.abort();
                closed();
              });
              session.on('signal', (_a, _r, s) => {
                if (s?.name === 'KILL' || s?.name === 'TERM') ac.abort();
              });
              const run = async () => {
                if (opts.commandDelayMs) await new Promise((r) => setTimeout(r, opts.commandDelayMs));
                if (model.host(ph.name).down) {
                  conn.end();
                  return;
                }
                const r = await shell.run(info.command, { env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' }, stdin: '', signal: ac.signal });
                if (ac.signal.aborted && r.code === 137) {
                  // killed by the client closing the channel: a real host's process just dies
                  if (stream.writable) stream.exit('KILL', false, '');
                } else if (stream.writable) {
                  if (r.stdout) stream.write(r.stdout);
                  if (r.stderr) stream.stderr.write(r.stderr);
                  stream.exit(r.code);
                }
                if (stream.writable) stream.end();
              };
              run().catch((err) => {
                if (stream.writable) {
                  stream.stderr.write(`simulator error: ${(err as Error).message}\n`);
                  stream.exit(255);
                  stream.end();
                }
              });
            });
          });
        });
      });
      // Sockets pass through here first: a "refuse" host closes them, a "hang" host keeps them open
      // without ever speaking (the client's connect timeout ends it), others go on to ssh2.
      const netServer = (server as unknown as { _srv: import('node:net').Server })._srv;
      const original = netServer.listeners('connection') as ((s: Socket) => void)[];
      netServer.removeAllListeners('connection');
      netServer.on('connection', (sock: Socket) => {
        sockets.add(sock);
        sock.on('close', () => sockets.delete(sock));
        sock.on('error', () => undefined);
        const down = model.host(ph.name).down;
        if (down === 'refuse') sock.destroy();
        else if (down === 'hang') sock.resume();
        else for (const l of original) l.call(netServer, sock);
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.ports?.[i] ?? 0, '127.0.0.1', () => {
          server.removeListener('error', reject);
          resolve();
        });
      });
      servers.push(server);
      const port = (server.address() as { port: number }).port;
      hosts.push({ name: ph.name, port });
      const [type, b64] = hostKey.public.split(/\s+/);
      knownLines.push(`[127.0.0.1]:${port} ${type} ${b64}`);
    }
  } catch (err) {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    model.removeListener('host-changed', onHostChanged);
    throw err;
  }

  const knownHostsFile = join(stateDir, 'known_hosts');
  await writeFile(knownHostsFile, `${knownLines.join('\n')}\n`, { mode: 0o644 });

  let stopped = false;
  return {
    hosts,
    knownHostsFile,
    clientKeyFile,
    model,
    stats,
    async stop() {
      if (stopped) return;
      stopped = true;
      model.removeListener('host-changed', onHostChanged);
      for (const set of connections.values()) for (const c of set) c.end();
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
