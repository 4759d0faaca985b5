export { buildCustomerBase, customerByHandle, type Attribute, type BaseOptions, type CustomerBase } from './base.ts';
export {
  profileComplainants,
  rankAtRisk,
  type AtRiskCustomer,
  type AtRiskOptions,
  type ProfileItem,
  type ProfileOptions,
} from './profile.ts';
export {
  buildOutreachReport,
  toReportItem,
  type OutreachMention,
  type OutreachOptions,
  type OutreachReport,
  type ReportCluster,
  type ReportProfileItem,
  type ReportAtRisk,
} from './report.ts';
