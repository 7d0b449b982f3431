// A TCP proxy in front of the test server that can cut a connection at the worst moment: right
// after the server committed, before the client hears it (an append that may have committed).
import { createServer, connect, type Server, type Socket } from 'node:net';

// ReadyForQuery, idle: 'Z', int32 length 5, 'I' — the reply that ends a transaction the server
// has just committed (a COMMIT, or a statement run as its own transaction).
const COMMIT_DONE = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);

export interface PgProxy {
  port: number;
  /** Cut the next connection whose server reply ends a committed transaction, dropping that reply. */
  dropNextCommitReply(): void;
  /** How many replies were dropped. */
  dropped(): number;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<PgProxy> {
  let armed = false;
  let dropped = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d: Buffer) => {
      if (armed && d.includes(COMMIT_DONE)) {
        armed = false;
        dropped++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(d);
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    dropNextCommitReply: () => (armed = true),
    dropped: () => dropped,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
