// The one seam to the package's pure date module (shared with the LWCs, not copied): the user's
// "today" in an IANA zone, calendar arithmetic and the Command Center range.
export {
  addDays,
  commandCenterRange,
  isIsoDate,
  isValidTimeZone,
  todayIn,
} from '../../../force-app/main/default/lwc/siaDateBuckets/siaDateBuckets.ts';
