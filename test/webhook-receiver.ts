import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Received = {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
};

/** How the receiver answers a request: a status code (or a delay first). */
export type Responder = (request: Received, index: number) => number | Promise<number>;

/**
 * A webhook receiver on 127.0.0.1 for tests: it keeps every request it got and answers with what
 * `respond` says (200 by default). Reach it with the dev setting (allowHttp) on.
 */
export async function startReceiver(respond: Responder = () => 200) {
  const received: Received[] = [];
  let responder = respond;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: Received['json'];
      try {
        json = JSON.parse(body);
      } catch {
        json = { id: '', type: '', occurredAt: '', data: {} };
      }
      const request = { path: req.url ?? '/', headers: req.headers, body, json };
      received.push(request);
      const status = await responder(request, received.length - 1);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'receiver says no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path = '/hooks') => `http://127.0.0.1:${port}${path}`,
    received,
    respondWith(next: Responder) {
      responder = next;
    },
    /** Waits until `predicate` holds for what was received (polling), or fails after `timeoutMs`. */
    async waitFor(predicate: (all: Received[]) => boolean, timeoutMs = 20_000, what = 'the expected deliveries'): Promise<Received[]> {
      const until = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}; received ${received.length}: ${received.map((r) => r.json.type).join(', ')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
