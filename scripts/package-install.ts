// How the demo (npm start) and the tests put the package into an emulator: the way an admin does on
// a real org. The source is
// converted to a Metadata API zip by source-deploy-retrieve (what `sf project deploy start` sends;
// built once per process and source folder), deployed through the emulator's Metadata API SOAP
// endpoint (deploy, then checkDeployStatus), and the permission sets are assigned as
// PermissionSetAssignment records over the REST API. `installPackage()` is the README's admin path:
// deploy force-app, then SIA_Sync_Admin to the administrator, SIA_Sync_Integration to the
// integration user and SIA_Sync_User to every other user.
import { resolve } from 'node:path';
import { ComponentSet, MetadataConverter } from '@salesforce/source-deploy-retrieve';
import { XMLParser } from 'fast-xml-parser';

/** What the helpers need of a running emulator (a RunningEmulator, or its URL, client and users). */
export interface EmulatorEndpoint {
  url: string;
  clientId: string;
  clientSecret: string;
  /** The org's users; the first System Administrator deploys and assigns (default admin@sia-emulator.example). */
  users?: { username: string; profile?: string }[];
}

function adminOf(emulator: EmulatorEndpoint): string {
  const users = emulator.users ?? [];
  return (users.find((u) => u.profile === 'System Administrator') ?? users[0])?.username ?? ADMIN_USERNAME;
}

export const FORCE_APP = resolve(import.meta.dirname, '..', 'force-app');
const API_VERSION = '66.0';
const ADMIN_USERNAME = 'admin@sia-emulator.example';
const INTEGRATION_USERNAME = 'integration@sia-emulator.example';

const zips = new Map<string, Promise<Buffer>>();

/** The Metadata API zip of a source-format package folder, as the CLI builds it (cached per process). */
export function packageZip(sourceDir: string = FORCE_APP): Promise<Buffer> {
  let zip = zips.get(sourceDir);
  if (zip === undefined) {
    zip = (async () => {
      const components = ComponentSet.fromSource(sourceDir);
      components.sourceApiVersion = API_VERSION;
      const result = await new MetadataConverter().convert(components, 'metadata', { type: 'zip' });
      if (result.zipBuffer === undefined)
        throw new Error(`source-deploy-retrieve made no zip of ${sourceDir}`);
      return result.zipBuffer;
    })();
    zips.set(sourceDir, zip);
  }
  return zip;
}

/** An access token for a seeded user, through a refresh token the emulator's admin API mints. */
export async function sessionFor(emulator: EmulatorEndpoint, username: string): Promise<string> {
  const minted = await fetch(`${emulator.url}/__emulator/refresh-tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-emulator-secret': emulator.clientSecret },
    body: JSON.stringify({ username }),
  });
  const { refresh_token: refreshToken } = (await minted.json()) as { refresh_token?: string };
  if (refreshToken === undefined) throw new Error(`the emulator minted no refresh token for ${username}`);
  const response = await fetch(`${emulator.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: emulator.clientId,
      client_secret: emulator.clientSecret,
      refresh_token: refreshToken,
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (body.access_token === undefined) throw new Error(`no session for ${username}: ${JSON.stringify(body)}`);
  return body.access_token;
}

const xml = new XMLParser({
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => name === 'componentFailures' || name === 'componentSuccesses',
});

type XmlTree = Record<string, unknown>;

function at(tree: unknown, ...path: string[]): unknown {
  let node = tree;
  for (const key of path)
    node = typeof node === 'object' && node !== null ? (node as XmlTree)[key] : undefined;
  return node;
}

async function soap(
  emulator: EmulatorEndpoint,
  token: string,
  operation: string,
  body: string,
): Promise<XmlTree> {
  const envelope = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Header><SessionHeader><sessionId>${token}</sessionId></SessionHeader></soapenv:Header><soapenv:Body><${operation}>${body}</${operation}></soapenv:Body></soapenv:Envelope>`;
  const response = await fetch(`${emulator.url}/services/Soap/m/${API_VERSION}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml', soapaction: '""' },
    body: envelope,
  });
  const tree = xml.parse(await response.text()) as unknown;
  const fault = at(tree, 'Envelope', 'Body', 'Fault');
  if (fault !== undefined) throw new Error(`${operation}: ${String(at(fault, 'faultstring'))}`);
  const result = at(tree, 'Envelope', 'Body', `${operation}Response`, 'result');
  if (typeof result !== 'object' || result === null) throw new Error(`${operation}: no result`);
  return result as XmlTree;
}

