import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Config } from '../config/index.js';
import { createApp } from '../http/index.js';
import { bootstrapIdentity } from '../identity/index.js';
import type { Logger } from '../observability/index.js';
import { adminKeyFile, type Colony, createColony } from './create-colony.js';

export interface RunningServer {
  colony: Colony;
  url: string;
  adminKey: { created: string | null; file: string; preset: boolean };
  stop(): Promise<void>;
}

/**
 * `colony serve`: API + workers (unless `noWorkers`) in one process. On SIGTERM the caller
 * calls `stop()`: stop accepting, let in-flight steps finish or checkpoint, close the database.
 */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const colony = await createColony({ config, logger, workers: !config.noWorkers });
  const identity = await bootstrapIdentity(colony.services, {
    keyFile: adminKeyFile(config),
    presetKey: config.adminKey,
  }).catch(async (thrown: unknown) => {
    await colony.close();
    throw thrown;
  });
  const app = createApp(colony.services);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const instance = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () =>
      resolve(instance),
    );
    instance.once('error', reject);
  });
  colony.workers?.start();
  colony.scheduler?.start();
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let stopping: Promise<void> | undefined;
  return {
    colony,
    url: `http://${host}:${address.port}`,
    adminKey: { created: identity.createdKey, file: identity.keyFile, preset: Boolean(config.adminKey) },
    stop() {
      stopping ??= (async () => {
        server.close();
        await colony.close();
        if ('closeAllConnections' in server) server.closeAllConnections();
      })();
      return stopping;
    },
  };
}
