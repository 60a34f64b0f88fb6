import { type AddressInfo, createServer } from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';

/** A broker the tests start and stop themselves. */
export interface TestBroker {
  url: string;
  stop(): Promise<void>;
}

/** An Aedes broker in this process, on a free loopback port. */
export async function startAedes(options: Partial<AedesOptions> = {}): Promise<TestBroker> {
  const broker = await Aedes.createBroker(options);
  const server = createServer((socket) => broker.handle(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
