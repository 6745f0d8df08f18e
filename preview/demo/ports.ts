// A port already taken is the most common reason a local demo fails to start: say so plainly.
import { createServer } from 'node:net';

export class PortInUseError extends Error {
  constructor(port: number, what: string) {
    super(
      `Port ${port} (${what}) is already in use. Stop whatever listens there, or pick another: npm start -- --port <port>`,
    );
    this.name = 'PortInUseError';
  }
}

export function assertPortFree(port: number, what: string, host = '127.0.0.1'): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? new PortInUseError(port, what) : error);
    });
    probe.listen(port, host, () => {
      probe.close(() => {
        resolve();
      });
    });
  });
}
