import {
  activityTypeLabel,
  priorityCatalog,
  salesforcePriorityToSia,
  salesforceStatusToSia,
  salesforceTypeToSia,
  siaPriorityToSalesforce,
  siaStatusToSalesforce,
  skippedTaskOutcome,
  siaTypeToSalesforce,
  statusCatalog,
  type TaskStatusValue,
} from 'c/siaTaskMapping';

// An org that renamed and extended its Task Status picklist: the default open value is not
// "Not Started", there are two closed values and "Completed" does not exist.
const CUSTOM_STATUSES: TaskStatusValue[] = [
  {
    ApiName: 'Done - No Answer',
    MasterLabel: 'Done (no answer)',
    IsClosed: true,
    IsDefault: false,
    SortOrder: 4,
  },
  { ApiName: 'Open', MasterLabel: 'Open', IsClosed: false, IsDefault: true, SortOrder: 1 },
  { ApiName: 'Working', MasterLabel: 'Working', IsClosed: false, IsDefault: false, SortOrder: 2 },
  { ApiName: 'Done', MasterLabel: 'Done', IsClosed: true, IsDefault: false, SortOrder: 3 },
];

describe('statusCatalog', () => {
  it('uses Not Started / Completed in a standard org', () => {
    const catalog = statusCatalog();
    expect(catalog.defaultOpen).toBe('Not Started');
    expect(catalog.defaultClosed).toBe('Completed');
  });

  it('reads closedness from IsClosed and picks by sort order in a customised org', () => {
    const catalog = statusCatalog(CUSTOM_STATUSES);
    expect(catalog.defaultOpen).toBe('Open');
    expect(catalog.defaultClosed).toBe('Done');
    expect([...catalog.closedValues].sort()).toEqual(['Done', 'Done - No Answer']);
  });

  it('falls back to MasterLabel when ApiName is missing (older API versions)', () => {
    const catalog = statusCatalog([
      { MasterLabel: 'Todo', IsClosed: false, IsDefault: false },
      { MasterLabel: 'Finished', IsClosed: true, IsDefault: false },
    ]);
    expect(catalog.defaultOpen).toBe('Todo');
    expect(catalog.defaultClosed).toBe('Finished');
  });

  it('refuses an org with no closed status', () => {
    expect(() =>
      statusCatalog([{ ApiName: 'Open', MasterLabel: 'Open', IsClosed: false, IsDefault: true }]),
    ).toThrow(/open and one closed/);
  });
});

describe('skippedTaskOutcome', () => {
  it('says what a task skipped in SIA becomes in Salesforce under each sync mode', () => {
    expect(skippedTaskOutcome('SyncCompleteSkipped')).toBe('completed');
    expect(skippedTaskOutcome('SyncDeleteSkipped')).toBe('deleted');
    expect(skippedTaskOutcome('DoNotSync')).toBe('untouched');
  });
});

describe('siaStatusToSalesforce', () => {
  const standard = statusCatalog();
  const custom = statusCatalog(CUSTOM_STATUSES);

  it('maps open and completed to the default open and closed values', () => {
    expect(siaStatusToSalesforce('open', 'SyncCompleteSkipped', standard)).toEqual({
      action: 'write',
      salesforceStatus: 'Not Started',
    });
    expect(siaStatusToSalesforce('completed', 'SyncDeleteSkipped', custom)).toEqual({
      action: 'write',
      salesforceStatus: 'Done',
    });
  });

  it('completes or deletes a skipped task according to the sync mode', () => {
    expect(siaStatusToSalesforce('skipped', 'SyncCompleteSkipped', standard)).toEqual({
      action: 'write',
      salesforceStatus: 'Completed',
    });
    expect(siaStatusToSalesforce('skipped', 'SyncDeleteSkipped', standard)).toEqual({ action: 'delete' });
  });

  it('writes nothing when sync is off', () => {
    expect(siaStatusToSalesforce('completed', 'DoNotSync', standard)).toEqual({ action: 'none' });
  });

  it('keeps a current Salesforce status of the right kind', () => {
    expect(siaStatusToSalesforce('open', 'SyncCompleteSkipped', standard, 'In Progress')).toEqual({
      action: 'write',
      salesforceStatus: 'In Progress',
    });
    expect(siaStatusToSalesforce('completed', 'SyncCompleteSkipped', custom, 'Done - No Answer')).toEqual({
      action: 'write',
      salesforceStatus: 'Done - No Answer',
    });
  });

  it('replaces a current status of the wrong kind or one the org does not define', () => {
    expect(siaStatusToSalesforce('completed', 'SyncCompleteSkipped', standard, 'In Progress')).toEqual({
      action: 'write',
      salesforceStatus: 'Completed',
    });
    expect(siaStatusToSalesforce('open', 'SyncCompleteSkipped', standard, 'Retired value')).toEqual({
      action: 'write',
      salesforceStatus: 'Not Started',
    });
  });
});

