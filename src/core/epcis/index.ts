export { EPCIS_CONTEXT, EVENT_VOCABULARY, DOCUMENT_CLOSING, documentOpening, eventListEntry, toObjectEvent } from './events.ts';
export type { EpcisAction, EpcisObjectEvent, HistoryEvent } from './events.ts';
export { digitalLinkOf, NOT_AN_SGTIN, parseEpc, sgtinGtin, sgtinUrn, unitEpc, type EpcParse, type UnitIdentity } from './epc.ts';
export { customerUri, eventUri, ID_BASE, orderUri, stationUri, tenantUnitUri, tenantUri, uuidV5 } from './ids.ts';
export {
  gtinsOf,
  planCapture,
  readCaptureDocument,
  type CaptureEvent,
  type CapturePlan,
  type ProductRef,
  type ReceivedUnit,
  type Unmapped,
} from './capture.ts';
