// The fault suite. `npm test` runs it small (every fault at least once, on SQLite and PostgreSQL);
// `npm run test:faults` runs it long (SIA_FAULT_SUITE_ROUNDS, default 60 there).
//
// A steady stream of changes both ways (SIA creates and renames, Salesforce edits of Description
// and Priority) while the emulator fails the service's pushes (500, 503, a dropped connection, an
// answer past the request timeout, an answer held after the write was applied, the connection cut
// after the write, UNABLE_TO_LOCK_ROW, REQUEST_LIMIT_EXCEEDED, a revoked token) and its change
// events (a dropped event recovered by a GAP_UPDATE, a delayed event). In every block of ten rounds
// also: change events dropped and then a GAP_OVERFLOW (only the sweeps find them); the service down
// longer than the org keeps events for replay, so its stored replay id is refused and it sweeps;
// and on PostgreSQL, with a second instance, the leader's advisory-lock connection cut.
//
// Then the faults only processes have: the service as a process of its own killed with SIGKILL
// after a push was applied but before its answer arrived, and again with changes queued, each time
// started again on the same store; and the org stopped mid-run and started again on its data file.
//
// At the end of each: both sides hold the same tasks with the same synced field values, no
// SIA_Task_Id__c twice, every task created and every last edit there. It prints what it injected
// and what it checked.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'jsforce';
import pg from 'pg';
import type { RunningService } from '../app.ts';
import { systemClock } from '../clock.ts';
import {
  priorityCatalog,
  salesforcePriorityToSia,
  salesforceStatusToSia,
  statusCatalog,
} from '../sia/shared.ts';
import { POSTGRES_URL, testDatabases, type TestDatabase } from '../../test/databases.ts';
import {
  admin,
  ApiWorld,
  repId,
  requestLog,
  restartTestEmulator,
  salesforceUser,
  startTestEmulator,
  startTestService,
  SyncWorld,
  waitFor,
  type Emulator,
  type SalesforceTask,
  type TaskJson,
} from '../../test/harness.ts';
import { startServiceProcess, type ServiceProcess } from '../../test/service-process.ts';
import { SteppingClock } from '../../test/stepping-clock.ts';

const ROUNDS = Number(process.env['SIA_FAULT_SUITE_ROUNDS'] ?? 10);
const PUSH_PATH = '/services/data/v66.0/composite';
const TASK_CHANNEL = '/data/TaskChangeEvent';
/** The rounds of a block; each of its episodes runs once per block. */
const BLOCK = 10;
/** How long the steady stream's org keeps events for replay (Salesforce: 72 hours). */
const EVENT_RETENTION_MS = 10 * 60_000;
/** Time left in the minute when an overflow's lost edits are made (its follow-up sweep waits for the minute). */
const MINUTE_LEFT_MS = 8_000;
/** The service process: production defaults, but a queued change goes out sooner. */
const PROCESS_ENV = { SYNC_OUTBOX_INTERVAL_MS: '200', SYNC_OUTBOX_COALESCE_MS: '300' };

interface Fault {
  name: string;
  arm: (emulator: Emulator) => Promise<unknown>;
}

const push = (body: Record<string, unknown>) => (emulator: Emulator) =>
  admin(emulator, 'POST', '/faults', { method: 'POST', path: PUSH_PATH, times: 1, ...body });

/** The steady stream's push and event faults, one a round in turn (requests time out after 1.5 s). */
const FAULTS: Fault[] = [
  {
    name: '500 UNKNOWN_EXCEPTION',
    arm: push({ action: 'status', status: 500, errorCode: 'UNKNOWN_EXCEPTION' }),
  },
  { name: '503 SERVER_UNAVAILABLE', arm: push({ action: 'status', status: 503 }) },
  { name: 'dropped connection', arm: push({ action: 'drop' }) },
  { name: 'answer past the request timeout', arm: push({ action: 'delay', delayMs: 2_500 }) },
  {
    name: 'push applied, its answer held past the request timeout',
    arm: push({ action: 'hold-answer', delayMs: 2_500 }),
  },
  {
    name: 'UNABLE_TO_LOCK_ROW',
    arm: push({ action: 'status', status: 400, errorCode: 'UNABLE_TO_LOCK_ROW' }),
  },
  { name: 'push applied, the connection cut before its answer', arm: push({ action: 'hold-answer' }) },
  {
    name: 'REQUEST_LIMIT_EXCEEDED',
    arm: push({ action: 'status', status: 403, errorCode: 'REQUEST_LIMIT_EXCEEDED' }),
  },
  { name: 'revoked token', arm: push({ action: 'revoke-token' }) },
  {
    name: 'delayed change event',
    arm: (emulator) =>
      admin(emulator, 'POST', '/streaming/delay', { channel: TASK_CHANNEL, delayMs: 300, count: 1 }),
  },
];

