// The Metadata API deploy as the CLI drives it: SOAP deploy + checkDeployStatus (and the REST
// deployRequest resource), DeployResult details, check-only deploys, rollbackOnError, later deploys
// that update what is there, and deployed metadata kept by --data across a restart.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { deployZip, FORCE_APP, packageZip, sessionFor } from '../../scripts/package-install.ts';
import { findField, findObject } from '../src/schema/types.ts';
import { raw, withEmulator } from './helpers.ts';

const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A source-format package in a temporary folder: relative path → XML (or file) text. */
function sourcePackage(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'sia-deploy-'));
  dirs.push(root);
  for (const [path, body] of Object.entries(files)) {
    const full = join(root, 'main', 'default', path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, path.endsWith('.js') ? body : `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`);
  }
  return root;
}

const WIDGET = {
  'objects/Widget__c/Widget__c.object-meta.xml': `<CustomObject ${NS}><label>Widget</label><pluralLabel>Widgets</pluralLabel><nameField><label>Widget Name</label><type>Text</type></nameField><deploymentStatus>Deployed</deploymentStatus><sharingModel>ReadWrite</sharingModel></CustomObject>`,
  'objects/Widget__c/fields/Size__c.field-meta.xml': `<CustomField ${NS}><fullName>Size__c</fullName><label>Size</label><type>Number</type><precision>5</precision><scale>0</scale></CustomField>`,
};

const BUNDLE_META = `<LightningComponentBundle ${NS}><apiVersion>66.0</apiVersion><isExposed>false</isExposed></LightningComponentBundle>`;