export interface DeployMessageSummary {
  componentType: string;
  fullName: string;
  fileName: string;
  problem?: string;
  changed?: string;
  created?: string;
}

export interface DeploySummary {
  id: string;
  status: string;
  success: boolean;
  checkOnly: boolean;
  numberComponentsDeployed: number;
  numberComponentErrors: number;
  successes: DeployMessageSummary[];
  failures: DeployMessageSummary[];
  /** The raw DeployResult tree, for assertions on its other fields. */
  result: XmlTree;
}

export interface DeployZipOptions {
  checkOnly?: boolean;
  rollbackOnError?: boolean;
  /** Who deploys (default: the administrator). */
  username?: string;
}

/** Deploys a Metadata API zip (SOAP deploy + checkDeployStatus) and returns the DeployResult. */
export async function deployZip(
  emulator: EmulatorEndpoint,
  zip: Buffer,
  options: DeployZipOptions = {},
): Promise<DeploySummary> {
  const token = await sessionFor(emulator, options.username ?? adminOf(emulator));
  const deployOptions = `<DeployOptions><checkOnly>${options.checkOnly === true}</checkOnly><rollbackOnError>${options.rollbackOnError ?? true}</rollbackOnError><singlePackage>true</singlePackage></DeployOptions>`;
  const queued = await soap(
    emulator,
    token,
    'deploy',
    `<ZipFile>${zip.toString('base64')}</ZipFile>${deployOptions}`,
  );
  const id = String(queued.id);
  const result = await soap(
    emulator,
    token,
    'checkDeployStatus',
    `<asyncProcessId>${id}</asyncProcessId><includeDetails>true</includeDetails>`,
  );
  const messages = (key: string): DeployMessageSummary[] =>
    ((at(result, 'details', key) as XmlTree[] | undefined) ?? []).map(
      (m) => m as unknown as DeployMessageSummary,
    );
  return {
    id,
    status: String(result.status),
    success: result.success === 'true',
    checkOnly: result.checkOnly === 'true',
    numberComponentsDeployed: Number(result.numberComponentsDeployed),
    numberComponentErrors: Number(result.numberComponentErrors),
    successes: messages('componentSuccesses'),
    failures: messages('componentFailures'),
    result,
  };
}

/** Deploys a source-format folder (default force-app) and fails loudly when the org refused any of it. */
export async function deploySource(
  emulator: EmulatorEndpoint,
  sourceDir: string = FORCE_APP,
): Promise<DeploySummary> {
  const summary = await deployZip(emulator, await packageZip(sourceDir));
  if (summary.status !== 'Succeeded') {
    const problems = summary.failures
      .map((f) => `${f.componentType} ${f.fullName}: ${f.problem ?? ''}`)
      .join('\n');
    const hint = /No base file/.test(problems)
      ? '\n(run npm run build: the LWC bundles have no compiled .js)'
      : '';
    throw new Error(`deploy of ${sourceDir} ${summary.status}:\n${problems}${hint}`);
  }
  return summary;
}

