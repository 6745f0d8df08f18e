// The API cost of each write identity: the same edits of many reps' tasks written by an org
// identity holding Modify All Data (one collection carries every rep's changes) and, in a least
// privilege org (View All Data), through each rep's own connection (a collection per rep).
import { randomBytes } from 'node:crypto';
import { connectRep, setTaskSync } from '../../service/test/harness.ts';
import { countCalls, isProbe, type CallCount } from './stats.ts';
import {
  allowCallback,
  allTasks,
  clearRequestLog,
  probeCount,
  putUser,
  requestLog,
  salesforceUser,
  startOrg,
  startServiceProcess,
  syncStatus,
  until,
  type TaskJson,
} from './world.ts';

const MODE = 'SyncCompleteSkipped';

export interface IdentityModeCost {
  /** Calls counted against the allowance while every rep's tasks were completed. */
  calls: CallCount;
  ms: number;
}

export interface IdentityModesResult {
  reps: number;
  tasksPerRep: number;
  modifyAllData: IdentityModeCost;
  ownConnections: IdentityModeCost;
}

async function measure(
  orgAccess: 'viewAllData' | 'modifyAllData',
  reps: string[],
  tasksPerRep: number,
): Promise<IdentityModeCost> {
  const { emulator, sf } = await startOrg(orgAccess);
  const service = await startServiceProcess(emulator, {
    SIA_TOKEN_KEYS: `bench-1:${randomBytes(32).toString('base64')}`,
    SF_PRODUCTION_LOGIN_URL: emulator.loginUrls.production,
    SF_SANDBOX_LOGIN_URL: emulator.loginUrls.sandbox,
  });
  try {
    await allowCallback(emulator, service.url);
    for (const rep of reps) {
      const salesforceUserId = await putUser(service, emulator, rep);
      if (orgAccess === 'viewAllData') {
        const connected = await connectRep(service.api, rep, { username: `${rep}@sia-emulator.example` });
        if (connected.status !== 200) throw new Error(`connecting ${rep}: ${connected.status}`);
      }
      await setTaskSync(
        await salesforceUser(emulator, `${rep}@sia-emulator.example`),
        salesforceUserId,
        MODE,
        new Date(),
      );
    }
    for (const rep of reps)
      if (
        (await until(
          async () => ((await syncStatus(service, rep)).mode === MODE ? true : undefined),
          30_000,
        )) === undefined
      )
        throw new Error(`${rep} never switched on`);
    const tasks: TaskJson[] = [];
    for (const rep of reps)
      for (let i = 0; i < tasksPerRep; i++) {
        const res = await service.api.call<TaskJson>('POST', '/api/v1/tasks', {
          ownerId: rep,
          type: 'call',
          name: `Identity ${rep} ${String(i)}`,
          dueDate: '2026-12-01',
        });
        if (res.status !== 201) throw new Error(`create: ${res.status}`);
        tasks.push(res.body);
      }
    const linked = await until(async () => {
      let count = 0;
      for (const rep of reps)
        count += (await allTasks(service, rep)).filter((t) => t.salesforceTaskId !== null).length;
      return count === tasks.length ? count : undefined;
    }, 60_000);
    if (linked === undefined) throw new Error('the tasks were never all pushed');
    await clearRequestLog(emulator);
    const started = performance.now();
    for (const task of tasks) {
      const res = await service.api.call('PATCH', `/api/v1/tasks/${task.id}`, { status: 'completed' });
      if (res.status !== 200) throw new Error(`complete: ${res.status}`);
    }
    const done = await until(async () => {
      const completed = await probeCount(sf, 'Task', `Subject LIKE 'Identity %' AND Status = 'Completed'`);
      return completed === tasks.length ? completed : undefined;
    }, 60_000);
    if (done === undefined) throw new Error('the completions never all reached Salesforce');
    const ms = performance.now() - started;
    return { calls: countCalls(await requestLog(emulator), isProbe), ms };
  } finally {
    await service.stop();
    await emulator.close();
  }
}

export async function benchIdentityModes(
  repCount: number,
  tasksPerRep: number,
): Promise<IdentityModesResult> {
  const reps = Array.from({ length: repCount }, (_, i) => `rep${String(i + 1)}`);
  return {
    reps: repCount,
    tasksPerRep,
    modifyAllData: await measure('modifyAllData', reps, tasksPerRep),
    ownConnections: await measure('viewAllData', reps, tasksPerRep),
  };
}
