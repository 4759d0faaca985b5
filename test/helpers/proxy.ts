/**
 * A small TCP proxy for fault tests. blackhole() stops forwarding in both directions while keeping
 * every connection open (what a dead switch or a stuck firewall does: no RST, no FIN, just silence);
 * new connections are accepted and left waiting. resume() forwards everything held back and goes on.
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Stop forwarding; sockets stay open and silent. */
  blackhole(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let holding = false;
  const pairs = new Set<[net.Socket, net.Socket]>();
  const waiting: (() => void)[] = [];

  const server = net.createServer((client) => {
    const connect = () => {
      const upstream = net.connect(target.port, target.host);
      const pair: [net.Socket, net.Socket] = [client, upstream];
      pairs.add(pair);
      client.pipe(upstream);
      upstream.pipe(client);
      const end = () => {
        pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      if (holding) hold(pair);
    };
    client.on('error', () => client.destroy());
    if (holding) {
      client.pause();
      waiting.push(connect);
    } else connect();
  });
  // Pausing both ends stops the pipes reading: bytes stay in the kernel's buffers, unforwarded.
  const hold = ([a, b]: [net.Socket, net.Socket]) => {
    a.unpipe(b);
    b.unpipe(a);
    a.pause();
    b.pause();
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    blackhole() {
      holding = true;
      for (const pair of pairs) hold(pair);
    },
    resume() {
      holding = false;
      for (const [a, b] of pairs) {
        a.pipe(b);
        b.pipe(a);
      }
      for (const connect of waiting.splice(0)) connect();
    },
    async close() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