describe('Metadata API deploy', () => {
  it('deploys, reports every component, and a later deploy updates only what changed', async () => {
    await withEmulator({ installPackage: false }, async (emulator) => {
      const first = await deployZip(emulator, await packageZip(sourcePackage(WIDGET)));
      assert.equal(first.status, 'Succeeded');
      assert.equal(first.success, true);
      assert.equal(first.numberComponentsDeployed, 2);
      assert.deepEqual(
        first.successes.map((s) => [s.componentType, s.fullName, s.fileName, s.created]),
        [
          ['', 'package.xml', 'package.xml', 'false'],
          ['CustomObject', 'Widget__c', 'objects/Widget__c.object', 'true'],
          ['CustomField', 'Widget__c.Size__c', 'objects/Widget__c.object', 'true'],
        ],
      );
      assert.equal(first.result.rollbackOnError, 'true');
      assert.equal(first.result.runTestsEnabled, 'false');
      assert.equal(first.result.numberTestsTotal, '0');
      // Dates to the second, as the platform stores them.
      for (const key of ['createdDate', 'startDate', 'completedDate', 'lastModifiedDate'])
        assert.match(String(first.result[key]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/, key);
      for (const s of first.successes) assert.match(String(s['createdDate' as keyof typeof s]), /\.000Z$/);
      const widget = findObject(emulator.state.org.schema, 'Widget__c');
      assert.equal(findField(widget ?? ({ fields: new Map() } as never), 'Size__c')?.precision, 5);

      const relabelled = sourcePackage({
        ...WIDGET,
        'objects/Widget__c/fields/Size__c.field-meta.xml': `<CustomField ${NS}><fullName>Size__c</fullName><label>Widget Size</label><type>Number</type><precision>5</precision><scale>0</scale></CustomField>`,
      });
      const second = await deployZip(emulator, await packageZip(relabelled));
      const states = new Map(second.successes.map((s) => [s.fullName, [s.created, s.changed]]));
      assert.deepEqual(states.get('Widget__c'), ['false', 'false'], 'unchanged');
      assert.deepEqual(states.get('Widget__c.Size__c'), ['false', 'true'], 'changed');
      assert.equal(
        findField(
          findObject(emulator.state.org.schema, 'Widget__c') ?? ({ fields: new Map() } as never),
          'Size__c',
        )?.label,
        'Widget Size',
      );
    });
  });

  it('a check-only deploy (sf project deploy start --dry-run) validates and changes nothing', async () => {
    await withEmulator({ installPackage: false }, async (emulator) => {
      const result = await deployZip(emulator, await packageZip(sourcePackage(WIDGET)), { checkOnly: true });
      assert.equal(result.status, 'Succeeded');
      assert.equal(result.checkOnly, true);
      assert.equal(findObject(emulator.state.org.schema, 'Widget__c'), undefined);
    });
  });

  it('fails the whole deploy on one bad component and leaves the org unchanged (rollbackOnError)', async () => {
    const broken = sourcePackage({ ...WIDGET, 'lwc/noScript/noScript.js-meta.xml': BUNDLE_META });
    await withEmulator({ installPackage: false }, async (emulator) => {
      const result = await deployZip(emulator, await packageZip(broken));
      assert.equal(result.status, 'Failed');
      assert.equal(result.success, false);
      assert.equal(result.numberComponentErrors, 1);
      assert.deepEqual(result.failures, [
        {
          changed: 'false',
          componentType: 'LightningComponentBundle',
          created: 'false',
          createdDate: result.failures[0]?.['createdDate' as keyof (typeof result.failures)[0]],
          deleted: 'false',
          fileName: 'lwc/noScript',
          fullName: 'noScript',
          problem: 'No base file for markup://c:noScript',
          problemType: 'Error',
          success: 'false',
        },
      ]);
      assert.equal(findObject(emulator.state.org.schema, 'Widget__c'), undefined, 'nothing was deployed');

      const partial = await deployZip(emulator, await packageZip(broken), { rollbackOnError: false });
      assert.equal(partial.status, 'SucceededPartial');
      assert.ok(
        findObject(emulator.state.org.schema, 'Widget__c'),
        'without rollbackOnError the good part is deployed',
      );
    });
  });

  it('answers SOAP faults as the platform does', async () => {
    await withEmulator({ installPackage: false }, async (emulator) => {
      const envelope = (session: string, body: string): string =>
        `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Header><SessionHeader><sessionId>${session}</sessionId></SessionHeader></soapenv:Header><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
      const post = (body: string): ReturnType<typeof raw> =>
        raw(emulator, 'POST', '/services/Soap/m/66.0', {
          body,
          headers: { 'Content-Type': 'text/xml', SOAPAction: '""' },
        });
      const expired = await post(
        envelope(
          '00D!nope',
          '<checkDeployStatus><asyncProcessId>0Af000000000001AAA</asyncProcessId></checkDeployStatus>',
        ),
      );
      assert.equal(expired.status, 500);
      assert.match(String(expired.body), /<faultcode>sf:INVALID_SESSION_ID<\/faultcode>/);
      const token = await sessionFor(emulator, 'admin@sia-emulator.example');
      const unknown = await post(
        envelope(
          token,
          '<checkDeployStatus><asyncProcessId>0Af000000000001AAA</asyncProcessId><includeDetails>true</includeDetails></checkDeployStatus>',
        ),
      );
      assert.equal(unknown.status, 500);
      assert.match(String(unknown.body), /<faultcode>sf:INVALID_CROSS_REFERENCE_KEY<\/faultcode>/);
    });
  });

  it('takes the REST deployRequest resource (multipart zip + deployOptions)', async () => {
    await withEmulator({ installPackage: false }, async (emulator) => {
      const token = await sessionFor(emulator, 'admin@sia-emulator.example');
      const form = new FormData();
      form.append(
        'file',
        new Blob([await packageZip(sourcePackage(WIDGET))], { type: 'application/zip' }),
        'package.xml',
      );
      form.append(
        'entity_content',
        new Blob([JSON.stringify({ deployOptions: { singlePackage: true, rollbackOnError: true } })], {
          type: 'application/json',
        }),
      );
      const posted = await fetch(`${emulator.url}/services/data/v66.0/metadata/deployRequest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      assert.equal(posted.status, 201);
      const queued = (await posted.json()) as { id: string; deployResult: { status: string; done: boolean } };
      assert.match(queued.id, /^0Af/);
      assert.deepEqual([queued.deployResult.status, queued.deployResult.done], ['Pending', false]);
      const report = await raw(
        emulator,
        'GET',
        `/services/data/v66.0/metadata/deployRequest/${queued.id}?includeDetails=true`,
        { token },
      );
      const { deployResult } = report.body as {
        deployResult: {
          status: string;
          done: boolean;
          details: { componentSuccesses: { fullName: string; created: boolean }[] };
        };
      };
      assert.equal(deployResult.status, 'Succeeded');
      assert.equal(deployResult.done, true);
      assert.ok(
        deployResult.details.componentSuccesses.some((s) => s.fullName === 'Widget__c.Size__c' && s.created),
      );
      assert.ok(findObject(emulator.state.org.schema, 'Widget__c'));
    });
  });

  it('keeps deployed metadata and its permission sets across a --data restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sia-deploy-data-'));
    dirs.push(dir);
    const dataFile = join(dir, 'org.json');
    await withEmulator({ dataFile }, () => Promise.resolve());
    await withEmulator({ dataFile, installPackage: false }, async (emulator) => {
      assert.ok(findObject(emulator.state.org.schema, 'SIA_Sync_Setting__c'));
      const info = (
        await raw(emulator, 'GET', '/__emulator/info', {
          headers: { 'X-Emulator-Secret': emulator.clientSecret },
        })
      ).body as {
        users: { username: string; permissions: string[] }[];
      };
      assert.deepEqual(info.users.find((u) => u.username === 'admin@sia-emulator.example')?.permissions, [
        'SIA_Sync_Admin',
      ]);
    });
  });

  it('takes an org’s own Task Status values (the TaskStatus standard value set): a renamed closed status', async () => {
    const statuses = sourcePackage({
      'standardValueSets/TaskStatus.standardValueSet-meta.xml': `<StandardValueSet ${NS}><sorted>false</sorted>${[
        ['Not Started', true, false],
        ['In Progress', false, false],
        ['Done', false, true],
        ['Waiting on someone else', false, false],
      ]
        .map(
          ([name, isDefault, closed]) =>
            `<standardValue><fullName>${String(name)}</fullName><default>${String(isDefault)}</default><label>${String(name)}</label><closed>${String(closed)}</closed></standardValue>`,
        )
        .join('')}</StandardValueSet>`,
    });
    await withEmulator({}, async (emulator) => {
      const result = await deployZip(emulator, await packageZip(statuses));
      assert.equal(result.status, 'Succeeded', JSON.stringify(result.failures));
      const token = await sessionFor(emulator, 'admin@sia-emulator.example');
      const query = async (soql: string): Promise<{ records: Record<string, unknown>[] }> =>
        (await raw(emulator, 'GET', `/services/data/v66.0/query?q=${encodeURIComponent(soql)}`, { token }))
          .body as {
          records: Record<string, unknown>[];
        };
      const rows = await query('SELECT ApiName, IsClosed, IsDefault FROM TaskStatus ORDER BY SortOrder');
      assert.deepEqual(
        rows.records.map((r) => [r.ApiName, r.IsClosed, r.IsDefault]),
        [
          ['Not Started', false, true],
          ['In Progress', false, false],
          ['Done', true, false],
          ['Waiting on someone else', false, false],
        ],
      );
      const create = (status: string): ReturnType<typeof raw> =>
        raw(emulator, 'POST', '/services/data/v66.0/sobjects/Task', {
          token,
          body: JSON.stringify({ Subject: 'Call', Status: status }),
        });
      const done = await create('Done');
      assert.equal(done.status, 201);
      const task = await query(`SELECT IsClosed FROM Task WHERE Id = '${(done.body as { id: string }).id}'`);
      assert.equal(task.records[0]?.IsClosed, true);
      const completed = await create('Completed');
      assert.equal(completed.status, 400);
      assert.equal(
        (completed.body as { errorCode: string }[])[0]?.errorCode,
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      );
    });
  });

  it('makes layouts, compact layouts and list views live with the package', async () => {
    await withEmulator({ installPackage: false }, async (emulator) => {
      const result = await deployZip(emulator, await packageZip());
      const deployed = new Set(result.successes.map((s) => `${s.componentType}:${s.fullName}`));
      for (const name of [
        'Layout:SIA_Sync_Error__c-SIA Sync Error Layout',
        'CompactLayout:SIA_Sync_Error__c.SIA_Sync_Error_Compact',
        'ListView:SIA_Sync_Error__c.Open_Errors',
        'Layout:SIA_Sync_Setting__c-SIA Sync Setting Layout',
        'Layout:SIA_Sync_Status__c-SIA Sync Status Layout',
      ]) {
        assert.ok(deployed.has(name), name);
      }
      const token = await sessionFor(emulator, 'admin@sia-emulator.example');
      const views = (
        await raw(
          emulator,
          'GET',
          `/services/data/v66.0/query?q=${encodeURIComponent("SELECT Name, DeveloperName FROM ListView WHERE SobjectType = 'SIA_Sync_Error__c' ORDER BY DeveloperName")}`,
          { token },
        )
      ).body as { records: { Name: string; DeveloperName: string }[] };
      assert.deepEqual(
        views.records.map((v) => [v.DeveloperName, v.Name]),
        [
          ['All', 'All'],
          ['Open_Errors', 'Open errors'],
        ],
      );
    });
  });

  it('renders a record with its deployed page layout and compact layout (UI API layoutTypes)', async () => {
    const inFile = (path: string, element: string): string[] =>
      [
        ...readFileSync(join(FORCE_APP, 'main', 'default', path), 'utf8').matchAll(
          new RegExp(`<${element}>([^<]+)</${element}>`, 'g'),
        ),
      ].map((m) => m[1] ?? '');
    const full = inFile('layouts/SIA_Sync_Error__c-SIA Sync Error Layout.layout-meta.xml', 'field');
    const compact = inFile(
      'objects/SIA_Sync_Error__c/compactLayouts/SIA_Sync_Error_Compact.compactLayout-meta.xml',
      'fields',
    );
    await withEmulator({}, async (emulator) => {
      const token = await sessionFor(emulator, 'admin@sia-emulator.example');
      // The service (the integration user) records errors; the admin reads them.
      const created = await raw(emulator, 'POST', '/services/data/v66.0/sobjects/SIA_Sync_Error__c', {
        token: await sessionFor(emulator, 'integration@sia-emulator.example'),
        body: JSON.stringify({ Error_Code__c: 'UNABLE_TO_LOCK_ROW', Message__c: 'Locked.' }),
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const { id } = created.body as { id: string };
      const fieldsOf = async (path: string): Promise<string[]> => {
        const answer = await raw(emulator, 'GET', `/services/data/v66.0/ui-api/records/${path}`, { token });
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        return Object.keys((answer.body as { fields: Record<string, unknown> }).fields);
      };
      assert.deepEqual(await fieldsOf(`${id}?layoutTypes=Full`), full);
      assert.deepEqual(await fieldsOf(`${id}?layoutTypes=Compact`), compact);
      assert.deepEqual(
        (await fieldsOf(`${id}?layoutTypes=Compact&optionalFields=SIA_Sync_Error__c.Message__c`)).sort(),
        [...compact, 'Message__c'].sort(),
      );
      // An object without a deployed layout (Task's is built in) answers with every field.
      const task = await raw(emulator, 'POST', '/services/data/v66.0/sobjects/Task', {
        token,
        body: JSON.stringify({ Subject: 'Call' }),
      });
      const taskFields = await fieldsOf(`${(task.body as { id: string }).id}?layoutTypes=Full`);
      assert.ok(taskFields.includes('Subject') && taskFields.includes('SIA_Task_Id__c'), taskFields.join());
    });
  });
});
