import type { IndexType } from './windows-types.ts';
import { isKeyOf } from '../guards.ts';
import { COMMON_FIELDS } from './header.ts';

/** One ECS field evforge knows how to fill. */
export interface EcsField {
  readonly type: IndexType;
  /** ECS adds a `.text` multi-field for free-text search on these. */
  readonly text?: boolean;
  /** ECS arrays that collect values (`related.*`): the pipeline appends instead of setting. */
  readonly array?: boolean;
  readonly ignoreAbove?: number;
}

/**
 * The ECS fields a definition may target, with their ECS types. A small bundled subset: a target
 * outside it must say its `type`.
 * @see https://www.elastic.co/guide/en/ecs/current/ecs-field-reference.html
 */
export const ECS_FIELDS = {
  'process.pid': { type: 'long' },
  'process.executable': { type: 'keyword', text: true },
  'process.name': { type: 'keyword', text: true },
  'process.command_line': { type: 'keyword', text: true },
  'process.entity_id': { type: 'keyword' },
  'process.parent.pid': { type: 'long' },
  'process.parent.executable': { type: 'keyword', text: true },
  'process.parent.name': { type: 'keyword', text: true },
  'process.thread.id': { type: 'long' },
  'user.name': { type: 'keyword', text: true },
  'user.domain': { type: 'keyword' },
  'user.id': { type: 'keyword' },
  'user.target.name': { type: 'keyword', text: true },
  'user.target.domain': { type: 'keyword' },
  'winlog.logon.id': { type: 'keyword' },
  'winlog.logon.type': { type: 'keyword' },
  'winlog.logon.failure.reason': { type: 'keyword' },
  'winlog.logon.failure.status': { type: 'keyword' },
  'winlog.logon.failure.sub_status': { type: 'keyword' },
  'source.ip': { type: 'ip' },
  'source.port': { type: 'long' },
  'source.domain': { type: 'keyword' },
  'destination.ip': { type: 'ip' },
  'destination.port': { type: 'long' },
  'destination.domain': { type: 'keyword' },
  'host.name': { type: 'keyword' },
  'file.path': { type: 'keyword', text: true },
  'file.name': { type: 'keyword' },
  'service.name': { type: 'keyword' },
  'network.protocol': { type: 'keyword' },
  'event.reason': { type: 'keyword' },
  'related.user': { type: 'keyword', array: true },
  'related.hosts': { type: 'keyword', array: true },
  'related.ip': { type: 'ip', array: true },
} as const satisfies Record<string, EcsField>;
export type EcsFieldName = keyof typeof ECS_FIELDS;

export function ecsField(name: string): EcsField | undefined {
  return isKeyOf(ECS_FIELDS, name) ? ECS_FIELDS[name] : undefined;
}

/** ECS `event.category` / `event.type` allowed values. @see https://www.elastic.co/guide/en/ecs/current/ecs-allowed-values-event-category.html */
export const ECS_EVENT_CATEGORIES = [
  'api', 'authentication', 'configuration', 'database', 'driver', 'email', 'file', 'host', 'iam',
  'intrusion_detection', 'library', 'malware', 'network', 'package', 'process', 'registry', 'session',
  'threat', 'vulnerability', 'web',
] as const;
export const ECS_EVENT_TYPES = [
  'access', 'admin', 'allowed', 'change', 'connection', 'creation', 'deletion', 'denied', 'device', 'end',
  'error', 'group', 'indicator', 'info', 'installation', 'protocol', 'start', 'user',
] as const;
export type EcsEventCategory = (typeof ECS_EVENT_CATEGORIES)[number];
export type EcsEventType = (typeof ECS_EVENT_TYPES)[number];

/**
 * Whether an index field is defined by ECS (Kibana's `required_fields[].ecs`). The tables above and
 * COMMON_FIELDS also list Winlogbeat's `winlog.*` and evforge's own fields, which ECS does not define.
 * @see https://www.elastic.co/guide/en/ecs/current/ecs-field-reference.html
 */
export function isEcsField(path: string): boolean {
  if (/^(winlog|evforge)\./.test(path)) return false;
  return ecsField(path) !== undefined || Object.hasOwn(COMMON_FIELDS, path);
}
