import type { WindowsLevel, WindowsType } from '../definition/windows-types.ts';

/**
 * What a provider description says about its events, whatever the format it came in: the common
 * ground of an instrumentation manifest and a WEPExplorer dump, every name already resolved.
 */
export interface ProviderDescription {
  readonly name: string;
  /** `{XXXXXXXX-…}`, upper case, as evforge's examples write it. */
  readonly guid: string;
  readonly events: readonly EventDescription[];
}

/** One event id × version. */
export interface EventDescription {
  readonly id: number;
  readonly version: number;
  /** The channel's name (`Microsoft-Windows-NTLM/Operational`, `Security`); absent for ETW-only events. */
  readonly channel?: string;
  readonly level: WindowsLevel;
  /** `symbol`: the source gives the task no display text, so `name` is its symbol (`AuditingNTLM`). */
  readonly task: { readonly value: number; readonly name: string; readonly symbol?: true };
  readonly opcode: { readonly value: number; readonly name: string };
  readonly keywords: bigint;
  /** The message string as the source writes it (`%1` inserts, `%n`, `%%nnnn`), absent when it has none. */
  readonly message?: string;
  readonly fields: readonly DataItem[];
  /** The template writes its data in `<UserData>`, inside this element. */
  readonly userData?: { readonly element: string; readonly namespace?: string };
  /** Where it is described: `file:line`. */
  readonly at: string;
}

/** A template's `<data>` item. */
export interface DataItem {
  readonly name: string;
  readonly type: WindowsType;
  /** `count` in the template: Windows writes several values. */
  readonly array: boolean;
}

/** A source format evforge reads: how to recognize its root element and read it. */
export interface SourceFormat {
  /** Shown in notes and doc comments: "an instrumentation manifest". */
  readonly label: string;
  readonly read: (root: import('./xml.ts').XmlElement, file: string) => ProviderDescription[];
}

/** The standard levels of winmeta.xml, by name: every manifest may use them. @see https://learn.microsoft.com/windows/win32/wes/eventmanifestschema-leveltype-complextype */
export const STANDARD_LEVELS: Readonly<Record<string, WindowsLevel>> = {
  'win:LogAlways': 0,
  'win:Critical': 1,
  'win:Error': 2,
  'win:Warning': 3,
  'win:Informational': 4,
  'win:Verbose': 5,
};

/** How Event Viewer names the standard levels (WEPExplorer dumps write these). */
export const LEVEL_MESSAGES: Readonly<Record<string, WindowsLevel>> = {
  'Log Always': 0,
  Critical: 1,
  Error: 2,
  Warning: 3,
  Information: 4,
  Verbose: 5,
};

/**
 * Standard opcodes seen in real manifests and provider metadata (win:Info's message "Info" in
 * wevtutil's output; win:Start and win:Stop in Microsoft's driver samples). Another `win:` opcode is
 * refused by name rather than guessed.
 */
export const STANDARD_OPCODES: Readonly<Record<string, { value: number; name: string }>> = {
  'win:Info': { value: 0, name: 'Info' },
  'win:Start': { value: 1, name: 'Start' },
  'win:Stop': { value: 2, name: 'Stop' },
};

/**
 * Standard keywords whose masks evforge knows from real data: audit success and failure (the
 * Security log's events carry them), and the classic event log bit (wevtutil's output).
 */
export const STANDARD_KEYWORDS: Readonly<Record<string, bigint>> = {
  'win:AuditSuccess': 0x0020000000000000n,
  'win:AuditFailure': 0x0010000000000000n,
  'win:EventlogClassic': 0x0080000000000000n,
};

/** `{xxxxxxxx-…}` or `xxxxxxxx-…` → `{XXXXXXXX-…}`; undefined when it is no GUID. */
export function normalizeGuid(text: string): string | undefined {
  const m = /^\{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?$/.exec(text.trim());
  return m?.[1] ? `{${m[1].toUpperCase()}}` : undefined;
}
