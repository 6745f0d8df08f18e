// The one seam to the package's pure modules that both the LWCs and the service use (shared by
// relative import, never copied): status/priority/type mapping, settings merge and the task-sync
// rule, subject templates, Salesforce Id rules, the API budget and the SIA_Sync_Notice__e payload.
export {
  STANDARD_TASK_PRIORITIES,
  STANDARD_TASK_STATUSES,
  priorityCatalog,
  salesforcePriorityToSia,
  salesforceStatusToSia,
  salesforceTypeToSia,
  siaPriorityToSalesforce,
  siaStatusToSalesforce,
  siaTypeToSalesforce,
  skippedTaskOutcome,
  activityTypeLabel,
  statusCatalog,
  type PriorityCatalog,
  type StatusCatalog,
  type TaskPriorityValue,
  type TaskStatusValue,
} from '../../../force-app/main/default/lwc/siaTaskMapping/siaTaskMapping.ts';
export {
  ORG_SCOPE_KEY,
  SETTINGS_OBJECT,
  SETTING_FIELDS,
  TASK_SYNC_MODES,
  emailLoggingMode,
  isTaskSyncOn,
  mergeSettings,
  type DuplicateRule,
  type EffectiveSettings,
  type EmailLoggingMode,
  type LogTo,
  type NoMatchRule,
  type OpportunityLogging,
  type SettingsRow,
  type TaskSyncMode,
} from '../../../force-app/main/default/lwc/siaSyncSettingsData/siaSyncSettingsData.ts';
export {
  renderSubject,
  replySubject,
  subjectIsTaskName,
  subjectText,
} from '../../../force-app/main/default/lwc/siaSubjectTemplate/siaSubjectTemplate.ts';
export {
  SALESFORCE_ID_PATTERN,
  idForms,
  idKey,
  isSalesforceId,
  sameId,
  toCaseSafeId,
} from '../../../force-app/main/default/lwc/siaSalesforceId/siaSalesforceId.ts';
export { apiBudget, type ApiBudget } from '../../../force-app/main/default/lwc/siaApiBudget/siaApiBudget.ts';
export {
  NOTICE_EVENT,
  encodeSyncNotices,
  type NoticeKind,
  type NoticePayload,
} from '../../../force-app/main/default/lwc/siaSyncNotice/siaSyncNotice.ts';
