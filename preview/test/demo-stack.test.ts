// The demo stack without a browser: a second start on the same data folder resumes it, --reset
// starts over, and a taken port is refused with a message that says so.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startDemo, type RunningDemo } from '../demo/demo-stack.ts';
import { PortInUseError, assertPortFree } from '../demo/ports.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'sia-demo-stack-'));

function start(reset: boolean): Promise<RunningDemo> {
  return startDemo({ dataDir, previewPort: 0, reset, buildPreview: false, log: () => undefined });
}

async function siaTaskNames(demo: RunningDemo): Promise<string[]> {
  const response = await fetch(`${demo.url}/api/v1/tasks?ownerId=${demo.demo.siaUserId}&view=all&limit=200`);
  assert.equal(response.status, 200);
  const body = (await response.json()) as { tasks: { name: string }[] };
  return body.tasks.map((task) => task.name);
}

async function contactNames(demo: RunningDemo): Promise<string[]> {
  const soql = encodeURIComponent('SELECT Name FROM Contact ORDER BY Name');
  const response = await fetch(`${demo.url}/services/data/v66.0/query?q=${soql}`);
  assert.equal(response.status, 200);
  const body = (await response.json()) as { records: { Name: string }[] };
  return body.records.map((record) => record.Name);
}

describe('demo stack', () => {
  after(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeds both sides, resumes the same data on a second start, and starts over with reset', async () => {
    const first = await start(true);
    let added: string;
    try {
      assert.equal(first.resumed, false);
      assert.ok((await contactNames(first)).includes('Ada Lovelace'));
      assert.ok((await siaTaskNames(first)).includes('Call Ada about the renewal terms'));
      // The one URL npm start prints: both sides, Salesforce opening on the demo contact.
      const index = await (await fetch(`${first.url}/`)).text();
      assert.match(index, /<iframe title="SIA Command Center" src="\/sia\/">/);
      assert.ok(index.includes(`src="/salesforce/#/r/Contact/${first.demo.contactId}"`));
      // Through the preview server's proxy: the browser's requests carry no token of their own.
      added = `Follow up ${Date.now().toString(36)}`;
      const created = await fetch(`${first.url}/api/v1/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          ownerId: first.demo.siaUserId,
          type: 'call',
          name: added,
          dueDate: '2030-01-02',
        }),
      });
      assert.equal(created.status, 201);
    } finally {
      await first.close();
    }

    const second = await start(false);
    try {
      assert.equal(second.resumed, true);
      assert.equal(second.siaApiToken, first.siaApiToken);
      assert.deepEqual(second.demo, first.demo);
      assert.ok((await siaTaskNames(second)).includes(added));
      assert.equal((await contactNames(second)).filter((name) => name === 'Ada Lovelace').length, 1);
    } finally {
      await second.close();
    }

    const third = await start(true);
    try {
      assert.equal(third.resumed, false);
      assert.ok(!(await siaTaskNames(third)).includes(added));
      assert.equal((await contactNames(third)).filter((name) => name === 'Ada Lovelace').length, 1);
    } finally {
      await third.close();
    }
  });

  it('refuses a preview port that is taken, naming the port and the way out', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    assert.ok(address !== null && typeof address === 'object');
    try {
      await assert.rejects(assertPortFree(address.port, 'the preview'), (error: unknown) => {
        assert.ok(error instanceof PortInUseError);
        assert.match(error.message, new RegExp(`Port ${address.port} \\(the preview\\) is already in use`));
        assert.match(error.message, /npm start -- --port <port>/);
        return true;
      });
    } finally {
      await new Promise<void>((resolve) => {
        blocker.close(() => {
          resolve();
        });
      });
    }
  });
});