describe('salesforceStatusToSia', () => {
  const custom = statusCatalog(CUSTOM_STATUSES);

  it('maps every closed value to completed and every open value to open', () => {
    expect(salesforceStatusToSia('Done - No Answer', custom)).toBe('completed');
    expect(salesforceStatusToSia('Done', custom)).toBe('completed');
    expect(salesforceStatusToSia('Working', custom)).toBe('open');
  });

  it('treats an unknown or missing status as open', () => {
    expect(salesforceStatusToSia('Completed', custom)).toBe('open');
    expect(salesforceStatusToSia(null, custom)).toBe('open');
  });

  it('keeps a skip while Salesforce shows the task closed, and reopens it when Salesforce does', () => {
    expect(salesforceStatusToSia('Done', custom, 'skipped')).toBe('skipped');
    expect(salesforceStatusToSia('Open', custom, 'skipped')).toBe('open');
  });
});

describe('priority', () => {
  const standard = priorityCatalog();

  it('maps high to High and normal to Normal', () => {
    expect(siaPriorityToSalesforce('high', standard)).toBe('High');
    expect(siaPriorityToSalesforce('normal', standard)).toBe('Normal');
    expect(salesforcePriorityToSia('High', standard)).toBe('high');
    expect(salesforcePriorityToSia('Normal', standard)).toBe('normal');
  });

  it('maps Low (and missing) to normal in SIA', () => {
    expect(salesforcePriorityToSia('Low', standard)).toBe('normal');
    expect(salesforcePriorityToSia(undefined, standard)).toBe('normal');
  });

  it('keeps a Salesforce Low while SIA leaves the priority unchanged', () => {
    expect(siaPriorityToSalesforce('normal', standard, { currentSalesforcePriority: 'Low' })).toBe('Low');
    expect(
      siaPriorityToSalesforce('normal', standard, {
        currentSalesforcePriority: 'Low',
        previousSiaPriority: 'normal',
      }),
    ).toBe('Low');
  });

  it('overwrites Low when SIA changes the priority', () => {
    expect(
      siaPriorityToSalesforce('normal', standard, {
        currentSalesforcePriority: 'Low',
        previousSiaPriority: 'high',
      }),
    ).toBe('Normal');
    expect(siaPriorityToSalesforce('high', standard, { currentSalesforcePriority: 'Low' })).toBe('High');
  });

  it('lowers a Salesforce High when SIA says normal', () => {
    expect(siaPriorityToSalesforce('normal', standard, { currentSalesforcePriority: 'High' })).toBe('Normal');
  });

  it('uses IsHighPriority for orgs with their own priority values', () => {
    const catalog = priorityCatalog([
      { ApiName: 'P1', MasterLabel: 'P1', IsHighPriority: true, IsDefault: false, SortOrder: 1 },
      { ApiName: 'P2', MasterLabel: 'P2', IsHighPriority: false, IsDefault: true, SortOrder: 2 },
      { ApiName: 'P3', MasterLabel: 'P3', IsHighPriority: false, IsDefault: false, SortOrder: 3 },
    ]);
    expect(siaPriorityToSalesforce('high', catalog)).toBe('P1');
    expect(siaPriorityToSalesforce('normal', catalog)).toBe('P2');
    expect(salesforcePriorityToSia('P1', catalog)).toBe('high');
    expect(salesforcePriorityToSia('P3', catalog)).toBe('normal');
  });

  it('refuses a priority list without a high value', () => {
    expect(() =>
      priorityCatalog([{ MasterLabel: 'Normal', IsHighPriority: false, IsDefault: true }]),
    ).toThrow();
  });
});

describe('type', () => {
  it('writes TaskSubtype and SIA_Activity_Type__c for each SIA type', () => {
    expect(siaTypeToSalesforce('call')).toEqual({ TaskSubtype: 'Call', SIA_Activity_Type__c: 'Call' });
    expect(siaTypeToSalesforce('email')).toEqual({ TaskSubtype: 'Email', SIA_Activity_Type__c: 'Email' });
    expect(siaTypeToSalesforce('inmail')).toEqual({ TaskSubtype: 'Task', SIA_Activity_Type__c: 'InMail' });
    expect(siaTypeToSalesforce('custom')).toEqual({ TaskSubtype: 'Task', SIA_Activity_Type__c: 'Custom' });
  });

  it('round-trips every SIA type through SIA_Activity_Type__c', () => {
    for (const type of ['call', 'email', 'inmail', 'custom'] as const) {
      expect(salesforceTypeToSia(siaTypeToSalesforce(type))).toBe(type);
    }
  });

  it('reads Salesforce-born tasks from TaskSubtype, then Type, else custom', () => {
    expect(salesforceTypeToSia({ TaskSubtype: 'Call' })).toBe('call');
    expect(salesforceTypeToSia({ TaskSubtype: 'ListEmail' })).toBe('email');
    expect(salesforceTypeToSia({ TaskSubtype: 'LinkedIn' })).toBe('inmail');
    expect(salesforceTypeToSia({ TaskSubtype: 'Task', Type: 'Call' })).toBe('call');
    expect(salesforceTypeToSia({ TaskSubtype: 'Task', Type: 'Meeting' })).toBe('custom');
    expect(salesforceTypeToSia({})).toBe('custom');
  });

  it('labels types the way {{activity_type}} renders them', () => {
    expect(activityTypeLabel('inmail')).toBe('InMail');
  });
});
