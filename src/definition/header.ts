import type { IndexType } from './windows-types.ts';

/**
 * The event header every Windows event carries, in the two shapes events arrive in:
 * the raw "system" shape (`system.*` + `event_data`, as in the seed) and the Winlogbeat /
 * Elastic Agent shape (`winlog.*`). The pipeline moves the first onto the second, so queries
 * and mappings speak only Winlogbeat names.
 * @see https://www.elastic.co/guide/en/beats/winlogbeat/current/exported-fields-winlog.html
 */
export interface HeaderField {
  /** Field the pipeline writes (Winlogbeat name). */
  readonly target: string;
  readonly type: IndexType;
  /** Where the raw "system" shape carries it. */
  readonly system?: string;
  /** Turn numbers into text on the way (Winlogbeat keeps these as strings). */
  readonly toText?: boolean;
  /** A GUID, written in braces as Windows writes it in event XML (`{AC43300D-…}`) whatever the shape. */
  readonly guid?: boolean;
  readonly description: string;
}

export const HEADER_FIELDS = [
  { target: 'winlog.provider_name', type: 'keyword', system: 'system.provider', description: 'Name of the event provider.' },
  { target: 'winlog.provider_guid', type: 'keyword', system: 'system.guid', guid: true, description: 'GUID of the event provider, in braces as Windows writes it.' },
  { target: 'winlog.event_id', type: 'keyword', system: 'system.event_id', toText: true, description: 'Event identifier, as text.' },
  { target: 'winlog.version', type: 'long', system: 'system.version', description: 'Version of the event template.' },
  { target: 'winlog.level', type: 'long', system: 'system.level', description: 'Numeric event level (4 = Informational).' },
  { target: 'winlog.task', type: 'keyword', system: 'system.task', toText: true, description: 'Task name (number as text when the name is unknown).' },
  { target: 'winlog.opcode', type: 'keyword', system: 'system.opcode', toText: true, description: 'Opcode name (number as text when the name is unknown).' },
  { target: 'winlog.keywords', type: 'keyword', system: 'system.keywords', toText: true, description: 'Keyword names, as Windows displays them and Winlogbeat writes them (Audit Success, Audit Failure, Classic, …), whatever form the keywords arrived in; the mask itself is in evforge.keywords_mask.' },
  { target: 'winlog.time_created', type: 'keyword', system: 'system.time_created', description: 'Creation time exactly as the source wrote it.' },
  { target: 'winlog.record_id', type: 'keyword', system: 'system.event_record_id', toText: true, description: 'Record number in the event log.' },
  { target: 'winlog.activity_id', type: 'keyword', system: 'system.correlation.ActivityID', guid: true, description: 'Correlation activity GUID, in braces as Windows writes it.' },
  { target: 'winlog.related_activity_id', type: 'keyword', system: 'system.correlation.RelatedActivityID', guid: true, description: 'Related activity GUID, in braces as Windows writes it.' },
  { target: 'winlog.process.pid', type: 'long', system: 'system.execution.process_id', description: 'PID of the process that logged the event.' },
  { target: 'winlog.process.thread.id', type: 'long', system: 'system.execution.thread_id', description: 'Thread that logged the event.' },
  { target: 'winlog.channel', type: 'keyword', system: 'system.channel', description: 'Event log channel.' },
  { target: 'winlog.computer_name', type: 'keyword', system: 'system.computer', description: 'Computer that logged the event.' },
  { target: 'winlog.user.identifier', type: 'keyword', system: 'system.security.user_id', description: 'SID of the account that logged the event.' },
  { target: 'winlog.event_source_name', type: 'keyword', system: 'system.event_source_name', description: 'Legacy event source name, when any.' },
] as const satisfies readonly HeaderField[];

/** Tag and field that mark an event no definition of its data stream covers. */
export const UNRECOGNIZED_TAG = 'evforge_unrecognized';

