// The benchmark's org as a process of its own: the service tests' emulator (the package installed,
// the admin, integration and ten rep users), so the org's work shares no event loop with the
// benchmark's load generators and its memory is not the service's or the benchmark's. Prints one
// JSON line (URL, OAuth client, users) once it listens; closes the org when stdin closes.
// Usage: node scripts/bench/emulator-process.ts <viewAllData|modifyAllData>
import { startTestEmulator } from '../../service/test/harness.ts';
import { systemClock } from '../../service/src/clock.ts';
import { SALESFORCE_CONNECT_TIMEOUT_MS } from '../../emulator/src/streaming/bayeux-protocol.ts';

const access = process.argv[2];
if (access !== 'viewAllData' && access !== 'modifyAllData')
  throw new Error('usage: emulator-process.ts <viewAllData|modifyAllData>');
// Salesforce's own hold of a /meta/connect (110 s), not the tests' 300 ms: Faye gives up on a
// connect after 1.2 × the hold, so a 300 ms hold turns any answer slower than 360 ms (a big
// delivery, a busy loop on either side) into a dropped connection and a resubscribe.
const emulator = await startTestEmulator(systemClock, {
  orgAccess: access,
  connectHoldMs: SALESFORCE_CONNECT_TIMEOUT_MS,
});
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
