// `npm run service`: starts the SIA sync service with configuration from the environment.
import { parseArgs } from 'node:util';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, closeWithin, startService } from './app.ts';
import { systemClock } from './clock.ts';
import { ConfigError, helpText, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help === true) {
    process.stdout.write(`${helpText()}\n`);
    return 0;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n\nRun npm run service -- --help for every option.\n`);
      return 2;
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  const service = await startService({ config, logger, clock: systemClock });
  logger.info({ url: service.url }, 'SIA sync service listening');
  const timeoutMs = config.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal, timeoutMs }, 'shutting down');
      closeWithin(service, timeoutMs).then(
        ({ outcome }) => {
          if (outcome === 'abandoned') {
            // What was not acknowledged stays queued and goes out on the next start.
            logger.warn({ timeoutMs }, 'shutdown deadline reached: the running batch is abandoned');
            process.exit(0);
          }
          resolve();
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          resolve();
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `SIA sync service failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