/** Fields the pipeline fills for every event, beyond the header. */
export const COMMON_FIELDS = {
  '@timestamp': { type: 'date_nanos', description: 'When the event was created, to the microsecond or finer.' },
  message: { type: 'text', description: 'Rendered event message.' },
  'event.code': { type: 'keyword', description: 'Event identifier, as text ("8002").' },
  'event.provider': { type: 'keyword', description: 'Event provider name.' },
  'event.kind': { type: 'keyword', description: '"event", or "pipeline_error" when normalization failed.' },
  'event.category': { type: 'keyword', description: 'ECS category.' },
  'event.type': { type: 'keyword', description: 'ECS type.' },
  'event.action': { type: 'keyword', description: 'What happened, as a slug: the definition\'s action, whatever a collector wrote.' },
  'event.outcome': { type: 'keyword', description: '"success" or "failure": from the audit keywords (Audit Success, Audit Failure) of every event, or from the field a definition\'s outcome names.' },
  'event.module': { type: 'keyword', description: 'Always "windows".' },
  'event.dataset': { type: 'keyword', description: 'The data stream dataset.' },
  'event.created': { type: 'date', description: 'When the collector read the event (Winlogbeat).' },
  'event.ingested': { type: 'date', description: 'When the event reached the cluster (set by the engine or Fleet, never by hand).' },
  'event.original': { type: 'keyword', description: 'The event as it arrived, kept when it could not be normalized.' },
  'host.name': { type: 'keyword', description: 'Host name (from the computer name when the collector did not set it).' },
  'log.level': { type: 'keyword', description: 'Level name as Winlogbeat writes it.' },
  'error.message': { type: 'text', description: 'Why the pipeline could not normalize the event.' },
  'error.type': { type: 'keyword', description: 'The engine error that refused the event, on failure records.' },
  'ecs.version': { type: 'keyword', description: 'ECS version of the collector.' },
  'agent.name': { type: 'keyword', description: 'Collector name.' },
  'agent.type': { type: 'keyword', description: 'Collector type (winlogbeat, filebeat).' },
  'agent.version': { type: 'keyword', description: 'Collector version.' },
  'agent.id': { type: 'keyword', description: 'Collector id.' },
  'winlog.api': { type: 'keyword', description: 'Windows API the collector read with.' },
  'winlog.user.name': { type: 'keyword', description: 'Account name of winlog.user.identifier, resolved by the collector.' },
  'winlog.user.domain': { type: 'keyword', description: 'Domain of winlog.user.identifier, resolved by the collector.' },
  'winlog.user.type': { type: 'keyword', description: 'SID type of winlog.user.identifier, resolved by the collector.' },
  'data_stream.type': { type: 'keyword', description: 'Always "logs".' },
  'data_stream.dataset': { type: 'keyword', description: 'Dataset of the data stream.' },
  'data_stream.namespace': { type: 'keyword', description: 'Namespace of the data stream.' },
  'evforge.event': { type: 'keyword', description: 'Name of the evforge definition that normalized the event (absent when none did).' },
  'evforge.unrecognized': { type: 'boolean', description: 'true when no definition of the data stream covers the event (provider + event id + channel): only its header was normalized.' },
  tags: { type: 'keyword', description: `Tags; evforge adds "${UNRECOGNIZED_TAG}" to events no definition covers.` },
  'evforge.invalid': { type: 'object', description: 'Values that arrived in the wrong shape, by their path: stored, not indexed.' },
  'evforge.keywords_mask': { type: 'keyword', description: 'The 64-bit keyword mask as Windows writes it in event XML (0x8020000000000000), when the event carried the mask (raw, XML and evtx_dump input; Winlogbeat sends only the names).' },
} as const satisfies Record<string, { type: IndexType | 'text' | 'object'; description: string }>;

/** Sigma's Windows header field names → the index field the pipeline writes for each. */
export const SIGMA_HEADER_MAP = {
  EventID: 'event.code',
  Channel: 'winlog.channel',
  Provider_Name: 'winlog.provider_name',
  Provider_Guid: 'winlog.provider_guid',
  Computer: 'winlog.computer_name',
  EventRecordID: 'winlog.record_id',
  ProcessID: 'winlog.process.pid',
  ThreadID: 'winlog.process.thread.id',
  Keywords: 'winlog.keywords',
  Task: 'winlog.task',
  Opcode: 'winlog.opcode',
  Version: 'winlog.version',
} as const satisfies Record<string, string>;

/** Header fields every Windows event has, by their Sigma names (the keys of the map above). */
export type SigmaHeaderField = keyof typeof SIGMA_HEADER_MAP;

/** Raw event data lives here, keyed by the canonical field name. */
export const EVENT_DATA = 'winlog.event_data';
/** A `userData` event's data (Winlogbeat's place for `<UserData>`'s element): its fields, and `xml_name`, the element's name. */
export const USER_DATA = 'winlog.user_data';
/** Where a definition's fields are: its UserData element's, or its event data. */
export const dataRoot = (def: { readonly userData?: unknown }): string => (def.userData ? USER_DATA : EVENT_DATA);
