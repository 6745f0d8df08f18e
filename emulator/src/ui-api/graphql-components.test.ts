// The package's LWCs' GraphQL queries, read from their source, run over HTTP against emulator data:
// each answers the rows, order and totals the component relies on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMIN, componentQuery, REP, withUiApi, type UiApiSession } from '../../test/ui-api-kit.ts';

interface Cell {
  value: unknown;
  displayValue?: string | null;
}
type Node = Record<string, unknown> & { Id: string };
interface ConnectionBody {
  totalCount?: number;
  edges: { node: Node }[];
}
interface GraphqlBody {
  data?: { uiapi: { query: Record<string, ConnectionBody | null> } };
  errors: { message: string }[];
}

function cell(node: Node, field: string): unknown {
  return (node[field] as Cell | null | undefined)?.value;
}

function parentName(node: Node, relationship: string): unknown {
  const parent = node[relationship] as { Name?: Cell } | null | undefined;
  return parent?.Name?.value;
}

function connection(body: GraphqlBody, alias: string): ConnectionBody {
  assert.deepEqual(body.errors, []);
  const result = body.data?.uiapi.query[alias];
  assert.ok(result, `no ${alias} in ${JSON.stringify(body)}`);
  return result;
}

async function seedTasks(session: UiApiSession): Promise<{ contactId: string; ids: Record<string, string> }> {
  const { insert, userId } = session;
  const accountId = await insert('Account', { Name: 'Initech' });
  const contactId = await insert('Contact', {
    FirstName: 'Peter',
    LastName: 'Gibbons',
    AccountId: accountId,
  });
  const otherContact = await insert('Contact', { LastName: 'Lumbergh' });
  const rep = userId(REP);
  const task = (fields: Record<string, unknown>): Promise<string> =>
    insert('Task', { OwnerId: rep, WhoId: contactId, ...fields });
  const ids = {
    dueLater: await task({ Subject: 'Later', ActivityDate: '2026-11-25', SIA_Task_Id__c: 'sia-later' }),
    dueToday: await task({ Subject: 'Today', ActivityDate: '2026-11-20', SIA_Task_Id__c: 'sia-today' }),
    noDate: await task({ Subject: 'Someday', SIA_Task_Id__c: 'sia-someday', Priority: 'High' }),
    dueTomorrow: await task({
      Subject: 'Tomorrow',
      ActivityDate: '2026-11-21',
      SIA_Task_Id__c: 'sia-tomorrow',
    }),
    done: await task({
      Subject: 'Done',
      ActivityDate: '2026-11-18',
      SIA_Task_Id__c: 'sia-done',
      Status: 'Completed',
    }),
    doneUndated: await task({ Subject: 'Done undated', SIA_Task_Id__c: 'sia-done-2', Status: 'Completed' }),
    notSynced: await task({ Subject: 'Not from SIA', ActivityDate: '2026-11-20' }),
    otherContact: await task({
      Subject: 'Elsewhere',
      WhoId: otherContact,
      SIA_Task_Id__c: 'sia-else',
      ActivityDate: '2026-11-20',
    }),
    adminOwned: await task({
      Subject: 'Admin',
      OwnerId: userId(ADMIN),
      SIA_Task_Id__c: 'sia-admin',
      ActivityDate: '2026-11-20',
    }),
  };
  return { contactId, ids };
}

