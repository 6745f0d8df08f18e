// The preview's platform adapters against their documented contracts: @salesforce/* scoped modules,
// the wire adapter protocol ({ data, error }, undefined reactive parameters, stale answers), the
// graphql wire's { data, errors, refresh } and the UI API requests of lightning/uiRecordApi.
import assert from 'node:assert/strict';
import { afterEach, before, describe, it } from 'node:test';
import { moduleSource } from '../build/salesforce-modules.ts';
import type { PreviewSession } from '../src/platform/session.ts';

interface Call {
  url: string;
  method: string;
  body: unknown;
}

const calls: Call[] = [];
let answer: (call: Call) => Response | Promise<Response> = () => new Response('{}');
const realFetch = globalThis.fetch;

before(() => {
  const session: PreviewSession = {
    userId: '005000000000004AAA',
    username: 'rep@sia-emulator.example',
    displayName: 'Riley Rep',
    apiVersion: '66.0',
    timeZone: 'America/New_York',
    locale: 'en-US',
    language: 'en',
    currency: 'USD',
    customPermissions: [],
  };
  globalThis.__SIA_PREVIEW_SESSION__ = session;
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const url = input instanceof Request ? input.url : input.toString();
    const call = { url, method: init?.method ?? 'GET', body };
    calls.push(call);
    return Promise.resolve(answer(call));
  };
});

afterEach(() => {
  calls.length = 0;
});

process.on('exit', () => {
  globalThis.fetch = realFetch;
});

const json = (value: unknown, status = 200): Response =>
  new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });

/** Drives a wire adapter as the LWC engine does and collects what it emits. */
function wire(
  Adapter: new (callback: (value: unknown) => void) => {
    update(c: Record<string, unknown>): void;
    connect(): void;
    disconnect(): void;
  },
) {
  const emitted: unknown[] = [];
  const adapter = new Adapter((value) => emitted.push(value));
  return { adapter, emitted };
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 10));

describe('@salesforce scoped modules', () => {
  it('schema imports are object and field references', () => {
    assert.equal(
      moduleSource('@salesforce/schema/Task.Status'),
      'export default {"objectApiName":"Task","fieldApiName":"Status"};',
    );
    assert.equal(
      moduleSource('@salesforce/schema/Contact.Account.Name'),
      'export default {"objectApiName":"Contact","fieldApiName":"Account.Name"};',
    );
    assert.equal(
      moduleSource('@salesforce/schema/SIA_Sync_Setting__c'),
      'export default {"objectApiName":"SIA_Sync_Setting__c"};',
    );
  });

  it('user, i18n and custom permissions read the session; a custom permission is true or undefined', () => {
    assert.match(moduleSource('@salesforce/user/Id') ?? '', /export default session\.userId;/);
    assert.match(moduleSource('@salesforce/i18n/timeZone') ?? '', /export default session\.timeZone;/);
    assert.match(moduleSource('@salesforce/i18n/lang') ?? '', /export default session\.language;/);
    assert.match(
      moduleSource('@salesforce/customPermission/SIA_Sync_Admin') ?? '',
      /session\.customPermissions\.includes\("SIA_Sync_Admin"\) \? true : undefined/,
    );
  });

  it('modules the preview does not provide are refused, not faked', () => {
    assert.equal(moduleSource('@salesforce/apex/TaskController.getTasks'), undefined);
    assert.equal(moduleSource('@salesforce/i18n/number.decimalSeparator'), undefined);
  });
});

