// Socket checks the local loop runs before starting anything: is a port free to listen on,
// and does something answer at host:port (the emulator `publish` is about to use).
import { createConnection, createServer } from 'node:net';
import { UsageError } from './errors.js';

/** Resolves true when `port` on `host` can be listened on right now. */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** A port number from an option, refused unless 1..65535. */
export function portOption(flag: string, value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535)
    throw new UsageError(`${flag} must be a port number 1..65535, not "${value}"`);
  return port;
}

/** Refuses (one line) when any wanted port is taken, naming what it was for. */
export async function requireFreePorts(wanted: ReadonlyArray<{ port: number; for: string }>) {
  for (const { port, for: what } of wanted) {
    if (!(await portIsFree(port)))
      throw new UsageError(
        `port ${port} (for ${what}) is in use: stop what listens there (\`lsof -i :${port}\`) or choose other ports (--port, --emulator-port)`,
      );
  }
}

/** Resolves true when a TCP connection to host:port opens within `timeoutMs`. */
export function answers(hostPort: string, timeoutMs = 2000): Promise<boolean> {
  const at = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, at).replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(hostPort.slice(at + 1));
  if (at < 0 || !Number.isInteger(port)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
