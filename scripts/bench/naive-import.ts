// The naive initial import the benchmark compares the service with, run as its own process so its
// peak memory is its own. It is a fair one: its query selects the fields it stores (no re-read per
// record), it fetches the whole window first (jsforce autoFetch, REST pages of 2,000), stores every
// row in one SQLite transaction and stamps the new ids in sObject Collections of 200, one call each.
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
  'create table if not exists tasks (id text primary key, salesforce_id text, subject text, due text, status text, priority text, body text)',
);
const insert = db.prepare(
  'insert into tasks (id, salesforce_id, subject, due, status, priority, body) values (?, ?, ?, ?, ?, ?, ?)',
);

type Row = Record<string, string | null> & { Id: string };
const started = performance.now();
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
let imported = 0;
for (let i = 0; i < stamps.length; i += 200) {
  const batch = stamps.slice(i, i + 200);
  const results = await conn.requestPatch<{ success: boolean }[]>('/composite/sobjects', {
    allOrNone: false,
    records: batch.map((record) => ({ attributes: { type: 'Task' }, ...record })),
  });
  imported += results.filter((r) => r.success).length;
}
db.close();
process.stdout.write(
  `${JSON.stringify({ imported, ms: performance.now() - started, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`,
);
