// GraphQL API behaviour beyond the components' queries: Relay paging with cursors, each filter
// operator family, relationship filters and ordering, date literals and ranges, variables, @optional,
// and the documented error classes (InvalidSyntax, ValidationError, DataFetchingException).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMIN, REP, withUiApi, type UiApiSession } from '../../test/ui-api-kit.ts';

interface GraphqlError {
  message: string;
  locations: { line: number; column: number }[];
  path: (string | number)[] | null;
  extensions: { ErrorType: string; classification: string };
}
interface Page {
  totalCount: number;
  pageResultCount: number;
  edges: { node: Record<string, { value: unknown } | string | null>; cursor: string }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}
interface GraphqlBody {
  data?: { uiapi: { query: Record<string, Page | null> } } | null;
  errors: GraphqlError[];
}

const PAGE_FIELDS = `totalCount pageResultCount
  edges { cursor node { Id Subject { value } } }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

async function taskQuery(
  session: UiApiSession,
  args: string,
  variables: Record<string, unknown> = {},
  declared = '',
): Promise<GraphqlBody> {
  const reply = await session.graphql<GraphqlBody>(
    `query tasks${declared} { uiapi { query { Task(${args}) { ${PAGE_FIELDS} } } } }`,
    variables,
  );
  assert.equal(reply.status, 200);
  return reply.body;
}

function subjects(body: GraphqlBody): unknown[] {
  assert.deepEqual(body.errors, []);
  return (body.data?.uiapi.query.Task?.edges ?? []).map((e) => (e.node.Subject as { value: unknown }).value);
}

async function seed(session: UiApiSession): Promise<void> {
  const accountId = await session.insert('Account', { Name: 'Globex' });
  const contactId = await session.insert('Contact', { LastName: 'Scorpio', AccountId: accountId });
  const rows: Record<string, unknown>[] = [
    { Subject: 'alpha', ActivityDate: '2026-11-18', Priority: 'High', Status: 'Completed' },
    { Subject: 'bravo', ActivityDate: '2026-11-20', Priority: 'Normal', WhatId: accountId },
    { Subject: 'charlie', ActivityDate: '2026-11-21', Priority: 'Low', WhoId: contactId },
    { Subject: 'delta', ActivityDate: '2026-12-01', Priority: 'Normal', OwnerId: session.userId(REP) },
    { Subject: 'echo', Priority: 'Normal' },
  ];
  for (const row of rows) await session.insert('Task', row);
}

describe('GraphQL API', () => {
  it('pages with first and after: cursors, hasNextPage, totalCount, and 10 rows by default', async () => {
    await withUiApi(async (session) => {
      for (let i = 0; i < 12; i += 1)
        await session.insert('Task', { Subject: `t${String(i).padStart(2, '0')}` });
      const byDefault = await taskQuery(session, 'orderBy: { Subject: { order: ASC } }');
      assert.equal(subjects(byDefault).length, 10);
      const order = 'orderBy: { Subject: { order: ASC } }';
      const first = await taskQuery(session, `first: 5, ${order}`);
      const page1 = first.data?.uiapi.query.Task;
      assert.ok(page1);
      assert.deepEqual(subjects(first), ['t00', 't01', 't02', 't03', 't04']);
      assert.deepEqual([page1.totalCount, page1.pageResultCount], [12, 5]);
      assert.equal(page1.pageInfo.hasNextPage, true);
      assert.equal(page1.pageInfo.hasPreviousPage, false);
      assert.equal(page1.pageInfo.endCursor, page1.edges.at(-1)?.cursor);
      const seen: unknown[] = [...subjects(first)];
      let cursor: string | null = page1.pageInfo.endCursor;
      for (let guard = 0; cursor !== null && guard < 5; guard += 1) {
        const next = await taskQuery(
          session,
          `first: 5, after: $after, ${order}`,
          { after: cursor },
          '($after: String)',
        );
        const page = next.data?.uiapi.query.Task;
        assert.ok(page);
        seen.push(...subjects(next));
        assert.equal(page.pageInfo.hasPreviousPage, true);
        cursor = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      }
      assert.deepEqual(
        seen,
        Array.from({ length: 12 }, (_, i) => `t${String(i).padStart(2, '0')}`),
      );
    });
  });

  it('filters with each operator family, and/or/not, and parent relationships', async () => {
    await withUiApi(async (session) => {
      await seed(session);
      const order = 'orderBy: { Subject: { order: ASC } }';
      const cases: [string, string[]][] = [
        ['{ Subject: { eq: "BRAVO" } }', ['bravo']],
        ['{ Subject: { ne: "bravo" } }', ['alpha', 'charlie', 'delta', 'echo']],
        ['{ Subject: { like: "%a" } }', ['alpha', 'delta']],
        ['{ Subject: { in: ["alpha", "echo", "zulu"] } }', ['alpha', 'echo']],
        ['{ Subject: { nin: ["alpha", "echo"] } }', ['bravo', 'charlie', 'delta']],
        ['{ Subject: { in: [] } }', []],
        ['{ Subject: { gt: "bravo", lte: "delta" } }', ['charlie', 'delta']],
        ['{ Priority: { eq: "High" } }', ['alpha']],
        ['{ IsClosed: { eq: true } }', ['alpha']],
        ['{ ActivityDate: { eq: null } }', ['echo']],
        ['{ ActivityDate: { gt: { value: "2026-11-20" } } }', ['charlie', 'delta']],
        ['{ ActivityDate: { in: [{ value: "2026-11-18" }, { value: "2026-12-01" }] } }', ['alpha', 'delta']],
        ['{ ActivityDate: { eq: { literal: TODAY } } }', ['bravo']],
        ['{ ActivityDate: { eq: { literal: TOMORROW } } }', ['charlie']],
        ['{ ActivityDate: { eq: { range: { last_n_days: 2 } } } }', ['alpha', 'bravo']],
        ['{ ActivityDate: { eq: { range: { next_n_days: 30 } } } }', ['charlie', 'delta']],
        ['{ or: [{ Priority: { eq: "Low" } }, { Subject: { eq: "echo" } }] }', ['charlie', 'echo']],
        ['{ not: { Priority: { eq: "Normal" } } }', ['alpha', 'charlie']],
        [
          '{ and: [{ Priority: { eq: "Normal" } }, { not: { ActivityDate: { eq: null } } }] }',
          ['bravo', 'delta'],
        ],
        ['{ Who: { Contact: { Name: { eq: "Scorpio" } } } }', ['charlie']],
        ['{ Who: { Lead: { Name: { eq: "Scorpio" } } } }', []],
        ['{ What: { Account: {} } }', ['bravo']],
        [
          '{ or: [{ What: { Account: { Name: { like: "Glo%" } } } }, { Subject: { eq: "echo" } }] }',
          ['bravo', 'echo'],
        ],
        // Task.AccountId follows the contact (Who) or account (What) the task is about.
        ['{ Account: { Name: { eq: "Globex" } } }', ['bravo', 'charlie']],
        ['{ CreatedBy: { Username: { like: "admin@%" } } }', ['alpha', 'bravo', 'charlie', 'delta', 'echo']],
        ['{ CreatedDate: { eq: { literal: TODAY } }, Priority: { ne: "Normal" } }', ['alpha', 'charlie']],
        ['{ CreatedDate: { lt: { value: "2026-11-20T00:00:00Z" } } }', []],
      ];
      for (const [where, expected] of cases) {
        const body = await taskQuery(session, `where: ${where}, ${order}`);
        assert.deepEqual(subjects(body), expected, where);
      }
    });
  });

  it("evaluates date literals in the running user's time zone", async () => {
    // 02:00 UTC on the 21st is still the 20th in New York, the rep's zone.
    const options = { username: REP, now: '2026-11-21T02:00:00.000Z' };
    await withUiApi(async (session) => {
      await session.insert('Task', { Subject: 'due 20th', ActivityDate: '2026-11-20' });
      await session.insert('Task', { Subject: 'due 21st', ActivityDate: '2026-11-21' });
      const today = await taskQuery(session, 'where: { ActivityDate: { eq: { literal: TODAY } } }');
      assert.deepEqual(subjects(today), ['due 20th']);
      const created = await taskQuery(
        session,
        'where: { CreatedDate: { eq: { literal: TODAY } } }, orderBy: { Subject: { order: ASC } }',
      );
      assert.deepEqual(subjects(created), ['due 20th', 'due 21st']);
      const yesterday = await taskQuery(session, 'where: { CreatedDate: { eq: { literal: YESTERDAY } } }');
      assert.deepEqual(subjects(yesterday), []);
    }, options);
  });

  it('orders by several fields in the order written, including through variables and parents', async () => {
    await withUiApi(async (session) => {
      await seed(session);
      const written = await taskQuery(
        session,
        'orderBy: { Priority: { order: DESC }, ActivityDate: { order: DESC, nulls: LAST } }',
      );
      // Priority text DESC (Normal, Low, High), then due date newest first with the undated last.
      assert.deepEqual(subjects(written), ['delta', 'bravo', 'echo', 'charlie', 'alpha']);
      const viaVariable = await taskQuery(
        session,
        'orderBy: $orderBy',
        {
          orderBy: { ActivityDate: { order: 'ASC', nulls: 'FIRST' }, Subject: { order: 'DESC' } },
        },
        '($orderBy: Task_OrderBy)',
      );
      assert.deepEqual(subjects(viaVariable), ['echo', 'alpha', 'bravo', 'charlie', 'delta']);
      const byParent = await taskQuery(
        session,
        'where: { AccountId: { ne: null } }, orderBy: { Account: { Name: { order: DESC } }, Subject: { order: DESC } }',
      );
      assert.deepEqual(subjects(byParent), ['charlie', 'bravo']);
    });
  });

  it('reads polymorphic parents with inline fragments and leaves @optional fields it lacks out', async () => {
    await withUiApi(async (session) => {
      await seed(session);
      const reply = await session.graphql<{
        data: { uiapi: { query: { Task: { edges: { node: Record<string, unknown> }[] } } } };
        errors: GraphqlError[];
      }>(
        `{ uiapi { query { Task(where: { Subject: { in: ["bravo", "charlie"] } }, orderBy: { Subject: { order: ASC } }) {
          edges { node {
            Subject { value }
            No_Such_Field__c @optional { value }
            What { ... on Account { Name { value } } ... on Opportunity { Name { value } } ... on No_Such_Object__c @optional { Id } }
            Who { ... on Contact { Name { value } Email { value } } ... on Lead { Company { value } } }
            Owner { ... on User { Username { value } } }
            DisplayValue ApiName
          } } } } } }`,
      );
      assert.deepEqual(reply.body.errors, []);
      const [bravo, charlie] = reply.body.data.uiapi.query.Task.edges.map((e) => e.node);
      assert.deepEqual(bravo, {
        Subject: { value: 'bravo' },
        What: { Name: { value: 'Globex' } },
        Who: null,
        Owner: { Username: { value: 'admin@sia-emulator.example' } },
        DisplayValue: 'bravo',
        ApiName: 'Task',
      });
      assert.ok(charlie);
      assert.deepEqual(charlie.What, null);
      assert.deepEqual(charlie.Who, { Name: { value: 'Scorpio' }, Email: { value: null } });
    });
  });

  it('reads child relationships as connections with their own filter, order and paging', async () => {
    await withUiApi(async (session) => {
      await seed(session);
      const rep = session.userId(REP);
      await session.insert('SIA_Sync_Setting__c', { Scope_Key__c: rep, User__c: rep });
      const reply = await session.graphql<{
        data: { uiapi: { query: Record<string, { edges: { node: Record<string, unknown> }[] }> } };
        errors: GraphqlError[];
      }>(
        `{ uiapi { query {
          Contact { edges { node {
            Name { value }
            Tasks(where: { IsClosed: { eq: false } }, orderBy: { Subject: { order: DESC } }, first: 1) {
              totalCount edges { node { Subject { value } } } pageInfo { hasNextPage }
            }
          } } }
          User(where: { Username: { like: "rep@%" } }) { edges { node {
            SIA_Sync_Settings__r { totalCount edges { node { Scope_Key__c { value } } } }
          } } }
        } } }`,
      );
      assert.deepEqual(reply.body.errors, []);
      const [contact] = reply.body.data.uiapi.query.Contact?.edges ?? [];
      assert.deepEqual(contact?.node.Tasks, {
        totalCount: 1,
        edges: [{ node: { Subject: { value: 'charlie' } } }],
        pageInfo: { hasNextPage: false },
      });
      const [user] = reply.body.data.uiapi.query.User?.edges ?? [];
      assert.deepEqual(user?.node.SIA_Sync_Settings__r, {
        totalCount: 1,
        edges: [{ node: { Scope_Key__c: { value: rep } } }],
      });
    });
  });

  it('leaves out an @optional object the org lacks and sees UI API writes and deletes at once', async () => {
    await withUiApi(async (session) => {
      const created = await session.call<{ id: string }>('POST', '/ui-api/records', {
        apiName: 'Task',
        fields: { Subject: 'written via UI API' },
      });
      const query = `{ uiapi { query {
        Missing__c @optional { edges { node { Id } } }
        Task { totalCount edges { node { Id Subject { value } } } }
      } } }`;
      const before = await session.graphql<GraphqlBody>(query);
      assert.deepEqual(before.body.errors, []);
      assert.deepEqual(Object.keys(before.body.data?.uiapi.query ?? {}), ['Task']);
      assert.deepEqual(subjects(before.body), ['written via UI API']);
      assert.equal((await session.call('DELETE', `/ui-api/records/${created.body.id}`)).status, 204);
      const after = await session.graphql<GraphqlBody>(query);
      assert.equal(after.body.data?.uiapi.query.Task?.totalCount, 0);
    });
  });

  it('reports unknown objects and fields as ValidationError, bad text as InvalidSyntax', async () => {
    await withUiApi(async (session) => {
      const unknownObject = await session.graphql<GraphqlBody>(
        '{ uiapi { query { No_Such__c { edges { node { Id } } } } } }',
      );
      assert.equal(unknownObject.status, 200);
      assert.equal(unknownObject.body.data, undefined);
      const [objectError] = unknownObject.body.errors;
      assert.equal(objectError?.extensions.ErrorType, 'ValidationError');
      assert.equal(
        objectError.message,
        "Validation error (FieldUndefined@[uiapi/query/No_Such__c]) : Field 'No_Such__c' in type 'RecordQuery' is undefined",
      );
      assert.deepEqual(objectError.locations, [{ line: 1, column: 19 }]);

      const unknownField = await session.graphql<GraphqlBody>(
        '{ uiapi { query { Task { edges { node { Nope { value } } } } } } }',
      );
      assert.equal(
        unknownField.body.errors[0]?.message,
        "Validation error (FieldUndefined@[uiapi/query/Task/edges/node/Nope]) : Field 'Nope' in type 'Task' is undefined",
      );
      assert.equal(unknownField.body.errors[0].extensions.classification, 'ValidationError');

      const unknownFilter = await session.graphql<GraphqlBody>(
        '{ uiapi { query { Task(where: { Nope: { eq: 1 } }) { totalCount } } } }',
      );
      assert.equal(unknownFilter.body.errors[0]?.extensions.ErrorType, 'ValidationError');

      const wrongVariable = await session.graphql<GraphqlBody>(
        'query q($from: Date!) { uiapi { query { Task(where: { ActivityDate: { gt: { value: $from } } }) { totalCount } } } }',
        { from: 'next week' },
      );
      assert.equal(wrongVariable.status, 200);
      const [variableError] = wrongVariable.body.errors;
      assert.ok(variableError);
      assert.match(variableError.message, /\$from/);
      assert.equal(variableError.extensions.ErrorType, 'ValidationError');

      const syntax = await session.graphql<GraphqlBody>('{ uiapi { query { Task(first: ) } }');
      assert.equal(syntax.body.errors[0]?.extensions.ErrorType, 'InvalidSyntax');
      assert.equal(syntax.body.errors[0].message, "Invalid Syntax : offending token ')' at line 1 column 31");
      assert.ok(syntax.body.errors[0].locations[0]);

      const mutation = await session.graphql<GraphqlBody>(
        'mutation m { uiapi { query { Task { totalCount } } } }',
      );
      assert.equal(mutation.body.errors[0]?.extensions.ErrorType, 'ValidationError');
      const twoOperations = await session.graphql<GraphqlBody>(
        'query a { uiapi { query { Task { totalCount } } } } query b { uiapi { query { Task { totalCount } } } }',
      );
      assert.equal(twoOperations.body.errors[0]?.extensions.ErrorType, 'OperationNotSupported');
    });
  });

  it('reports execution failures with the path of the connection and keeps the other aliases', async () => {
    await withUiApi(async (session) => {
      await seed(session);
      const reply = await session.graphql<GraphqlBody>(
        '{ uiapi { query { big: Task(first: 2001) { totalCount } ok: Task(first: 1) { totalCount } } } }',
      );
      assert.equal(reply.status, 200);
      const [error] = reply.body.errors;
      assert.deepEqual(error?.path, ['uiapi', 'query', 'big']);
      assert.equal(error.extensions.ErrorType, 'DataFetchingException');
      assert.equal(reply.body.data?.uiapi.query.big, null);
      assert.equal(reply.body.data.uiapi.query.ok?.totalCount, 5);
      const smallUpperBoundPage = await taskQuery(session, 'first: 5, upperBound: 1000');
      assert.match(smallUpperBoundPage.errors[0]?.message ?? '', /upperBound/);
      const upperBound = await taskQuery(
        session,
        'first: 200, upperBound: 3, orderBy: { Subject: { order: ASC } }',
      );
      assert.deepEqual(subjects(upperBound), ['alpha', 'bravo', 'charlie']);
      const badCursor = await taskQuery(session, 'after: "not-a-cursor"');
      assert.match(badCursor.errors[0]?.message ?? '', /cursor/i);
    });
  });

  it('answers only POST on API 56.0 and later, and counts each query against the allowance', async () => {
    await withUiApi(async (session) => {
      const { emulator, token } = session;
      const post = (version: string): Promise<Response> =>
        fetch(`${emulator.url}/services/data/v${version}/graphql`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ query: '{ uiapi { query { Task { totalCount } } } }' }),
        });
      assert.equal((await post('55.0')).status, 404);
      const ok = await post('56.0');
      assert.equal(ok.status, 200);
      assert.match(ok.headers.get('sforce-limit-info') ?? '', /^api-usage=\d+\/15000$/);
      assert.equal((await session.call('GET', '/graphql')).status, 405);
      const counted = emulator.state.requestLog.list().filter((entry) => entry.path.endsWith('/graphql'));
      assert.deepEqual(
        counted.map((entry) => [entry.status, entry.counted]),
        [
          [404, true],
          [200, true],
          [405, true],
        ],
      );
      const runAs = await session.graphql<GraphqlBody>(
        '{ uiapi { query { User(where: { Username: { eq: "admin@sia-emulator.example" } }) { edges { node { Id } } } } } }',
      );
      assert.equal(runAs.body.data?.uiapi.query.User?.edges[0]?.node.Id, session.userId(ADMIN));
    });
  });
});
