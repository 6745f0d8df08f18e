// The naive initial import the benchmark compares the service with, run as its own process so its
// peak memory is its own. It is a fair one: it logs in as the service does (client credentials, the
// integration user holding the package's permission set, so it may write SIA_Task_Id__c), its query
// selects the fields it stores (no re-read per record), it fetches the whole window first (jsforce
// autoFetch, REST pages of 2,000), stores every row in one SQLite transaction and stamps the new ids
// in sObject Collections of 200, with <concurrency> stamp calls in flight (the benchmark passes the
// service's: its import makes one call at a time). It exits non-zero unless every record it read
// was stored and stamped.
// Usage: node scripts/bench/naive-import.ts <ownerId> <sinceIso> <sqlitePath> <concurrency>
//   with SF_LOGIN_URL, SF_CLIENT_ID, SF_CLIENT_SECRET, SF_API_VERSION in the environment.
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { Connection } from 'jsforce';

const [ownerId, since, path, inFlight] = process.argv.slice(2);
const concurrency = Number(inFlight);
const loginUrl = process.env['SF_LOGIN_URL'];
const clientId = process.env['SF_CLIENT_ID'];
const clientSecret = process.env['SF_CLIENT_SECRET'];
const version = process.env['SF_API_VERSION'];
if (path === undefined || since === undefined || ownerId === undefined || !(concurrency >= 1))
  throw new Error('usage: naive-import.ts <ownerId> <sinceIso> <sqlitePath> <concurrency>');
if (loginUrl === undefined || clientId === undefined || clientSecret === undefined || version === undefined)
  throw new Error('naive-import.ts needs SF_LOGIN_URL, SF_CLIENT_ID, SF_CLIENT_SECRET and SF_API_VERSION');

const started = performance.now();
const login = await fetch(`${loginUrl}/services/oauth2/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
  }),
});
if (!login.ok) throw new Error(`client credentials login: ${login.status} ${await login.text()}`);
const token = (await login.json()) as { access_token: string; instance_url: string };
const conn = new Connection({ instanceUrl: token.instance_url, accessToken: token.access_token, version });

const db = new Database(path);
db.exec(
  'create table if not exists tasks (id text primary key, salesforce_id text, subject text, due text, status text, priority text, body text)',
);
const insert = db.prepare(
  'insert into tasks (id, salesforce_id, subject, due, status, priority, body) values (?, ?, ?, ?, ?, ?, ?)',
);

type Row = Record<string, string | null> & { Id: string };
const at = since.replace(/\.\d{3}Z$/, 'Z');
const list = await conn.query<Row>(
  `SELECT Id, Subject, ActivityDate, Status, Priority, Description FROM Task WHERE OwnerId = '${ownerId}' AND (CreatedDate >= ${at} OR LastModifiedDate >= ${at})`,
  { autoFetch: true, maxFetch: 1_000_000 },
);
const stamps: { Id: string; SIA_Task_Id__c: string }[] = [];
db.transaction(() => {
  for (const record of list.records) {
    const id = randomUUID();
    insert.run(
      id,
      record.Id,
      record['Subject'] ?? null,
      record['ActivityDate'] ?? null,
      record['Status'] ?? null,
      record['Priority'] ?? null,
      record['Description'] ?? null,
    );
    stamps.push({ Id: record.Id, SIA_Task_Id__c: id });
  }
})();
let stamped = 0;
const failures: string[] = [];
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < stamps.length) {
      const batch = stamps.slice(next, next + 200);
      next += 200;
      const results = await conn.requestPatch<{ success: boolean; errors?: { message: string }[] }[]>(
        '/composite/sobjects',
        { allOrNone: false, records: batch.map((record) => ({ attributes: { type: 'Task' }, ...record })) },
      );
      for (const result of results)
        if (result.success) stamped += 1;
        else if (failures.length < 3) failures.push(result.errors?.[0]?.message ?? 'failed');
    }
  }),
);
const stored = (db.prepare('select count(*) as n from tasks').get() as { n: number }).n;
db.close();
const report = {
  read: list.records.length,
  stored,
  imported: stamped,
  concurrency,
  ms: performance.now() - started,
  maxRssBytes: process.resourceUsage().maxRSS * 1024,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
if (stored !== report.read || stamped !== report.read) {
  process.stderr.write(
    `naive import: ${report.read} read, ${stored} stored, ${stamped} stamped; ${failures.join('; ')}\n`,
  );
  process.exit(1);
}
