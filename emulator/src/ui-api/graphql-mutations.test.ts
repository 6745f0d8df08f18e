// GraphQL API mutations over HTTP: create with Record fields back, update (Record from 66.0, success
// before), delete, `@{alias}` references, allOrNone both ways, DML validation as errors, change events.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMIN, withUiApi, type UiApiSession } from '../../test/ui-api-kit.ts';

interface MutationBody {
  data?: { uiapi: Record<string, Record<string, unknown> | null> } | null;
  errors: {
    message: string;
    path: (string | number)[] | null;
    extensions: { ErrorType: string; errorCode?: string };
  }[];
}

async function post(
  session: UiApiSession,
  version: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<MutationBody> {
  const response = await fetch(`${session.emulator.url}/services/data/v${version}/graphql`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  assert.equal(response.status, 200);
  return (await response.json()) as MutationBody;
}

async function count(session: UiApiSession, soql: string): Promise<number> {
  const reply = await session.call<{ totalSize: number }>('GET', `/query?q=${encodeURIComponent(soql)}`);
  return reply.body.totalSize;
}

describe('GraphQL API mutations', () => {
  it('creates, updates and deletes records, answering as the API version documents', async () => {
    await withUiApi(async (session) => {
      const created = await post(
        session,
        '66.0',
        `mutation create($input: TaskCreateInput!) { uiapi { TaskCreate(input: $input) {
          Record { Id Subject { value } Status { value displayValue } Owner { ... on User { Username { value } } } }
        } } }`,
        { input: { Task: { Subject: 'From GraphQL', ActivityDate: '2026-11-22' } } },
      );
      assert.deepEqual(created.errors, []);
      const record = created.data?.uiapi.TaskCreate?.Record as Record<string, unknown>;
      const id = record.Id as string;
      assert.match(id, /^00T/);
      assert.deepEqual(record.Status, { value: 'Not Started', displayValue: 'Not Started' });
      assert.deepEqual(record.Owner, { Username: { value: ADMIN } });

      const updated = await post(
        session,
        '66.0',
        `mutation { uiapi { TaskUpdate(input: { Id: "${id}", Task: { Status: "Completed" } }) { Record { IsClosed { value } } } } }`,
      );
      assert.deepEqual(updated.data?.uiapi.TaskUpdate, { Record: { IsClosed: { value: true } } });
      const beta = await post(
        session,
        '60.0',
        `mutation { uiapi { TaskUpdate(input: { Id: "${id}", Task: { Priority: "High" } }) { success } } }`,
      );
      assert.deepEqual(beta.data?.uiapi.TaskUpdate, { success: true });
      const deleted = await post(
        session,
        '66.0',
        `mutation { uiapi { TaskDelete(input: { Id: "${id}" }) { Id } } }`,
      );
      assert.deepEqual(deleted.data?.uiapi.TaskDelete, { Id: id });
      assert.equal(await count(session, 'SELECT COUNT() FROM Task'), 0);
      const events = session.emulator.state.bus.since('/data/TaskChangeEvent', -2);
      assert.deepEqual(
        events.map(
          (e) => (e.payload as { ChangeEventHeader: { changeType: string } }).ChangeEventHeader.changeType,
        ),
        ['CREATE', 'UPDATE', 'UPDATE', 'DELETE'],
      );
      const tooOld = await post(
        session,
        '58.0',
        `mutation { uiapi { TaskDelete(input: { Id: "${id}" }) { Id } } }`,
      );
      assert.equal(tooOld.errors[0]?.extensions.ErrorType, 'OperationNotSupported');
    });
  });

  it('links a create to one made earlier in the request with @{alias}', async () => {
    await withUiApi(async (session) => {
      const body = await post(
        session,
        '66.0',
        `mutation { uiapi {
          NewAccount: AccountCreate(input: { Account: { Name: "Initrode" } }) { Record { Id } }
          NewContact: ContactCreate(input: { Contact: { LastName: "Waddams", AccountId: "@{NewAccount}" } }) {
            Record { Account { Name { value } } }
          }
        } }`,
      );
      assert.deepEqual(body.errors, []);
      assert.deepEqual(body.data?.uiapi.NewContact, { Record: { Account: { Name: { value: 'Initrode' } } } });
    });
  });

  it('rolls every operation back when one fails, unless allOrNone is false', async () => {
    await withUiApi(async (session) => {
      const mutation = (
        allOrNone: boolean,
      ): string => `mutation { uiapi(input: { allOrNone: ${String(allOrNone)} }) {
        good: TaskCreate(input: { Task: { Subject: "Good" } }) { Record { Id } }
        bad: TaskCreate(input: { Task: { Subject: "Bad", Status: "Nope" } }) { Record { Id } }
      } }`;
      const all = await post(session, '66.0', mutation(true));
      assert.deepEqual(all.data?.uiapi, { good: null, bad: null });
      const [error] = all.errors;
      assert.deepEqual(error?.path, ['uiapi', 'bad']);
      assert.equal(error.extensions.ErrorType, 'DataFetchingException');
      assert.equal(error.extensions.errorCode, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
      assert.equal(await count(session, 'SELECT COUNT() FROM Task'), 0);
      assert.equal(session.emulator.state.bus.since('/data/TaskChangeEvent', -2).length, 0);

      const some = await post(session, '66.0', mutation(false));
      assert.equal(some.data?.uiapi.bad, null);
      assert.ok(some.data.uiapi.good);
      assert.equal(await count(session, "SELECT COUNT() FROM Task WHERE Subject = 'Good'"), 1);
      assert.equal(session.emulator.state.bus.since('/data/TaskChangeEvent', -2).length, 1);
    });
  });

  it('checks input against the schema: required fields, field types and unknown fields', async () => {
    await withUiApi(async (session) => {
      const noLastName = await post(
        session,
        '66.0',
        'mutation { uiapi { ContactCreate(input: { Contact: { FirstName: "X" } }) { Record { Id } } } }',
      );
      assert.equal(noLastName.errors[0]?.extensions.ErrorType, 'ValidationError');
      assert.match(noLastName.errors[0].message, /LastName/);
      const badDate = await post(
        session,
        '66.0',
        'mutation { uiapi { TaskCreate(input: { Task: { ActivityDate: "tomorrow" } }) { Record { Id } } } }',
      );
      assert.equal(badDate.errors[0]?.extensions.ErrorType, 'ValidationError');
      const readOnly = await post(
        session,
        '66.0',
        'mutation { uiapi { TaskCreate(input: { Task: { IsClosed: true } }) { Record { Id } } } }',
      );
      assert.equal(readOnly.errors[0]?.extensions.ErrorType, 'ValidationError');
      const wrongId = await post(
        session,
        '66.0',
        'mutation { uiapi { TaskUpdate(input: { Id: "00T000000000000AAA", Task: { Subject: "x" } }) { Record { Id } } } }',
      );
      assert.equal(wrongId.errors[0]?.extensions.ErrorType, 'DataFetchingException');
      assert.equal(await count(session, 'SELECT COUNT() FROM Task'), 0);
    });
  });
});