async function rest(
  emulator: EmulatorEndpoint,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${emulator.url}/services/data/v${API_VERSION}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const parsed: unknown = text === '' ? undefined : JSON.parse(text);
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

async function idsByName(
  emulator: EmulatorEndpoint,
  token: string,
  soql: string,
): Promise<Map<string, string>> {
  const result = (await rest(emulator, token, 'GET', `/query?q=${encodeURIComponent(soql)}`)) as {
    records: { Id: string; Name?: string; Username?: string }[];
  };
  return new Map(result.records.map((r) => [r.Name ?? r.Username ?? '', r.Id]));
}

/**
 * Assigns permission sets by name to users by username, as `sf org assign permset` does: the
 * administrator creates one PermissionSetAssignment per user and set over the REST API.
 */
export async function assignPermissionSets(
  emulator: EmulatorEndpoint,
  assignments: Record<string, string[]>,
): Promise<void> {
  const token = await sessionFor(emulator, adminOf(emulator));
  const sets = await idsByName(
    emulator,
    token,
    'SELECT Id, Name FROM PermissionSet WHERE IsOwnedByProfile = false',
  );
  const users = await idsByName(emulator, token, 'SELECT Id, Username FROM User');
  const held = (await rest(
    emulator,
    token,
    'GET',
    `/query?q=${encodeURIComponent('SELECT AssigneeId, PermissionSetId FROM PermissionSetAssignment')}`,
  )) as {
    records: { AssigneeId: string; PermissionSetId: string }[];
  };
  const existing = new Set(held.records.map((r) => `${r.AssigneeId}:${r.PermissionSetId}`));
  const records = Object.entries(assignments).flatMap(([username, names]) =>
    names.flatMap((name) => {
      const AssigneeId = users.get(username);
      const PermissionSetId = sets.get(name);
      if (AssigneeId === undefined) throw new Error(`no user ${username}`);
      if (PermissionSetId === undefined)
        throw new Error(`no permission set ${name} (deployed: ${[...sets.keys()].join(', ')})`);
      // Already assigned (a restarted org): the platform would refuse a duplicate.
      if (existing.has(`${AssigneeId}:${PermissionSetId}`)) return [];
      return [{ attributes: { type: 'PermissionSetAssignment' }, AssigneeId, PermissionSetId }];
    }),
  );
  for (let i = 0; i < records.length; i += 200) {
    const results = (await rest(emulator, token, 'POST', '/composite/sobjects', {
      allOrNone: true,
      records: records.slice(i, i + 200),
    })) as {
      success: boolean;
      errors: unknown[];
    }[];
    const failed = results.filter((r) => !r.success);
    if (failed.length > 0) throw new Error(`permission set assignment failed: ${JSON.stringify(failed)}`);
  }
}

/** What the admin grants the org-level identity in Setup, beyond the package: see grantOrgAccess. */
export type OrgAccess = 'none' | 'viewAllData' | 'modifyAllData';

export const ORG_ACCESS_PERMISSION_SET = 'SIA_Sync_Org_Access';

/**
 * What an admin does in Setup → Permission Sets → New for the org-level identity (not in the
 * package: View All Data and Modify All Data depend on permissions that differ from org to org): a
 * permission set with API Enabled and View All Data (change data capture delivers TaskChangeEvent
 * only to View All Data), and with `modifyAllData` also Modify All Data (edit and delete any rep's
 * task), created over the REST API and assigned to `username`. Idempotent.
 */
export async function grantOrgAccess(
  emulator: EmulatorEndpoint,
  username: string,
  access: Exclude<OrgAccess, 'none'>,
): Promise<void> {
  const token = await sessionFor(emulator, adminOf(emulator));
  const permissions = {
    PermissionsApiEnabled: true,
    PermissionsViewAllData: true,
    PermissionsModifyAllData: access === 'modifyAllData',
    PermissionsEditTask: true,
    PermissionsEditEvent: true,
  };
  const existing = await idsByName(
    emulator,
    token,
    `SELECT Id, Name FROM PermissionSet WHERE Name = '${ORG_ACCESS_PERMISSION_SET}'`,
  );
  const known = existing.get(ORG_ACCESS_PERMISSION_SET);
  if (known === undefined) {
    await rest(emulator, token, 'POST', '/sobjects/PermissionSet', {
      Name: ORG_ACCESS_PERMISSION_SET,
      Label: 'SIA Sync Org Access',
      Description:
        "The org-level SIA Sync identity: change data capture for every task, and every rep's task.",
      ...permissions,
    });
  } else {
    await rest(emulator, token, 'PATCH', `/sobjects/PermissionSet/${known}`, permissions);
  }
  await assignPermissionSets(emulator, { [username]: [ORG_ACCESS_PERMISSION_SET] });
}

/**
 * The README's admin path in one call: deploy force-app, then assign SIA_Sync_Admin to the
 * administrator, SIA_Sync_Integration to the integration user and SIA_Sync_User to every other
 * seeded user (`users`: the emulator's usernames; default the three of a default emulator), and give
 * the integration user the org-level access an admin grants it in Setup (`orgAccess`, default
 * `modifyAllData`; see grantOrgAccess).
 */
export async function installPackage(
  emulator: EmulatorEndpoint & { users?: { username: string }[] },
  options: { orgAccess?: OrgAccess } = {},
): Promise<DeploySummary> {
  const summary = await deploySource(emulator);
  const usernames = emulator.users?.map((u) => u.username) ?? [
    ADMIN_USERNAME,
    INTEGRATION_USERNAME,
    'rep@sia-emulator.example',
  ];
  const assignments: Record<string, string[]> = {};
  for (const username of usernames) {
    assignments[username] =
      username === ADMIN_USERNAME
        ? ['SIA_Sync_Admin']
        : username === INTEGRATION_USERNAME
          ? ['SIA_Sync_Integration']
          : ['SIA_Sync_User'];
  }
  await assignPermissionSets(emulator, assignments);
  const orgAccess = options.orgAccess ?? 'modifyAllData';
  if (orgAccess !== 'none' && usernames.includes(INTEGRATION_USERNAME))
    await grantOrgAccess(emulator, INTEGRATION_USERNAME, orgAccess);
  return summary;
}
