// The benchmark's org as a process of its own: the service tests' emulator (the package installed,
// the admin, integration and ten rep users), so the org's work shares no event loop with the
// benchmark's load generators and its memory is not the service's or the benchmark's. Prints one
// JSON line (URL, OAuth client, users) once it listens; closes the org when stdin closes.
// Usage: node scripts/bench/emulator-process.ts <viewAllData|modifyAllData>
import { startTestEmulator } from '../../service/test/harness.ts';
import { systemClock } from '../../service/src/clock.ts';

const access = process.argv[2];
if (access !== 'viewAllData' && access !== 'modifyAllData')
  throw new Error('usage: emulator-process.ts <viewAllData|modifyAllData>');
const emulator = await startTestEmulator(systemClock, { orgAccess: access });
process.stdout.write(
  `${JSON.stringify({
    url: emulator.url,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    loginUrls: emulator.loginUrls,
    users: emulator.users.map((u) => ({ id: u.id, username: u.username })),
  })}\n`,
);
let closing = false;
const close = (): void => {
  if (closing) return;
  closing = true;
  emulator.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
};
process.stdin.on('end', close);
process.stdin.resume();
process.once('SIGTERM', close);
