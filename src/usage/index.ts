export {
  type UsageDimension,
  type UsageQuery,
  type UsageReport,
  type UsageRow,
  usageDimensions,
  usageReport,
} from './usage-report.js';
