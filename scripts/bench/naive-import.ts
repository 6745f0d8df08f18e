// The naive initial import the benchmark compares the service with, run as its own process so its
// peak memory is its own: list the user's Tasks changed in the 24 hours before switching on, then
// per record read it, store it in SQLite and stamp it with a new id (one call each).
// Usage: node scripts/bench/naive-import.ts <instanceUrl> <accessToken> <apiVersion> <ownerId> <sinceIso> <sqlitePath>
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { Connection } from 'jsforce';

const [instanceUrl, accessToken, version, ownerId, since, path] = process.argv.slice(2);
if (path === undefined || since === undefined)
  throw new Error(
    'usage: naive-import.ts <instanceUrl> <accessToken> <apiVersion> <ownerId> <sinceIso> <sqlitePath>',
  );

const conn = new Connection({ instanceUrl, accessToken, version });
const db = new Database(path);
db.exec(
  'create table if not exists tasks (id text primary key, salesforce_id text, subject text, due text, status text, body text)',
);
const insert = db.prepare(
  'insert into tasks (id, salesforce_id, subject, due, status, body) values (?, ?, ?, ?, ?, ?)',
);

const started = performance.now();
const list = await conn.query<{ Id: string }>(
  `SELECT Id FROM Task WHERE OwnerId = '${ownerId}' AND LastModifiedDate >= ${since.replace(/\.\d{3}Z$/, 'Z')}`,
  { autoFetch: true, maxFetch: 100_000 },
);
let imported = 0;
for (const { Id } of list.records) {
  const record = (await conn.sobject('Task').retrieve(Id)) as unknown as Record<string, string | null>;
  const id = randomUUID();
  insert.run(
    id,
    Id,
    record['Subject'] ?? null,
    record['ActivityDate'] ?? null,
    record['Status'] ?? null,
    record['Description'] ?? null,
  );
  const result = await conn.sobject('Task').update({ Id, SIA_Task_Id__c: id });
  if (!result.success) throw new Error(`stamping ${Id} failed`);
  imported += 1;
}
db.close();
process.stdout.write(
  `${JSON.stringify({ imported, ms: performance.now() - started, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
);
