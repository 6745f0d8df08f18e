// Bad input gets Salesforce's status and error body, and the org's data does not change.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunningEmulator } from '../src/index.ts';
import {
  clientCredentialsToken,
  dataPath,
  raw,
  userToken,
  withEmulator,
  type RawResponse,
} from './helpers.ts';

async function taskCount(emulator: RunningEmulator, token: string): Promise<number> {
  const response = await raw(emulator, 'GET', dataPath('/queryAll?q=SELECT+COUNT()+FROM+Task'), { token });
  return (response.body as { totalSize: number }).totalSize;
}

function firstError(response: RawResponse): { errorCode: string; message: string; fields?: string[] } {
  const body = response.body as { errorCode: string; message: string; fields?: string[] }[];
  assert.ok(Array.isArray(body), `an error array, got ${JSON.stringify(response.body)}`);
  const [first] = body;
  assert.ok(first);
  return first;
}

describe('bad input', () => {
  it('refuses malformed bodies, unknown objects and fields, wrong types and bad dates without writing', async () => {
    await withEmulator({}, async (emulator) => {
      const token = await clientCredentialsToken(emulator);
      const post = (path: string, body: string): Promise<RawResponse> =>
        raw(emulator, 'POST', dataPath(path), { token, body });
      const existing = await post('/sobjects/Task', JSON.stringify({ Subject: 'keep me' }));
      assert.equal(existing.status, 201);

      const malformed = await post('/sobjects/Task', '{"Subject": "x",');
      assert.equal(malformed.status, 400);
      assert.equal(firstError(malformed).errorCode, 'JSON_PARSER_ERROR');

      const unknownObject = await post('/sobjects/Nope__c', '{}');
      assert.equal(unknownObject.status, 404);
      assert.deepEqual(unknownObject.body, [
        { message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' },
      ]);

      const unknownField = await post('/sobjects/Task', JSON.stringify({ Subject: 'x', Bogus__c: 1 }));
      assert.equal(unknownField.status, 400);
      assert.deepEqual(firstError(unknownField), {
        message: "No such column 'Bogus__c' on sobject of type Task",
        errorCode: 'INVALID_FIELD',
      });

      const wrongType = await post(
        '/sobjects/Task',
        JSON.stringify({ Subject: 'x', IsReminderSet: 'maybe' }),
      );
      assert.equal(wrongType.status, 400);
      assert.equal(firstError(wrongType).errorCode, 'JSON_PARSER_ERROR');
      assert.match(
        firstError(wrongType).message,
        /^Cannot deserialize instance of boolean from VALUE_STRING value maybe/,
      );

      const badDate = await post(
        '/sobjects/Task',
        JSON.stringify({ Subject: 'x', ActivityDate: '2026-02-30' }),
      );
      assert.equal(badDate.status, 400);
      assert.match(
        firstError(badDate).message,
        /^Cannot deserialize instance of date from VALUE_STRING value 2026-02-30/,
      );

      const badDateTime = await post(
        '/sobjects/Task',
        JSON.stringify({ Subject: 'x', ReminderDateTime: 'tomorrow' }),
      );
      assert.equal(badDateTime.status, 400);
      assert.equal(firstError(badDateTime).errorCode, 'JSON_PARSER_ERROR');

      const readOnly = await post('/sobjects/Task', JSON.stringify({ Subject: 'x', IsClosed: true }));
      assert.equal(readOnly.status, 400);
      assert.equal(firstError(readOnly).errorCode, 'INVALID_FIELD_FOR_INSERT_UPDATE');
      assert.deepEqual(firstError(readOnly).fields, ['IsClosed']);

      const missing = await post('/sobjects/Contact', JSON.stringify({ FirstName: 'No' }));
      assert.equal(missing.status, 400);
      assert.deepEqual(firstError(missing), {
        message: 'Required fields are missing: [LastName]',
        errorCode: 'REQUIRED_FIELD_MISSING',
        fields: ['LastName'],
      });

      const badReference = await post('/sobjects/Task', JSON.stringify({ Subject: 'x', WhoId: 'not-an-id' }));
      assert.equal(firstError(badReference).errorCode, 'MALFORMED_ID');
      const wrongTarget = await post(
        '/sobjects/Task',
        JSON.stringify({ Subject: 'x', WhoId: (existing.body as { id: string }).id }),
      );
      assert.equal(firstError(wrongTarget).errorCode, 'FIELD_INTEGRITY_EXCEPTION');

      assert.equal(await taskCount(emulator, token), 1, 'no refused request wrote anything');
    });
  });

  it('answers bad ids, create-only fields and deleted records like Salesforce', async () => {
    await withEmulator({}, async (emulator) => {
      const token = await clientCredentialsToken(emulator);
      const created = await raw(emulator, 'POST', dataPath('/sobjects/Task'), {
        token,
        body: JSON.stringify({ Subject: 'x', TaskSubtype: 'Call' }),
      });
      const id = (created.body as { id: string }).id;

      const notAnId = await raw(emulator, 'GET', dataPath('/sobjects/Task/12345'), { token });
      assert.equal(notAnId.status, 404);
      assert.equal(
        firstError(notAnId).message,
        'Provided external ID field does not exist or is not accessible: 12345',
      );

      const unknownId = await raw(emulator, 'PATCH', dataPath('/sobjects/Task/00T5g0000009999AAA'), {
        token,
        body: '{"Subject":"y"}',
      });
      assert.equal(unknownId.status, 404);
      assert.equal(firstError(unknownId).errorCode, 'NOT_FOUND');

      const subtype = await raw(emulator, 'PATCH', dataPath(`/sobjects/Task/${id}`), {
        token,
        body: '{"TaskSubtype":"Email"}',
      });
      assert.equal(subtype.status, 400, 'TaskSubtype is create-only');
      assert.equal(firstError(subtype).errorCode, 'INVALID_FIELD_FOR_INSERT_UPDATE');

      const removed = await raw(emulator, 'DELETE', dataPath(`/sobjects/Task/${id}`), { token });
      assert.equal(removed.status, 204);
      const again = await raw(emulator, 'DELETE', dataPath(`/sobjects/Task/${id}`), { token });
      assert.equal(again.status, 404);
      assert.deepEqual(again.body, [
        { message: 'entity is deleted', errorCode: 'ENTITY_IS_DELETED', fields: [] },
      ]);

      const collectionDelete = await raw(emulator, 'DELETE', dataPath(`/composite/sobjects?ids=${id},abc`), {
        token,
      });
      assert.equal(collectionDelete.status, 200);
      assert.deepEqual(
        (collectionDelete.body as { errors: { statusCode: string }[] }[]).map((r) => r.errors[0]?.statusCode),
        ['ENTITY_IS_DELETED', 'MALFORMED_ID'],
      );

      const put = await raw(emulator, 'PUT', dataPath(`/sobjects/Task/${id}`), { token, body: '{}' });
      assert.equal(put.status, 405);
      assert.deepEqual(put.body, [
        {
          message: "HTTP Method 'PUT' not allowed. Allowed are HEAD,GET,PATCH,DELETE",
          errorCode: 'METHOD_NOT_ALLOWED',
        },
      ]);

      const oldVersion = await raw(emulator, 'GET', '/services/data/v30.0/sobjects', { token });
      assert.equal(oldVersion.status, 404);
      const noToken = await raw(emulator, 'GET', dataPath('/sobjects'));
      assert.equal(noToken.status, 401);
      assert.deepEqual(noToken.body, [
        { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
      ]);
    });
  });

  it('refuses oversized batches whole', async () => {
    await withEmulator({}, async (emulator) => {
      const token = await clientCredentialsToken(emulator);
      const records = Array.from({ length: 201 }, (_, i) => ({
        attributes: { type: 'Task' },
        Subject: `t${i}`,
      }));
      const tooMany = await raw(emulator, 'POST', dataPath('/composite/sobjects'), {
        token,
        body: JSON.stringify({ allOrNone: false, records }),
      });
      assert.equal(tooMany.status, 400);
      assert.deepEqual(firstError(tooMany), {
        message: 'record limit reached. cannot submit more than 200 records into this call',
        errorCode: 'EXCEEDED_ID_LIMIT',
      });

      const subrequests = Array.from({ length: 26 }, (_, i) => ({
        method: 'POST',
        url: dataPath('/sobjects/Task'),
        referenceId: `t${i}`,
        body: { Subject: `t${i}` },
      }));
      const composite = await raw(emulator, 'POST', dataPath('/composite'), {
        token,
        body: JSON.stringify({ compositeRequest: subrequests }),
      });
      assert.equal(composite.status, 400);

      const unknownInBatch = await raw(emulator, 'POST', dataPath('/composite/sobjects'), {
        token,
        body: JSON.stringify({
          records: [
            { attributes: { type: 'Task' }, Subject: 'ok' },
            { attributes: { type: 'Task' }, Nope: 1 },
          ],
        }),
      });
      assert.equal(unknownInBatch.status, 400, 'an unknown field fails the whole collection');
      assert.equal(await taskCount(emulator, token), 0);
    });
  });

  it('rejects duplicates of unique fields with DUPLICATE_VALUE', async () => {
    await withEmulator({}, async (emulator) => {
      // The org-wide row needs the SIA_Sync_Admin custom permission (a validation rule), which the admin user holds.
      const token = await userToken(emulator, 'admin@sia-emulator.example');
      const body = JSON.stringify({ Scope_Key__c: 'ORG' });
      const first = await raw(emulator, 'POST', dataPath('/sobjects/SIA_Sync_Setting__c'), { token, body });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const second = await raw(emulator, 'POST', dataPath('/sobjects/SIA_Sync_Setting__c'), { token, body });
      assert.equal(second.status, 400);
      assert.equal(firstError(second).errorCode, 'DUPLICATE_VALUE');
      assert.match(
        firstError(second).message,
        /^duplicate value found: Scope_Key__c duplicates value on record with id: a/,
      );
    });
  });
});
