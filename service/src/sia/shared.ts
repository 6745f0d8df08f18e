// The one seam to the package's pure modules that both the LWCs and the service use (shared by
// relative import, never copied): status/priority/type mapping, settings merge, subject templates.
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
  activityTypeLabel,
  statusCatalog,
  type PriorityCatalog,
  type StatusCatalog,
  type TaskPriorityValue,
  type TaskStatusValue,
} from '../../../force-app/main/default/lwc/siaTaskMapping/siaTaskMapping.ts';
export {
  ORG_SCOPE_KEY,
  isTaskSyncOn,
  mergeSettings,
  toCaseSafeId,
  type EffectiveSettings,
  type SettingsRow,
} from '../../../force-app/main/default/lwc/siaSettings/siaSettings.ts';
export {
  renderSubject,
  subjectIsTaskName,
} from '../../../force-app/main/default/lwc/siaSubjectTemplate/siaSubjectTemplate.ts';
