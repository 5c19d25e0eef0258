// A real `colony serve` process for crash tests: configured from the environment, prints one
// JSON line `{"ready":true,"url":…}` when listening, stops gracefully on SIGTERM.
import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../observability/index.js';
import { startServer } from '../serve.js';

const config = loadConfig();
const logger = createLogger({ level: process.env.COLONY_LOG_LEVEL ?? 'warn', pretty: false });
const server = await startServer(config, logger);
process.stdout.write(`${JSON.stringify({ ready: true, url: server.url, pid: process.pid })}\n`);
process.once('SIGTERM', () => {
  void server.stop().then(() => process.exit(0));
});