/** What was injected, how often. */
class Injected {
  readonly #counts = new Map<string, number>();

  add(name: string): void {
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + 1);
  }

  toString(): string {
    return [...this.#counts].map(([name, n]) => `${name} ×${String(n)}`).join(', ');
  }
}

/** The last value each side wrote to each task: what both sides must hold at the end. */
class Ledger {
  readonly expected = new Map<string, Pick<TaskJson, 'name' | 'details' | 'priority'>>();
  siaEdits = 0;
  salesforceEdits = 0;

  created(task: TaskJson): void {
    this.expected.set(task.id, { name: task.name, details: task.details, priority: task.priority });
  }

  renamed(id: string, name: string): void {
    const task = this.#task(id);
    task.name = name;
    this.siaEdits += 1;
  }

  editedInSalesforce(id: string, details: string, priority: 'high' | 'normal'): void {
    const task = this.#task(id);
    task.details = details;
    task.priority = priority;
    this.salesforceEdits += 1;
  }

  #task(id: string): Pick<TaskJson, 'name' | 'details' | 'priority'> {
    const task = this.expected.get(id);
    assert.ok(task, `task ${id} created in this run`);
    return task;
  }
}

/** A Salesforce user's edit of a task that reached Salesforce. */
async function editInSalesforce(
  world: ApiWorld,
  ledger: Ledger,
  siaId: string,
  details: string,
  priority: 'high' | 'normal',
): Promise<string> {
  const linked = (await world.pushed(siaId)).Id;
  await world.sf
    .sobject('Task')
    .update({ Id: linked, Description: details, Priority: priority === 'high' ? 'High' : 'Normal' });
  ledger.editedInSalesforce(siaId, details, priority);
  return linked;
}

async function streamingFaultsUsedUp(emulator: Emulator): Promise<void> {
  await waitFor('the drop used up', async () => {
    const body = (await admin(emulator, 'GET', '/streaming/faults')) as { faults: unknown[] };
    return body.faults.length === 0;
  });
}

/** The differences between the two sides, field by field for the synced fields. */
function differencesBetween(local: TaskJson[], remote: SalesforceTask[]): string[] {
  const statuses = statusCatalog();
  const priorities = priorityCatalog();
  const differences: string[] = [];
  const bySiaId = new Map<string | null, SalesforceTask[]>();
  for (const record of remote)
    bySiaId.set(record.SIA_Task_Id__c, [...(bySiaId.get(record.SIA_Task_Id__c) ?? []), record]);
  for (const [siaId, records] of bySiaId)
    if (siaId === null || records.length > 1)
      differences.push(`${String(records.length)} Salesforce Tasks with SIA_Task_Id__c ${String(siaId)}`);
  if (remote.length !== local.length)
    differences.push(`${String(remote.length)} in Salesforce, ${String(local.length)} in SIA`);
  for (const task of local) {
    const record = bySiaId.get(task.id)?.[0];
    const sia = [task.salesforceTaskId, task.name, task.dueDate, task.details, task.status, task.priority];
    const salesforce = [
      record?.Id ?? null,
      record?.Subject,
      record?.ActivityDate,
      record?.Description ?? null,
      record === undefined
        ? undefined
        : salesforceStatusToSia(
            record.Status,
            statuses,
            // A skipped task shows as closed in Salesforce.
            task.status === 'skipped' ? 'skipped' : undefined,
          ),
      record === undefined ? undefined : salesforcePriorityToSia(record.Priority, priorities),
    ];
    if (JSON.stringify(sia) !== JSON.stringify(salesforce))
      differences.push(`${task.id}: SIA ${JSON.stringify(sia)} Salesforce ${JSON.stringify(salesforce)}`);
  }
  return differences;
}

