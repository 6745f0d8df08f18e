// Composite (/composite) through jsforce's raw request API: references between subrequests,
// allOrNone rollback with PROCESSING_HALTED, and one API call for the whole request.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admin, API_VERSION, connect, withEmulator } from './helpers.ts';

interface CompositeResponse {
  compositeResponse: {
    body: unknown;
    httpHeaders: Record<string, string>;
    httpStatusCode: number;
    referenceId: string;
  }[];
}

const base = `/services/data/v${API_VERSION}`;

describe('composite', () => {
  it('chains subrequests with @{ref} references and counts as one call', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      await admin(emulator, 'DELETE', 'requests');
      const response = await conn.requestPost<CompositeResponse>('/composite', {
        allOrNone: true,
        compositeRequest: [
          { method: 'POST', url: `${base}/sobjects/Account`, referenceId: 'acct', body: { Name: 'Acme' } },
          {
            method: 'POST',
            url: `${base}/sobjects/Contact`,
            referenceId: 'person',
            body: { LastName: 'Lovelace', AccountId: '@{acct.id}' },
          },
          {
            method: 'POST',
            url: `${base}/sobjects/Task`,
            referenceId: 'task',
            body: { Subject: 'Call', WhoId: '@{person.id}' },
          },
          {
            method: 'GET',
            url: `${base}/sobjects/Task/@{task.id}?fields=AccountId,WhoId`,
            referenceId: 'readBack',
          },
          {
            method: 'GET',
            url: `${base}/query?q=SELECT+Id+FROM+Contact+WHERE+AccountId='@{acct.id}'`,
            referenceId: 'contacts',
          },
        ],
      });
      const [acct, person, task, readBack, contacts] = response.compositeResponse;
      assert.equal(acct?.httpStatusCode, 201);
      assert.match(acct.httpHeaders.Location ?? '', /\/sobjects\/Account\/001/);
      assert.equal(person?.httpStatusCode, 201);
      assert.equal(task?.httpStatusCode, 201);
      const row = readBack?.body as { AccountId: string; WhoId: string };
      assert.equal(
        row.AccountId,
        (acct.body as { id: string }).id,
        "a task's AccountId follows its contact's account",
      );
      assert.equal(row.WhoId, (person.body as { id: string }).id);
      assert.equal((contacts?.body as { totalSize: number }).totalSize, 1);
      const log = (await admin(emulator, 'GET', 'requests')).body as { requests: { counted: boolean }[] };
      assert.equal(log.requests.filter((r) => r.counted).length, 1);
    });
  });

  it('rolls every subrequest back when one fails under allOrNone', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      const response = await conn.requestPost<CompositeResponse>('/composite', {
        allOrNone: true,
        compositeRequest: [
          { method: 'POST', url: `${base}/sobjects/Task`, referenceId: 'good', body: { Subject: 'kept?' } },
          {
            method: 'POST',
            url: `${base}/sobjects/Task`,
            referenceId: 'bad',
            body: { Subject: 'x', Status: 'Nope' },
          },
          { method: 'POST', url: `${base}/sobjects/Task`, referenceId: 'after', body: { Subject: 'never' } },
        ],
      });
      assert.deepEqual(
        response.compositeResponse.map((r) => [r.referenceId, r.httpStatusCode]),
        [
          ['good', 400],
          ['bad', 400],
          ['after', 400],
        ],
      );
      const codes = response.compositeResponse.map((r) => (r.body as { errorCode: string }[])[0]?.errorCode);
      assert.deepEqual(codes, [
        'PROCESSING_HALTED',
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        'PROCESSING_HALTED',
      ]);
      assert.equal((await conn.query('SELECT COUNT() FROM Task')).totalSize, 0);

      const partial = await conn.requestPost<CompositeResponse>('/composite', {
        allOrNone: false,
        compositeRequest: [
          {
            method: 'POST',
            url: `${base}/sobjects/Task`,
            referenceId: 'bad',
            body: { Subject: 'x', Status: 'Nope' },
          },
          {
            method: 'PATCH',
            url: `${base}/sobjects/Task/@{bad.id}`,
            referenceId: 'dependent',
            body: { Subject: 'y' },
          },
          {
            method: 'POST',
            url: `${base}/sobjects/Task`,
            referenceId: 'independent',
            body: { Subject: 'kept' },
          },
        ],
      });
      assert.deepEqual(
        partial.compositeResponse.map((r) => r.httpStatusCode),
        [400, 400, 201],
      );
      assert.equal(
        (partial.compositeResponse[1]?.body as { errorCode: string }[])[0]?.errorCode,
        'PROCESSING_HALTED',
      );
      assert.equal((await conn.query('SELECT COUNT() FROM Task')).totalSize, 1);
    });
  });

  it('runs composite/batch subrequests independently, each counted, halting on error when asked', async () => {
    await withEmulator({}, async (emulator) => {
      const conn = await connect(emulator);
      await admin(emulator, 'DELETE', 'requests');
      const response = await conn.requestPost<{
        hasErrors: boolean;
        results: { statusCode: number; result: unknown }[];
      }>('/composite/batch', {
        haltOnError: true,
        batchRequests: [
          { method: 'POST', url: `v${API_VERSION}/sobjects/Task`, richInput: { Subject: 'one' } },
          {
            method: 'POST',
            url: `v${API_VERSION}/sobjects/Task`,
            richInput: { Subject: 'two', Status: 'Nope' },
          },
          { method: 'POST', url: `v${API_VERSION}/sobjects/Task`, richInput: { Subject: 'three' } },
        ],
      });
      assert.equal(response.hasErrors, true);
      assert.deepEqual(
        response.results.map((r) => r.statusCode),
        [201, 400, 412],
      );
      assert.equal((await conn.query('SELECT COUNT() FROM Task')).totalSize, 1, 'no rollback in a batch');
      const limits = (await admin(emulator, 'GET', 'limits')).body as { used: number };
      assert.equal(limits.used, 3 + 1, 'the batch counts once per subrequest, then the query');
    });
  });
});
