// Benchmark 4 (email logging): Salesforce API calls per 1,000 sent emails logged through the SIA API
// (POST /api/v1/email-activities, matched to contacts by address, written in batches), next to a
// naive logger that creates one Task per email with the contact id already known.
import { countCalls, isProbe, type CallCount } from './stats.ts';
import {
  clearRequestLog,
  pool,
  probeCount,
  putUser,
  requestLog,
  seed,
  startOrg,
  startServiceProcess,
  until,
} from './world.ts';

export interface EmailResult {
  emails: number;
  product: { ms: number; calls: CallCount; acceptMs: number };
  naive: { ms: number; calls: CallCount };
}

export async function benchEmail(n: number): Promise<EmailResult> {
  const { emulator, sf } = await startOrg();
  try {
    // The org row an admin saves on the "Log email activity" screen (Salesforce API mode).
    await seed(emulator, [
      {
        type: 'SIA_Sync_Setting__c',
        fields: {
          Scope_Key__c: 'ORG',
          Task_Sync_Mode__c: 'DoNotSync',
          Log_Email_Via_Api__c: true,
          Log_To__c: 'LeadsAndContacts',
          Duplicate_Rule__c: 'MostRecentlyUpdated',
          No_Match_Rule__c: 'DoNotLog',
          Log_To_Opportunities__c: 'None',
          Log_To_Accounts__c: false,
        },
      },
    ]);
    const [accountId] = await seed(emulator, [{ type: 'Account', fields: { Name: 'Bench Account' } }]);
    const contactIds = await seed(
      emulator,
      Array.from({ length: n }, (_, i) => ({
        type: 'Contact',
        fields: { LastName: `Contact ${i}`, Email: `contact${i}@bench.example`, AccountId: accountId },
      })),
    );
    const service = await startServiceProcess(emulator);
    try {
      const owner = await putUser(service, emulator, 'rep1');
      const sentAt = new Date().toISOString();
      await clearRequestLog(emulator);
      const started = performance.now();
      await pool(
        Array.from({ length: n }, (_, i) => i),
        8,
        async (i) => {
          const res = await service.api.call('POST', '/api/v1/email-activities', {
            ownerId: 'rep1',
            kind: 'sent',
            messageId: `<bench-${i}@sia.example>`,
            subject: `Bench email ${i}`,
            body: 'Hello from the benchmark',
            sentAt,
            recipients: [{ email: `contact${i}@bench.example` }],
          });
          if (res.status !== 202) throw new Error(`email ${i}: ${res.status} ${JSON.stringify(res.body)}`);
        },
      );
      const acceptMs = performance.now() - started;
      const logged = await until(
        async () =>
          (await probeCount(sf, 'Task', `OwnerId = '${owner}' AND TaskSubtype = 'Email'`)) >= n
            ? true
            : undefined,
        180_000,
        250,
      );
      const ms = performance.now() - started;
      if (logged === undefined) throw new Error(`not all ${n} emails were logged within 180 s`);
      // Give a trailing notice or retry a moment to land, so it is counted too.
      await new Promise((r) => setTimeout(r, 1_500));
      const calls = countCalls(await requestLog(emulator), isProbe);
      const loggedCount = await probeCount(sf, 'Task', `OwnerId = '${owner}' AND TaskSubtype = 'Email'`);
      if (loggedCount !== n) throw new Error(`${n} emails sent, ${loggedCount} logged in Salesforce`);

      await clearRequestLog(emulator);
      const naiveStarted = performance.now();
      for (let i = 0; i < n; i++) {
        const result = await sf.sobject('Task').create({
          Subject: `Email: Bench email ${i}`,
          Status: 'Completed',
          TaskSubtype: 'Email',
          Type: 'Email',
          ActivityDate: sentAt.slice(0, 10),
          OwnerId: owner,
          WhoId: contactIds[i],
          Description: 'Hello from the benchmark',
        });
        if (!result.success) throw new Error(`naive email ${i} failed`);
      }
      const naiveMs = performance.now() - naiveStarted;
      const naiveCalls = countCalls(await requestLog(emulator), isProbe);
      // The product's n are there too: the owner's email Tasks are now both sides'.
      const naiveLogged =
        (await probeCount(sf, 'Task', `OwnerId = '${owner}' AND TaskSubtype = 'Email'`)) - loggedCount;
      if (naiveLogged !== n) throw new Error(`naive: ${n} emails sent, ${naiveLogged} logged in Salesforce`);
      return { emails: n, product: { ms, calls, acceptMs }, naive: { ms: naiveMs, calls: naiveCalls } };
    } finally {
      await service.stop();
    }
  } finally {
    await emulator.close();
  }
}
