// The access model enforced on every surface, in the emulator's default (tight Enterprise) sharing:
// a rep cannot see another rep's private task through SOQL, REST, UI API, GraphQL or Bulk, and
// cannot change it (INSUFFICIENT_ACCESS_OR_READONLY); the manager above them in the role hierarchy
// can; activities follow their Who and What; Modify All Data edits anything and View All Data only
// reads; field-level security hides fields (INVALID_FIELD) and refuses writes; lookups to hidden
// records are INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY; sharing rules open records; change events
// reach only subscribers with View All Data (tasks) or View All (others), without hidden fields.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Connection } from 'jsforce';
import { StreamingExtension } from 'jsforce/lib/api/streaming.js';
import type { RunningEmulator } from '../src/index.ts';
import { bulkRequest, json, parseCsv, waitForJob } from './bulk-helpers.ts';
import { admin, connectAs, dataPath, raw, userToken, withEmulator } from './helpers.ts';
import { Inbox, settledWithin, type StreamingClient } from './streaming-harness.ts';

const ADMIN = 'admin@sia-emulator.example';
const INTEGRATION = 'integration@sia-emulator.example';
const MANAGER = 'manager@sia-emulator.example';
const REP = 'rep@sia-emulator.example';
const REP2 = 'rep2@sia-emulator.example';

const USERS = [
  { username: ADMIN, firstName: 'Ada', lastName: 'Admin', role: 'CEO' },
  {
    username: INTEGRATION,
    firstName: 'SIA',
    lastName: 'Integration',
    profile: 'Minimum Access - Salesforce' as const,
  },
  { username: MANAGER, firstName: 'Mia', lastName: 'Manager', role: 'VP, Sales' },
  { username: REP, firstName: 'Riley', lastName: 'Rep', role: 'Sales Rep' },
  { username: REP2, firstName: 'Sam', lastName: 'Second', role: 'Sales Rep' },
];

const NO_ACCESS = [
  {
    message: 'insufficient access rights on object id',
    errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY',
    fields: [],
  },
];
const NO_REFERENCE = [
  {
    message: 'insufficient access rights on cross-reference id',
    errorCode: 'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY',
    fields: [],
  },
];

/** The subjects of every seeded task, in order. */
const EVERY_TASK = ['Call Ann', 'Call Pat', 'Call Pat about Acme', 'Private call'];

interface Fixture {
  account: string;
  contact: string;
  privateContact: string;
  privateTask: string;
  contactTask: string;
  privateContactTask: string;
  bothTask: string;
}

function userId(emulator: RunningEmulator, username: string): string {
  const user = emulator.users.find((u) => u.username === username);
  assert.ok(user, username);
  return user.id;
}

/** Records the org already holds, owned by the rep (seeded through the admin API). */
async function seed(emulator: RunningEmulator): Promise<Fixture> {
  const rep = userId(emulator, REP);
  const one = async (type: string, fields: Record<string, unknown>): Promise<string> => {
    const reply = await admin(emulator, 'POST', 'records', {
      records: [{ type, fields: { OwnerId: rep, ...fields } }],
    });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    return (reply.body as { ids: string[] }).ids[0] ?? '';
  };
  const account = await one('Account', { Name: 'Acme' });
  const contact = await one('Contact', { LastName: 'Acme', FirstName: 'Ann', AccountId: account });
  const privateContact = await one('Contact', { LastName: 'Private', FirstName: 'Pat' });
  return {
    account,
    contact,
    privateContact,
    privateTask: await one('Task', { Subject: 'Private call' }),
    contactTask: await one('Task', { Subject: 'Call Ann', WhoId: contact }),
    privateContactTask: await one('Task', { Subject: 'Call Pat', WhoId: privateContact }),
    bothTask: await one('Task', { Subject: 'Call Pat about Acme', WhoId: privateContact, WhatId: account }),
  };
}

async function subjects(
  conn: Connection,
  soql = 'SELECT Subject FROM Task ORDER BY Subject',
): Promise<string[]> {
  return (await conn.query<{ Subject: string }>(soql)).records.map((r) => r.Subject);
}