/** Every SIA task of the owner, page by page. */
async function allTasks(world: ApiWorld, owner: string): Promise<TaskJson[]> {
  const tasks: TaskJson[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { tasks: TaskJson[]; nextCursor: string | null } } =
      await world.api.call(
        'GET',
        `/api/v1/tasks?ownerId=${owner}&view=all&limit=200${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
      );
    assert.equal(page.status, 200);
    tasks.push(...page.body.tasks);
    cursor = page.body.nextCursor;
  } while (cursor !== null);
  return tasks;
}

/**
 * Waits until both sides hold the same tasks with the same synced values, then checks that no
 * SIA_Task_Id__c is there twice and that every task and every last edit of the run is there.
 */
async function assertBothSidesIdentical(
  world: ApiWorld,
  owner: string,
  ledger: Ledger,
  timeoutMs: number,
  context: () => string = () => '',
): Promise<void> {
  const ownerId = repId(world.emulator, owner);
  let local: TaskJson[] = [];
  let remote: SalesforceTask[] = [];
  let differences: string[] = [];
  await waitFor(
    'both sides identical',
    async () => {
      await world.settle(owner);
      local = await allTasks(world, owner);
      remote = await world.salesforceTasks(`OwnerId = '${ownerId}'`);
      differences = differencesBetween(local, remote);
      return differences.length === 0;
    },
    timeoutMs,
  ).catch((error: unknown) => {
    throw new Error(`the sides differ:\n${differences.join('\n')}\n${context()}`, { cause: error });
  });
  const siaIds = remote.map((record) => record.SIA_Task_Id__c);
  assert.equal(new Set(siaIds).size, remote.length, 'no SIA_Task_Id__c twice in Salesforce');
  assert.deepEqual(
    local.map((task) => task.id).sort(),
    [...ledger.expected.keys()].sort(),
    'every task the run created, and no other',
  );
  for (const task of local)
    assert.deepEqual(
      { name: task.name, details: task.details, priority: task.priority },
      ledger.expected.get(task.id),
      `the last edits of ${task.id}`,
    );
}

function report(what: string, injected: Injected, ledger: Ledger): void {
  process.stdout.write(
    `${what}: injected ${injected.toString()}; checked ${String(ledger.expected.size)} tasks, ` +
      `${String(ledger.siaEdits)} SIA edits and ${String(ledger.salesforceEdits)} Salesforce edits: ` +
      `both sides identical, no duplicate SIA_Task_Id__c, no lost change\n`,
  );
}

for (const factory of testDatabases) {
  describe(`fault suite on ${factory.name}: a steady stream (${String(ROUNDS)} rounds)`, () => {
    // One clock for the org and the service: it moves to the end of a minute before an overflow's
    // lost edits, and past the org's replay window while the service is down.
    const clock = new SteppingClock();
    let emulator: Emulator;
    let database: TestDatabase;
    let sf: Connection;
    /** The service; on PostgreSQL a second instance on the same database, either may lead. */
    let services: RunningService[] = [];
    let world: SyncWorld;

    async function startServices(): Promise<void> {
      services = [];
      for (let i = 0; i < (factory.name === 'postgres' ? 2 : 1); i += 1)
        services.push(
          await startTestService(emulator, database, {
            clock,
            requestTimeoutMs: 1_500,
            leadershipPollMs: 100,
          }),
        );
      const [first] = services;
      assert.ok(first);
      world = new SyncWorld(emulator, first, sf);
    }

    async function stopServices(): Promise<void> {
      for (const service of services.reverse()) await service.close();
      services = [];
    }

    before(async () => {
      emulator = await startTestEmulator(clock, { eventRetentionMs: EVENT_RETENTION_MS });
      database = factory.create();
      sf = await salesforceUser(emulator);
      await startServices();
    });

    after(async () => {
      await admin(emulator, 'DELETE', '/streaming/faults').catch(() => undefined);
      await stopServices();
      await emulator.close();
      await database.dispose();
    });

    it('ends with both sides identical, no duplicate and no lost change', async () => {
      const owner = 'rep1';
      await world.enable(owner);
      await world.settle(owner);
      const injected = new Injected();
      const ledger = new Ledger();
      const tasks: TaskJson[] = [];

      /** Events lost without a word, then an overflow event: only the sweeps can find the edits. */
      async function overflow(round: number): Promise<void> {
        // Nothing of the service's on its way (its pushes' events would take the drops instead).
        await world.settle(owner);
        clock.toMinuteEnd(MINUTE_LEFT_MS);
        const targets = [...new Set([tasks[0], tasks[round - 1]])].filter((t) => t !== undefined);
        await admin(emulator, 'POST', '/streaming/drop', { channel: TASK_CHANNEL, count: targets.length });
        for (const target of targets)
          await editInSalesforce(
            world,
            ledger,
            target.id,
            `Lost before an overflow in round ${String(round)}`,
            'high',
          );
        await streamingFaultsUsedUp(emulator);
        await admin(emulator, 'POST', '/streaming/gap-events', {
          entityName: 'Task',
          changeType: 'GAP_OVERFLOW',
        });
        injected.add(`${String(targets.length)} change events dropped, then GAP_OVERFLOW`);
      }

      /** The service down while Salesforce changes, for longer than the org keeps events. */
      async function downPastTheReplayWindow(round: number): Promise<void> {
        const targets = [...new Set([tasks[1], tasks[round - 2]])].filter((t) => t !== undefined);
        // Tasks the service pushed before it stopped (a create it has not sent yet has nothing to edit).
        for (const target of targets) await world.pushed(target.id);
        await stopServices();
        for (const target of targets)
          await editInSalesforce(
            world,
            ledger,
            target.id,
            `While the service was down, round ${String(round)}`,
            'normal',
          );
        clock.advance(EVENT_RETENTION_MS + 60_000);
        await startServices();
        injected.add('service down past the replay window (its replay id refused)');
      }

      /** An operator, or a network fault, ends the leader's advisory-lock connection. */
      async function cutLeadership(): Promise<void> {
        const leader = await waitFor('a leader', () =>
          Promise.resolve(services.find((service) => service.engine.isLeader)),
        );
        const pid = leader.engine.leadershipBackendPid;
        assert.ok(pid !== undefined, 'the leader holds its lock on a connection of its own');
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        try {
          await client.query('select pg_terminate_backend($1)', [pid]);
        } finally {
          await client.end();
        }
        await waitFor('a leader on another lock connection', () =>
          Promise.resolve(
            services.some(
              (service) => service.engine.isLeader && service.engine.leadershipBackendPid !== pid,
            ),
          ),
        );
        injected.add('leadership connection cut (pg_terminate_backend)');
      }

      for (let round = 0; round < ROUNDS; round += 1) {
        const fault = FAULTS[round % FAULTS.length];
        assert.ok(fault);
        await fault.arm(emulator);
        injected.add(fault.name);
        const created = await world.createTask({
          ownerId: owner,
          type: round % 2 === 0 ? 'call' : 'email',
          name: `Round ${String(round)}`,
          dueDate: '2026-12-01',
        });
        tasks.push(created);
        ledger.created(created);
        // Mid-push: the round's create is queued or on the wire when the lock connection goes.
        if (round % BLOCK === 5 && services.length > 1) await cutLeadership();
        const earlier = tasks[Math.floor(round / 2)];
        assert.ok(earlier);
        const name = `Renamed in SIA in round ${String(round)}`;
        await world.patch(earlier.id, { name });
        ledger.renamed(earlier.id, name);
        // A Salesforce edit of a task that reached Salesforce; every third one loses its live event
        // and comes back through a GAP_UPDATE naming the record.
        const target = tasks[Math.floor(round / 3)];
        assert.ok(target);
        const lose = round % 3 === 2;
        if (lose) {
          await admin(emulator, 'POST', '/streaming/drop', { channel: TASK_CHANNEL, count: 1 });
          injected.add('dropped change event');
        }
        const linked = await editInSalesforce(
          world,
          ledger,
          target.id,
          `Salesforce round ${String(round)}`,
          round % 2 === 0 ? 'high' : 'normal',
        );
        if (lose) {
          await streamingFaultsUsedUp(emulator);
          await admin(emulator, 'POST', '/streaming/gap-events', {
            entityName: 'Task',
            changeType: 'GAP_UPDATE',
            recordIds: [linked],
          });
          injected.add('GAP_UPDATE');
        }
        if (round % BLOCK === 3) await overflow(round);
        if (round % BLOCK === 7) await downPastTheReplayWindow(round);
      }

      // The faults stop (those still armed are lifted); everything queued must get through.
      await admin(emulator, 'DELETE', '/faults');
      await admin(emulator, 'DELETE', '/streaming/faults');
      await assertBothSidesIdentical(world, owner, ledger, 90_000);
      report(`fault suite on ${factory.name}, a steady stream`, injected, ledger);
    });
  });

  describe(`fault suite on ${factory.name}: the service killed, the org restarted`, () => {
    let dir: string;
    let dataFile: string;
    let emulator: Emulator;
    let database: TestDatabase;
    let service: ServiceProcess | undefined;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'sia-fault-suite-'));
      dataFile = join(dir, 'org.json');
      // The org identity may write every rep's tasks, so the reps need no connection of their own.
      emulator = await startTestEmulator(systemClock, { orgAccess: 'modifyAllData', dataFile });
      database = factory.create();
      service = await startServiceProcess(emulator, database, PROCESS_ENV);
    });

    after(async () => {
      await service?.kill('SIGTERM');
      await emulator.close();
      await database.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('ends with both sides identical, no duplicate and no lost change', async () => {
      assert.ok(service);
      const owner = 'rep2';
      let running: ServiceProcess = service;
      let world = new ApiWorld(emulator, running.url, await salesforceUser(emulator));
      await world.enableWithoutConnection(owner);
      const injected = new Injected();
      const ledger = new Ledger();
      const tasks: TaskJson[] = [];
      const createTasks = async (label: string, count: number): Promise<void> => {
        for (let i = 0; i < count; i += 1) {
          const created = await world.createTask({
            ownerId: owner,
            type: 'call',
            name: `${label} ${String(i)}`,
            dueDate: '2026-12-01',
          });
          tasks.push(created);
          ledger.created(created);
        }
      };
      const restartService = async (): Promise<void> => {
        running = await startServiceProcess(emulator, database, PROCESS_ENV);
        service = running;
        world = new ApiWorld(emulator, running.url, world.sf);
      };

      for (let round = 0; round < Math.max(1, Math.ceil(ROUNDS / BLOCK)); round += 1) {
        // kill -9 once a push was applied in Salesforce but before its answer arrived: the restarted
        // service sends those creates again and must not make a second Task of any.
        const since = (await requestLog(emulator)).length;
        await admin(emulator, 'POST', '/faults', {
          method: 'POST',
          path: PUSH_PATH,
          times: 1,
          action: 'hold-answer',
          delayMs: 5_000,
        });
        await createTasks(`Before kill -9 in the answer, round ${String(round)}`, 6);
        await waitFor('a push applied and its answer held', async () =>
          (await requestLog(emulator))
            .slice(since)
            .some((r) => r.method === 'POST' && r.path === PUSH_PATH && r.status === 0),
        );
        await running.kill('SIGKILL');
        injected.add('kill -9 after a push was applied, before its answer');
        await restartService();

        // kill -9 with SIA changes queued and maybe on the wire.
        await createTasks(`Before kill -9 with changes queued, round ${String(round)}`, 6);
        for (const task of tasks.slice(-9, -6)) {
          const name = `${task.name}, renamed`;
          await world.patch(task.id, { name });
          ledger.renamed(task.id, name);
        }
        await running.kill('SIGKILL');
        injected.add('kill -9 with changes queued');
        await restartService();

        // The org stops mid-run, with Salesforce edits whose events may not be applied yet and SIA
        // changes queued, and starts again on its data file and ports.
        for (const task of tasks.slice(-3))
          await editInSalesforce(
            world,
            ledger,
            task.id,
            `Before the org stopped, round ${String(round)}`,
            'high',
          );
        await createTasks(`Before the org stopped, round ${String(round)}`, 2);
        await emulator.close();
        await createTasks(`While the org was down, round ${String(round)}`, 2);
        emulator = await restartTestEmulator(emulator, dataFile);
        world = new ApiWorld(emulator, running.url, await salesforceUser(emulator));
        injected.add('org stopped and started again on its data file');
        // Edits after the restart reach SIA only if the stream resumed (or a gap sweep found them).
        for (const task of tasks.slice(0, 2))
          await editInSalesforce(
            world,
            ledger,
            task.id,
            `After the org restarted, round ${String(round)}`,
            'normal',
          );
      }

      await assertBothSidesIdentical(world, owner, ledger, 90_000, () => running.recentLog());
      report(`fault suite on ${factory.name}, processes`, injected, ledger);
    });
  });
}