describe('graphql wire adapter', () => {
  it('posts the document and variables to the GraphQL API and emits data with a refresh', async () => {
    const { graphql, gql } = await import('../src/platform/graphql.ts');
    answer = () => json({ data: { uiapi: { query: { Task: { edges: [] } } } } });
    const query = gql`
      query tasks($id: ID!) {
        uiapi {
          query {
            Task(where: { Id: { eq: $id } }) {
              edges {
                node {
                  Id
                }
              }
            }
          }
        }
      }
    `;
    const { adapter, emitted } = wire(graphql);
    adapter.update({ query, variables: { id: '00T000000000001AAA' } });
    adapter.connect();
    await settle();
    assert.deepEqual(
      calls.map((c) => [c.method, c.url]),
      [['POST', '/services/data/v66.0/graphql']],
    );
    assert.deepEqual(calls[0]?.body, { query, variables: { id: '00T000000000001AAA' } });
    const result = emitted[0] as { data: unknown; errors: unknown; refresh: () => Promise<void> };
    assert.deepEqual(result.data, { uiapi: { query: { Task: { edges: [] } } } });
    assert.equal(result.errors, undefined);
    await result.refresh();
    assert.equal(calls.length, 2);
    assert.equal(emitted.length, 2);
  });

  it('waits while a reactive parameter is undefined', async () => {
    const { graphql } = await import('../src/platform/graphql.ts');
    const { adapter, emitted } = wire(graphql);
    adapter.update({
      query: 'query { uiapi { query { Task { edges { node { Id } } } } } }',
      variables: undefined,
    });
    adapter.connect();
    await settle();
    assert.equal(calls.length, 0);
    assert.equal(emitted.length, 0);
  });

  it('emits the GraphQL errors of a refused query', async () => {
    const { graphql } = await import('../src/platform/graphql.ts');
    answer = () => json({ errors: [{ message: 'Validation error: Field Nope is undefined' }] });
    const { adapter, emitted } = wire(graphql);
    adapter.update({
      query: 'query { uiapi { query { Task { edges { node { Nope } } } } } }',
      variables: {},
    });
    adapter.connect();
    await settle();
    const result = emitted[0] as { errors: { message: string }[] };
    assert.deepEqual(result.errors, [{ message: 'Validation error: Field Nope is undefined' }]);
  });

  it('drops an answer a newer request overtook, and emits nothing after disconnect', async () => {
    const { graphql } = await import('../src/platform/graphql.ts');
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    answer = async (call) => {
      const variables = (call.body as { variables: { n: number } }).variables;
      if (variables.n === 1) await slow;
      return json({ data: { n: variables.n } });
    };
    const { adapter, emitted } = wire(graphql);
    adapter.update({ query: 'q', variables: { n: 1 } });
    adapter.connect();
    adapter.update({ query: 'q', variables: { n: 2 } });
    await settle();
    release();
    await settle();
    assert.deepEqual(
      emitted.map((e) => (e as { data: { n: number } }).data.n),
      [2],
    );
    adapter.disconnect();
    await (emitted[0] as { refresh: () => Promise<void> }).refresh();
    assert.equal(emitted.length, 1);
  });
});

describe('lightning/uiRecordApi', () => {
  it('updateRecord PATCHes the record through the UI API without the Id in the body', async () => {
    const { updateRecord } = await import('../src/platform/ui-record-api.ts');
    answer = () => json({ id: '00T000000000001AAA', apiName: 'Task', fields: {} });
    await updateRecord({ fields: { Id: '00T000000000001AAA', Status: 'Completed' } });
    assert.deepEqual(calls, [
      {
        url: '/services/data/v66.0/ui-api/records/00T000000000001AAA',
        method: 'PATCH',
        body: { fields: { Status: 'Completed' } },
      },
    ]);
  });

  it('createRecord POSTs apiName and fields; a refusal rejects with the LDS error shape', async () => {
    const { createRecord } = await import('../src/platform/ui-record-api.ts');
    const refusal = {
      message: 'Required fields are missing',
      output: { fieldErrors: { Name: [{ message: 'required' }] } },
    };
    answer = () => json(refusal, 400);
    await assert.rejects(createRecord({ apiName: 'Account', fields: {} }), (error: unknown) => {
      const failure = error as { status: number; ok: boolean; body: unknown };
      assert.equal(failure.status, 400);
      assert.equal(failure.ok, false);
      assert.deepEqual(failure.body, refusal);
      return true;
    });
    assert.deepEqual(calls[0], {
      url: '/services/data/v66.0/ui-api/records',
      method: 'POST',
      body: { apiName: 'Account', fields: {} },
    });
  });

  it('getFieldValue follows relationship paths of a record representation', async () => {
    const { getFieldValue, getFieldDisplayValue } = await import('../src/platform/ui-record-api.ts');
    const record = {
      fields: {
        Name: { value: 'Ada Lovelace', displayValue: null },
        Account: {
          value: { fields: { Name: { value: 'Northwind Traders', displayValue: null } } },
          displayValue: 'Northwind Traders',
        },
      },
    };
    assert.equal(getFieldValue(record, { objectApiName: 'Contact', fieldApiName: 'Name' }), 'Ada Lovelace');
    assert.equal(getFieldValue(record, 'Contact.Account.Name'), 'Northwind Traders');
    assert.equal(getFieldDisplayValue(record, 'Contact.Account'), 'Northwind Traders');
    assert.equal(getFieldValue(record, 'Contact.Title'), undefined);
  });
});