async function rest(
  emulator: RunningEmulator,
  username: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const reply = await raw(emulator, method, dataPath(path), {
    token: await userToken(emulator, username),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: reply.status, body: reply.body };
}

async function setSharing(emulator: RunningEmulator, defaults: Record<string, string>): Promise<void> {
  const reply = await admin(emulator, 'PUT', 'sharing', defaults);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
}

/** As an admin in Setup: a permission set with these system permissions, assigned to `username`. */
async function grantPermissionSet(
  emulator: RunningEmulator,
  name: string,
  username: string,
  fields: Record<string, unknown>,
): Promise<string> {
  const created = await rest(emulator, ADMIN, 'POST', '/sobjects/PermissionSet', {
    Name: name,
    Label: name,
    ...fields,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const setId = (created.body as { id: string }).id;
  const assigned = await rest(emulator, ADMIN, 'POST', '/sobjects/PermissionSetAssignment', {
    AssigneeId: userId(emulator, username),
    PermissionSetId: setId,
  });
  assert.equal(assigned.status, 201, JSON.stringify(assigned.body));
  return setId;
}

/** As an admin: takes a permission set away from a user (deletes the assignment). */
async function unassign(emulator: RunningEmulator, username: string, set: string): Promise<void> {
  const soql = `SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = '${userId(emulator, username)}' AND PermissionSet.Name = '${set}'`;
  const found = await rest(emulator, ADMIN, 'GET', `/query?q=${encodeURIComponent(soql)}`);
  const id = (found.body as { records: { Id: string }[] }).records[0]?.Id;
  assert.ok(id, `${username} holds no ${set}`);
  assert.equal(
    (await rest(emulator, ADMIN, 'DELETE', `/sobjects/PermissionSetAssignment/${id}`)).status,
    204,
  );
}

describe('access enforcement', () => {
  it("hides a rep's private task from another rep on every read surface", async () => {
    await withEmulator({ users: USERS }, async (emulator) => {
      const f = await seed(emulator);
      const rep2 = await connectAs(emulator, REP2);
      // Accounts are Public Read Only, so Ann (an Acme contact) and her task are readable; Pat has
      // no account (private to the rep), and a task with no Who or What is its owner's alone.
      assert.deepEqual(await subjects(rep2), ['Call Ann']);
      assert.deepEqual(await subjects(await connectAs(emulator, REP)), EVERY_TASK);
      assert.equal((await rep2.query('SELECT COUNT() FROM Task')).totalSize, 1);
      assert.deepEqual(
        (await rep2.query<{ Name: string }>('SELECT Name FROM Contact ORDER BY Name')).records.map(
          (r) => r.Name,
        ),
        ['Ann Acme'],
      );

      const single = await rest(emulator, REP2, 'GET', `/sobjects/Task/${f.privateTask}`);
      assert.deepEqual(single, {
        status: 404,
        body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
      });
      const collection = await rest(
        emulator,
        REP2,
        'GET',
        `/composite/sobjects/Task?ids=${f.privateTask},${f.contactTask}&fields=Subject`,
      );
      assert.deepEqual(
        (collection.body as ({ Subject: string } | null)[]).map((r) => r?.Subject ?? null),
        [null, 'Call Ann'],
      );
      const uiApi = await rest(emulator, REP2, 'GET', `/ui-api/records/${f.privateTask}?fields=Task.Subject`);
      assert.equal(uiApi.status, 404);
      const graphql = await rest(emulator, REP2, 'POST', '/graphql', {
        query:
          'query { uiapi { query { Task(orderBy: { Subject: { order: ASC } }) { edges { node { Subject { value } } } totalCount } } } }',
      });
      const connection = (
        graphql.body as {
          data: {
            uiapi: {
              query: { Task: { edges: { node: { Subject: { value: string } } }[]; totalCount: number } };
            };
          };
        }
      ).data.uiapi.query.Task;
      assert.deepEqual(
        connection.edges.map((e) => e.node.Subject.value),
        ['Call Ann'],
      );
      assert.equal(connection.totalCount, 1);
      const start = new Date(Date.now() - 3_600_000).toISOString();
      const end = new Date(Date.now() + 3_600_000).toISOString();
      const updated = await rest(emulator, REP2, 'GET', `/sobjects/Task/updated?start=${start}&end=${end}`);
      assert.ok(!(updated.body as { ids: string[] }).ids.includes(f.privateTask));

      const job = await bulkRequest(emulator, rep2, 'POST', '/jobs/query', {
        body: JSON.stringify({ operation: 'query', query: 'SELECT Id, Subject FROM Task' }),
      });
      const jobId = (json(job) as { id: string }).id;
      assert.equal((await waitForJob(emulator, rep2, 'query', jobId)).state, 'JobComplete');
      const results = await bulkRequest(emulator, rep2, 'GET', `/jobs/query/${jobId}/results`);
      assert.deepEqual(
        parseCsv(results.text).map((r) => r.Subject),
        ['Call Ann'],
      );
    });
  });

  it('refuses changes to a task the rep may not edit, with INSUFFICIENT_ACCESS_OR_READONLY, on every write surface', async () => {
    await withEmulator({ users: USERS }, async (emulator) => {
      const f = await seed(emulator);
      for (const id of [f.privateTask, f.contactTask]) {
        const patched = await rest(emulator, REP2, 'PATCH', `/sobjects/Task/${id}`, { Status: 'Completed' });
        assert.deepEqual(patched, { status: 400, body: NO_ACCESS }, id);
        const deleted = await rest(emulator, REP2, 'DELETE', `/sobjects/Task/${id}`);
        assert.deepEqual(deleted, { status: 400, body: NO_ACCESS }, id);
      }
      const own = await rest(emulator, REP2, 'POST', '/sobjects/Task', { Subject: 'Mine' });
      const ownId = (own.body as { id: string }).id;
      const batch = await rest(emulator, REP2, 'PATCH', '/composite/sobjects', {
        allOrNone: false,
        records: [
          { attributes: { type: 'Task' }, Id: f.privateTask, Status: 'Completed' },
          { attributes: { type: 'Task' }, Id: ownId, Status: 'Completed' },
        ],
      });
      assert.deepEqual(batch.body, [
        {
          success: false,
          errors: [
            {
              statusCode: 'INSUFFICIENT_ACCESS_OR_READONLY',
              message: 'insufficient access rights on object id',
              fields: [],
            },
          ],
        },
        { id: ownId, success: true, errors: [] },
      ]);
      const removed = await rest(emulator, REP2, 'DELETE', `/composite/sobjects?ids=${f.privateTask}`);
      assert.equal(
        (removed.body as { errors: { statusCode: string }[] }[])[0]?.errors[0]?.statusCode,
        'INSUFFICIENT_ACCESS_OR_READONLY',
      );
      const uiApi = await rest(emulator, REP2, 'PATCH', `/ui-api/records/${f.contactTask}`, {
        fields: { Status: 'Completed' },
      });
      assert.equal(uiApi.status, 400);
      assert.match(JSON.stringify(uiApi.body), /INSUFFICIENT_ACCESS_OR_READONLY/);
      const mutation = await rest(emulator, REP2, 'POST', '/graphql', {
        query: `mutation { uiapi { TaskUpdate(input: { Id: "${f.contactTask}", Task: { Status: "Completed" } }) { success } } }`,
      });
      assert.match(JSON.stringify(mutation.body), /insufficient access rights on object id/);

      const rep2 = await connectAs(emulator, REP2);
      const ingest = await bulkRequest(emulator, rep2, 'POST', '/jobs/ingest', {
        body: JSON.stringify({ object: 'Task', operation: 'update' }),
      });
      const ingestId = (json(ingest) as { id: string }).id;
      await bulkRequest(emulator, rep2, 'PUT', `/jobs/ingest/${ingestId}/batches`, {
        body: `Id,Status\n${f.privateTask},Completed\n`,
        contentType: 'text/csv',
      });
      await bulkRequest(emulator, rep2, 'PATCH', `/jobs/ingest/${ingestId}`, {
        body: JSON.stringify({ state: 'UploadComplete' }),
      });
      await waitForJob(emulator, rep2, 'ingest', ingestId);
      const failed = await bulkRequest(emulator, rep2, 'GET', `/jobs/ingest/${ingestId}/failedResults`);
      assert.match(failed.text, /INSUFFICIENT_ACCESS_OR_READONLY:insufficient access rights on object id/);

      const rep = await connectAs(emulator, REP);
      const [stillOpen] = (
        await rep.query<{ Status: string }>(`SELECT Status FROM Task WHERE Id = '${f.privateTask}'`)
      ).records;
      assert.equal(stillOpen?.Status, 'Not Started', 'nothing changed');
    });
  });

  it('lets the manager above the owner in the role hierarchy read, edit and delete their tasks', async () => {
    await withEmulator({ users: USERS }, async (emulator) => {
      const f = await seed(emulator);
      const manager = await connectAs(emulator, MANAGER);
      assert.deepEqual(await subjects(manager), EVERY_TASK);
      assert.equal(
        (await rest(emulator, MANAGER, 'PATCH', `/sobjects/Task/${f.privateTask}`, { Status: 'Completed' }))
          .status,
        204,
      );
      assert.equal(
        (await rest(emulator, MANAGER, 'DELETE', `/sobjects/Task/${f.privateContactTask}`)).status,
        204,
      );
      // The rep is not above the manager: the manager's own private task stays hidden from the rep.
      const managerTask = await rest(emulator, MANAGER, 'POST', '/sobjects/Task', {
        Subject: 'Manager only',
      });
      const id = (managerTask.body as { id: string }).id;
      assert.equal((await rest(emulator, REP, 'GET', `/sobjects/Task/${id}`)).status, 404);
    });
  });

  it('gives access to an activity through its Who and What when activities are controlled by parent', async () => {
    await withEmulator({ users: USERS }, async (emulator) => {
      const f = await seed(emulator);
      // With accounts Public Read/Write, Ann (through Acme) and her task are editable by any rep.
      await setSharing(emulator, { Account: 'ReadWrite' });
      assert.equal(
        (await rest(emulator, REP2, 'PATCH', `/sobjects/Task/${f.contactTask}`, { Status: 'Completed' }))
          .status,
        204,
      );
      // A task needs edit access to both its Who and its What: Pat is private.
      assert.deepEqual(
        (await rest(emulator, REP2, 'PATCH', `/sobjects/Task/${f.bothTask}`, { Status: 'Completed' })).status,
        400,
      );
      assert.deepEqual(
        (await rest(emulator, REP2, 'PATCH', `/sobjects/Task/${f.privateTask}`, { Status: 'Completed' }))
          .body,
        NO_ACCESS,
      );
      // Private activities: the Who and What give read access only.
      await setSharing(emulator, { Activity: 'Private' });
      const rep2 = await connectAs(emulator, REP2);
      assert.deepEqual(await subjects(rep2), ['Call Ann']);
      assert.deepEqual(
        (await rest(emulator, REP2, 'PATCH', `/sobjects/Task/${f.contactTask}`, { Status: 'In Progress' }))
          .body,
        NO_ACCESS,
      );
      const sharing = await admin(emulator, 'GET', 'sharing');
      assert.deepEqual((sharing.body as { defaults: Record<string, string> }).defaults, {
        Account: 'ReadWrite',
        Activity: 'Private',
        Contact: 'ControlledByParent',
        Lead: 'Read',
        Opportunity: 'Read',
        SIA_Sync_Error__c: 'Private',
        SIA_Sync_Setting__c: 'Private',
        SIA_Sync_Status__c: 'Private',
      });
      const bad = await admin(emulator, 'PUT', 'sharing', { Activity: 'ReadWrite' });
      assert.equal(bad.status, 400);
    });
  });

  it('lets Modify All Data edit anything, and View All Data read everything but change nothing', async () => {
    await withEmulator({ users: USERS, orgAccess: 'viewAllData' }, async (emulator) => {
      const f = await seed(emulator);
      // The integration user holds View All Data (SIA_Sync_Org_Access), not Modify All Data.
      const integration = await connectAs(emulator, INTEGRATION);
      assert.deepEqual(await subjects(integration), EVERY_TASK);
      for (const id of [f.privateTask, f.contactTask, f.privateContactTask])
        assert.deepEqual(
          (await rest(emulator, INTEGRATION, 'PATCH', `/sobjects/Task/${id}`, { Status: 'Completed' })).body,
          NO_ACCESS,
        );
      // The administrator holds Modify All Data.
      for (const id of [f.privateTask, f.contactTask])
        assert.equal(
          (await rest(emulator, ADMIN, 'PATCH', `/sobjects/Task/${id}`, { Status: 'Completed' })).status,
          204,
        );
      assert.equal(
        (await rest(emulator, ADMIN, 'DELETE', `/sobjects/Task/${f.privateContactTask}`)).status,
        204,
      );
      // Granted Modify All Data in Setup, the integration user may change them too.
      await grantPermissionSet(emulator, 'Edit_Everything', INTEGRATION, {
        PermissionsViewAllData: true,
        PermissionsModifyAllData: true,
      });
      assert.equal(
        (
          await rest(emulator, INTEGRATION, 'PATCH', `/sobjects/Task/${f.privateTask}`, {
            Status: 'In Progress',
          })
        ).status,
        204,
      );
    });
  });

  it('applies field-level security: hidden fields do not exist, read-only ones refuse writes', async () => {
    await withEmulator({ users: USERS }, async (emulator) => {
      const f = await seed(emulator);
      // Take SIA_Sync_User (which grants read on the SIA activity fields) away from rep2.
      await unassign(emulator, REP2, 'SIA_Sync_User');

      const hidden = await rest(
        emulator,
        REP2,
        'GET',
        `/query?q=${encodeURIComponent('SELECT Id, SIA_Task_Id__c FROM Task')}`,
      );
      assert.equal(hidden.status, 400);
      assert.equal((hidden.body as { errorCode: string }[])[0]?.errorCode, 'INVALID_FIELD');
      assert.match(
        (hidden.body as { message: string }[])[0]?.message ?? '',
        /No such column 'SIA_Task_Id__c' on entity 'Task'/,
      );
      const describe = await rest(emulator, REP2, 'GET', '/sobjects/Task/describe');
      const names = (describe.body as { fields: { name: string }[] }).fields.map((field) => field.name);
      assert.ok(!names.includes('SIA_Task_Id__c') && names.includes('Subject'));
      assert.deepEqual(
        await rest(emulator, REP2, 'POST', '/sobjects/Task', { Subject: 'x', SIA_Task_Id__c: 'sia-1' }),
        {
          status: 400,
          body: [
            {
              message: "No such column 'SIA_Task_Id__c' on sobject of type Task",
              errorCode: 'INVALID_FIELD',
            },
          ],
        },
      );
      const record = await rest(emulator, REP2, 'GET', `/sobjects/Task/${f.contactTask}`);
      assert.ok(!Object.keys(record.body as object).includes('SIA_Task_Id__c'));

      // The admin reads the SIA fields (SIA_Sync_Admin) but may not write them, Modify All Data or
      // not; the rep writes them (SIA_Sync_User: SIA writes as the rep through their connection).
      const describeOf = async (username: string) =>
        (
          (await rest(emulator, username, 'GET', '/sobjects/Task/describe')).body as {
            fields: { name: string; createable: boolean; updateable: boolean }[];
          }
        ).fields.find((candidate) => candidate.name === 'SIA_Task_Id__c');
      const field = await describeOf(ADMIN);
      assert.deepEqual([field?.createable, field?.updateable], [false, false]);
      const repField = await describeOf(REP);
      assert.deepEqual([repField?.createable, repField?.updateable], [true, true]);
      const refused = await rest(emulator, ADMIN, 'POST', '/sobjects/Task', {
        Subject: 'x',
        SIA_Task_Id__c: 'sia-1',
      });
      assert.equal(
        (refused.body as { errorCode: string }[])[0]?.errorCode,
        'INVALID_FIELD_FOR_INSERT_UPDATE',
      );
      const read = await rest(
        emulator,
        REP,
        'GET',
        `/query?q=${encodeURIComponent('SELECT SIA_Task_Id__c FROM Task LIMIT 1')}`,
      );
      assert.equal(read.status, 200);
    });
  });

  it('applies object permissions and Edit Tasks', async () => {
    await withEmulator({ users: USERS }, async (emulator) => {
      // A rep has no access to the sync error object: it does not exist for them.
      assert.equal((await rest(emulator, REP, 'GET', '/sobjects/SIA_Sync_Error__c/describe')).status, 404);
      const query = await rest(
        emulator,
        REP,
        'GET',
        `/query?q=${encodeURIComponent('SELECT Id FROM SIA_Sync_Error__c')}`,
      );
      assert.equal((query.body as { errorCode: string }[])[0]?.errorCode, 'INVALID_TYPE');
      // Reps hear the notice event and publish it (SIA writes as the rep through their connection);
      // without SIA_Sync_User the event does not exist for a user.
      assert.equal(
        (await rest(emulator, REP, 'POST', '/sobjects/SIA_Sync_Notice__e', { Kind__c: 'x' })).status,
        201,
      );
      await unassign(emulator, REP2, 'SIA_Sync_User');
      assert.deepEqual(await rest(emulator, REP2, 'POST', '/sobjects/SIA_Sync_Notice__e', { Kind__c: 'x' }), {
        status: 404,
        body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
      });
      // Without Edit Tasks (a Minimum Access user given only API Enabled), tasks are read-only.
      await rest(emulator, ADMIN, 'POST', '/sobjects/User', {
        Username: 'viewer@sia-emulator.example',
        LastName: 'Viewer',
        Email: 'viewer@sia-emulator.example',
        Alias: 'viewer',
        ProfileId: (
          (
            await rest(
              emulator,
              ADMIN,
              'GET',
              `/query?q=${encodeURIComponent("SELECT Id FROM Profile WHERE Name = 'Minimum Access - Salesforce'")}`,
            )
          ).body as { records: { Id: string }[] }
        ).records[0]?.Id,
      });
      const created = await rest(emulator, ADMIN, 'POST', '/sobjects/PermissionSet', {
        Name: 'Api_Only',
        Label: 'API only',
        PermissionsApiEnabled: true,
      });
      const viewer = (
        (
          await rest(
            emulator,
            ADMIN,
            'GET',
            `/query?q=${encodeURIComponent("SELECT Id FROM User WHERE Username = 'viewer@sia-emulator.example'")}`,
          )
        ).body as { records: { Id: string }[] }
      ).records[0]?.Id;
      await rest(emulator, ADMIN, 'POST', '/sobjects/PermissionSetAssignment', {
        AssigneeId: viewer,
        PermissionSetId: (created.body as { id: string }).id,
      });
      assert.deepEqual(
        await rest(emulator, 'viewer@sia-emulator.example', 'POST', '/sobjects/Task', { Subject: 'x' }),
        {
          status: 400,
          body: [
            {
              message: 'entity type cannot be inserted: Task',
              errorCode: 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY',
              fields: [],
            },
          ],
        },
      );
      // Granting permission sets is an admin's: a rep cannot assign themselves one.
      const selfGrant = await rest(emulator, REP, 'POST', '/sobjects/PermissionSetAssignment', {
        AssigneeId: userId(emulator, REP),
        PermissionSetId: (created.body as { id: string }).id,
      });
      assert.equal(
        (selfGrant.body as { errorCode: string }[])[0]?.errorCode,
        'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY',
      );
    });
  });

  it('refuses lookups to records the user cannot see, and transfers they may not make', async () => {
    await withEmulator({ users: USERS }, async (emulator) => {
      const f = await seed(emulator);
      assert.deepEqual(
        await rest(emulator, REP2, 'POST', '/sobjects/Task', {
          Subject: 'Call Pat',
          WhoId: f.privateContact,
        }),
        {
          status: 400,
          body: NO_REFERENCE,
        },
      );
      // Handing one's own task to a colleague is allowed.
      const own = await rest(emulator, REP2, 'POST', '/sobjects/Task', {
        Subject: 'For Riley',
        WhoId: f.contact,
      });
      const ownId = (own.body as { id: string }).id;
      assert.equal(
        (await rest(emulator, REP2, 'PATCH', `/sobjects/Task/${ownId}`, { OwnerId: userId(emulator, REP) }))
          .status,
        204,
      );
      // Editing the rep's account (Public Read/Write) is not owning it: no transfer.
      await setSharing(emulator, { Account: 'ReadWrite' });
      assert.equal(
        (await rest(emulator, REP2, 'PATCH', `/sobjects/Account/${f.account}`, { Name: 'Acme Corp' })).status,
        204,
      );
      assert.deepEqual(
        await rest(emulator, REP2, 'PATCH', `/sobjects/Account/${f.account}`, {
          OwnerId: userId(emulator, REP2),
        }),
        {
          status: 400,
          body: NO_REFERENCE,
        },
      );
    });
  });

  it('opens records through the deployed sharing rule and the role hierarchy', async () => {
    await withEmulator({ users: USERS }, async (emulator) => {
      const admin = await connectAs(emulator, ADMIN);
      await admin
        .sobject('SIA_Sync_Setting__c')
        .create({ Scope_Key__c: 'ORG', Task_Sync_Mode__c: 'DoNotSync' });
      const rep = await connectAs(emulator, REP);
      const repId = userId(emulator, REP);
      await rep.sobject('SIA_Sync_Setting__c').create({ Scope_Key__c: repId, User__c: repId });
      const keys = async (username: string): Promise<string[]> =>
        (
          await (
            await connectAs(emulator, username)
          ).query<{ Scope_Key__c: string }>(
            'SELECT Scope_Key__c FROM SIA_Sync_Setting__c ORDER BY Scope_Key__c',
          )
        ).records.map((r) => r.Scope_Key__c);
      // "Org defaults readable by everyone": the ORG row, owned by the admin, reaches every user.
      assert.deepEqual(await keys(REP2), ['ORG']);
      assert.deepEqual(await keys(REP), [repId, 'ORG'].sort());
      assert.deepEqual(await keys(MANAGER), [repId, 'ORG'].sort());
    });
  });

  it('delivers change events only to subscribers who may see the entity, without the fields they may not', async () => {
    await withEmulator({ users: USERS, connectHoldMs: 10_000 }, async (emulator) => {
      // An auditor: View All Data, but none of the SIA activity fields.
      await grantPermissionSet(emulator, 'Auditor', MANAGER, { PermissionsViewAllData: true });
      await unassign(emulator, MANAGER, 'SIA_Sync_User');

      const clients: StreamingClient[] = [];
      const subscribe = async (username: string, channels: string[]): Promise<Inbox> => {
        const conn = await connectAs(emulator, username);
        const client = conn.streaming.createClient(
          channels.map((channel) => new StreamingExtension.Replay(channel, -1)),
        ) as unknown as StreamingClient;
        clients.push(client);
        const inbox = new Inbox();
        for (const channel of channels) await client.subscribe(channel, inbox.push);
        return inbox;
      };
      try {
        const integration = await subscribe(INTEGRATION, ['/data/TaskChangeEvent']);
        const auditor = await subscribe(MANAGER, ['/data/TaskChangeEvent']);
        const rep = await subscribe(REP, ['/data/TaskChangeEvent', '/event/SIA_Sync_Notice__e']);

        const writer = await connectAs(emulator, INTEGRATION);
        const created = await writer
          .sobject('Task')
          .create({ Subject: 'From SIA', SIA_Task_Id__c: 'sia-42' });
        assert.ok(created.id);
        await writer
          .sobject('Task')
          .update({ Id: created.id, Subject: 'From SIA, renamed', SIA_Task_Id__c: 'sia-43' });
        await writer.sobject('SIA_Sync_Notice__e').create({ Kind__c: 'TasksChanged' });

        const full = await integration.waitFor(2);
        assert.equal(full[0]?.payload.SIA_Task_Id__c, 'sia-42');
        assert.equal(full[1]?.payload.SIA_Task_Id__c, 'sia-43');
        const [createdEvent, updatedEvent] = await auditor.waitFor(2);
        assert.ok(createdEvent && updatedEvent);
        assert.equal(createdEvent.payload.Subject, 'From SIA');
        assert.ok(!('SIA_Task_Id__c' in createdEvent.payload));
        const header = updatedEvent.payload.ChangeEventHeader as { changedFields: string[] };
        assert.ok(header.changedFields.includes('Subject'));
        assert.ok(!header.changedFields.includes('SIA_Task_Id__c'));
        assert.ok(!('SIA_Task_Id__c' in updatedEvent.payload));
        // The rep (no View All Data) hears the notice published after the task changes, and nothing
        // before it: events reach a client in the order they were published.
        const [notice] = await rep.waitFor(1);
        assert.equal(notice?.payload.Kind__c, 'TasksChanged');
        assert.equal(rep.events.length, 1);
      } finally {
        await Promise.all(clients.map((client) => settledWithin(client.disconnect(), 1_000)));
      }
    });
  });

  it('refuses every API to a user without API Enabled: REST, the Metadata API and the Streaming API', async () => {
    await withEmulator({ users: USERS, installPackage: false }, async (emulator) => {
      const token = await userToken(emulator, INTEGRATION);
      const soap = await fetch(`${emulator.url}/services/Soap/m/62.0`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml', soapaction: '""' },
        body: `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Header><SessionHeader><sessionId>${token}</sessionId></SessionHeader></soapenv:Header><soapenv:Body><checkDeployStatus><asyncProcessId>0Af000000000001</asyncProcessId></checkDeployStatus></soapenv:Body></soapenv:Envelope>`,
      });
      assert.match(await soap.text(), /API_CURRENTLY_DISABLED: API is disabled for this User/);
      const handshake = await fetch(`${emulator.url}/cometd/62.0`, {
        method: 'POST',
        headers: { authorization: `OAuth ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify([
          { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] },
        ]),
      });
      const [reply] = (await handshake.json()) as { successful: boolean }[];
      assert.equal(reply?.successful, false);
      assert.equal((await rest(emulator, INTEGRATION, 'GET', '/limits')).status, 403);
    });
  });
});