describe('GraphQL queries of the package components', () => {
  it('siaSyncedTasks: open and completed synced tasks of a contact, in the component order', async () => {
    await withUiApi(async (session) => {
      const { contactId, ids } = await seedTasks(session);
      const query = componentQuery('siaSyncedTasks', 'siaSyncedTasks');
      const reply = await session.graphql<GraphqlBody>(query, { recordId: contactId, first: 50 });
      assert.equal(reply.status, 200);
      const open = connection(reply.body, 'openTasks');
      // ActivityDate ASC NULLS LAST, then Id; the other contact's and the unsynced task are left out.
      assert.deepEqual(
        open.edges.map((e) => e.node.Id),
        [ids.dueToday, ids.adminOwned, ids.dueTomorrow, ids.dueLater, ids.noDate],
      );
      assert.equal(open.totalCount, 5);
      const [first] = open.edges;
      assert.ok(first);
      assert.deepEqual(first.node.Status, { value: 'Not Started', displayValue: 'Not Started' });
      assert.equal(cell(first.node, 'IsClosed'), false);
      assert.equal(cell(first.node, 'ActivityDate'), '2026-11-20');
      assert.equal(cell(first.node, 'WhoId'), contactId);
      assert.equal(parentName(first.node, 'Who'), 'Peter Gibbons');
      assert.equal(first.node.What, null);
      assert.equal(parentName(first.node, 'Owner'), 'Riley Rep');
      const someday = open.edges.at(-1)?.node;
      assert.equal(someday && cell(someday, 'IsHighPriority'), true);
      const completed = connection(reply.body, 'completedTasks');
      // ActivityDate DESC NULLS LAST.
      assert.deepEqual(
        completed.edges.map((e) => cell(e.node, 'Subject')),
        ['Done', 'Done undated'],
      );
      assert.equal(completed.totalCount, 2);
    });
  });

  it("siaSyncedTasks and siaCommandCenter: the org's Task Status values come with the tasks, closed ones marked", async () => {
    await withUiApi(async (session) => {
      const { contactId } = await seedTasks(session);
      const reply = await session.graphql<GraphqlBody>(componentQuery('siaSyncedTasks', 'siaSyncedTasks'), {
        recordId: contactId,
        first: 50,
      });
      const statuses = connection(reply.body, 'taskStatuses').edges.map((e) => [
        cell(e.node, 'MasterLabel'),
        cell(e.node, 'IsClosed'),
      ]);
      assert.deepEqual(statuses, [
        ['Not Started', false],
        ['In Progress', false],
        ['Completed', true],
        ['Waiting on someone else', false],
        ['Deferred', false],
      ]);
    });
  });

  it('siaSyncedTasks: `first` caps each list while totalCount counts every match', async () => {
    await withUiApi(async (session) => {
      const { contactId } = await seedTasks(session);
      const query = componentQuery('siaSyncedTasks', 'siaSyncedTasks');
      const reply = await session.graphql<GraphqlBody>(query, { recordId: contactId, first: 2 });
      const open = connection(reply.body, 'openTasks');
      assert.deepEqual(
        open.edges.map((e) => cell(e.node, 'Subject')),
        ['Today', 'Admin'],
      );
      assert.equal(open.totalCount, 5);
    });
  });

  it("siaCommandCenter: the user's open synced tasks due from today to tomorrow", async () => {
    await withUiApi(async (session) => {
      const { ids } = await seedTasks(session);
      const query = componentQuery('siaCommandCenter', 'siaCommandCenter');
      const reply = await session.graphql<GraphqlBody>(query, {
        userId: session.userId(REP),
        from: '2026-11-20',
        to: '2026-11-21',
        first: 100,
      });
      const open = connection(reply.body, 'openTasks');
      // Not the admin's task, nor the one due later; due date, then Id.
      assert.deepEqual(
        open.edges.map((e) => e.node.Id),
        [ids.dueToday, ids.otherContact, ids.dueTomorrow],
      );
      assert.equal(open.totalCount, 3);
    });
  });

  it('siaSyncSettings: the ORG row and the user row, with picklist and datetime values', async () => {
    await withUiApi(async (session) => {
      const rep = session.userId(REP);
      await session.insert('SIA_Sync_Setting__c', {
        Scope_Key__c: 'ORG',
        Task_Sync_Mode__c: 'SyncCompleteSkipped',
        Api_Budget_Percent__c: 40,
      });
      await session.insert('SIA_Sync_Setting__c', {
        Scope_Key__c: rep,
        User__c: rep,
        Task_Sync_Mode__c: 'SyncDeleteSkipped',
        Task_Sync_Enabled_At__c: '2026-11-19T08:30:00.000+0000',
      });
      await session.insert('SIA_Sync_Setting__c', {
        Scope_Key__c: session.userId(ADMIN),
        User__c: session.userId(ADMIN),
      });
      const query = componentQuery('siaSyncSettings', 'siaSyncSettings');
      const reply = await session.graphql<GraphqlBody>(query, { userKey: rep });
      const rows = connection(reply.body, 'SIA_Sync_Setting__c').edges.map((e) => e.node);
      assert.deepEqual(rows.map((row) => cell(row, 'Scope_Key__c')).sort(), ['ORG', rep].sort());
      const userRow = rows.find((row) => cell(row, 'Scope_Key__c') === rep);
      assert.ok(userRow);
      assert.equal(cell(userRow, 'User__c'), rep);
      assert.equal(cell(userRow, 'Task_Sync_Mode__c'), 'SyncDeleteSkipped');
      assert.equal(cell(userRow, 'Task_Sync_Enabled_At__c'), '2026-11-19T08:30:00.000Z');
      assert.equal(cell(userRow, 'Log_Replies__c'), false);
      const orgRow = rows.find((row) => cell(row, 'Scope_Key__c') === 'ORG');
      assert.ok(orgRow);
      assert.equal(cell(orgRow, 'Api_Budget_Percent__c'), 40);
      assert.equal(cell(orgRow, 'User__c'), null);
    });
  });

  it('siaSyncHealth: errors by category, resolved ones only when asked, newest first', async () => {
    await withUiApi(async (session) => {
      const rep = session.userId(REP);
      const error = (fields: Record<string, unknown>): Promise<string> =>
        session.insert('SIA_Sync_Error__c', { User__c: rep, Direction__c: 'SiaToSalesforce', ...fields });
      await error({
        Category__c: 'Authentication',
        Error_Code__c: 'INVALID_SESSION_ID',
        Occurred_At__c: '2026-11-19T10:00:00Z',
      });
      await error({
        Category__c: 'Authentication',
        Error_Code__c: 'INVALID_GRANT',
        Occurred_At__c: '2026-11-20T10:00:00Z',
      });
      await error({
        Category__c: 'Authentication',
        Error_Code__c: 'OLD',
        Occurred_At__c: '2026-11-18T10:00:00Z',
        Resolved__c: true,
      });
      await error({ Category__c: 'Other', Error_Code__c: 'UNDATED' });
      await error({ Error_Code__c: 'UNCATEGORIZED', Occurred_At__c: '2026-11-17T10:00:00Z' });
      await error({
        Category__c: 'Intermittent',
        Error_Code__c: 'UNABLE_TO_LOCK_ROW',
        Occurred_At__c: '2026-11-20T11:00:00Z',
      });
      const query = componentQuery('siaSyncHealth', 'siaSyncHealthErrors');
      const unresolved = await session.graphql<GraphqlBody>(query, { includeResolved: false, first: 50 });
      const codes = (alias: string, body: GraphqlBody): unknown[] =>
        connection(body, alias).edges.map((e) => cell(e.node, 'Error_Code__c'));
      assert.deepEqual(codes('authentication', unresolved.body), ['INVALID_GRANT', 'INVALID_SESSION_ID']);
      assert.deepEqual(codes('accessValidation', unresolved.body), []);
      assert.deepEqual(codes('intermittent', unresolved.body), ['UNABLE_TO_LOCK_ROW']);
      // Occurred_At__c DESC NULLS LAST; a null Category__c counts as Other.
      assert.deepEqual(codes('other', unresolved.body), ['UNCATEGORIZED', 'UNDATED']);
      const [newest] = connection(unresolved.body, 'authentication').edges;
      assert.ok(newest);
      assert.deepEqual(newest.node.Direction__c, {
        value: 'SiaToSalesforce',
        displayValue: 'SIA to Salesforce',
      });
      assert.equal(parentName(newest.node, 'User__r'), 'Riley Rep');
      assert.equal(cell(newest.node, 'Occurred_At__c'), '2026-11-20T10:00:00.000Z');
      const all = await session.graphql<GraphqlBody>(query, { includeResolved: true, first: 50 });
      assert.deepEqual(codes('authentication', all.body), ['INVALID_GRANT', 'INVALID_SESSION_ID', 'OLD']);
      assert.equal(connection(all.body, 'authentication').totalCount, 3);
    });
  });

  it('siaSyncHealth: per-user last sync (stalest first) and the org status row', async () => {
    await withUiApi(async (session) => {
      const rep = session.userId(REP);
      const admin = session.userId(ADMIN);
      await session.insert('SIA_Sync_Status__c', {
        Scope_Key__c: rep,
        User__c: rep,
        Last_Sync_At__c: '2026-11-20T09:00:00Z',
      });
      await session.insert('SIA_Sync_Status__c', { Scope_Key__c: admin, User__c: admin });
      await session.insert('SIA_Sync_Status__c', {
        Scope_Key__c: 'ORG',
        Api_Requests_Used__c: 1200,
        Api_Requests_Allowed__c: 15000,
        Api_Usage_At__c: '2026-11-20T14:00:00Z',
      });
      await session.insert('SIA_Sync_Setting__c', { Scope_Key__c: 'ORG', Api_Budget_Percent__c: 25 });
      const query = componentQuery('siaSyncHealth', 'siaSyncHealthStatus');
      const reply = await session.graphql<GraphqlBody>(query, { orgKey: 'ORG', first: 50 });
      const users = connection(reply.body, 'userStatuses').edges.map((e) => e.node);
      // Last_Sync_At__c ASC NULLS FIRST: the user never synced leads.
      assert.deepEqual(
        users.map((u) => parentName(u, 'User__r')),
        ['Ada Admin', 'Riley Rep'],
      );
      const [org] = connection(reply.body, 'orgStatus').edges;
      assert.ok(org);
      assert.equal(cell(org.node, 'Api_Requests_Used__c'), 1200);
      assert.equal(cell(org.node, 'Api_Requests_Allowed__c'), 15000);
      const [settings] = connection(reply.body, 'orgSettings').edges;
      assert.equal(settings && cell(settings.node, 'Api_Budget_Percent__c'), 25);
    });
  });
});
