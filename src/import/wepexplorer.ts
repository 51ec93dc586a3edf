import type { WindowsLevel } from '../definition/windows-types.ts';
import { EVENTS_NS, readTemplate } from './manifest.ts';
import { LEVEL_MESSAGES, STANDARD_KEYWORDS, STANDARD_LEVELS, STANDARD_OPCODES, normalizeGuid, type EventDescription, type ProviderDescription } from './provider.ts';
import { childNamed, childText, childrenNamed, listed, parseXml, problem, type XmlElement } from './xml.ts';

interface Entry {
  readonly value: number;
  readonly name: string;
  readonly message: string;
}

/**
 * Reads a WEPExplorer dump (`<Providers><Provider><Name>…<Metadata>…<EventMetadata>`): the provider
 * metadata a Windows machine holds, as the WEPExplorer tool exports it, with rendered channel names,
 * level/task names and message strings, and each event's template as the XML text Windows returns
 * for it (in CDATA). Levels, tasks and opcodes are named in an event by their display text (the
 * metadata's Message, or its Name when the Message is empty) and resolved through the metadata.
 * Real dumps of Windows 10 1507 and 1511 are in nasbench/EVTX-ETW-Resources
 * (ETWProvidersManifests/TODO/W10_*&#47;WEPExplorer/).
 */
export function readWepExplorer(root: XmlElement, file: string): ProviderDescription[] {
  const providers = childrenNamed(root, 'Provider');
  if (providers.length === 0) throw problem(file, root.line, 'E_IMPORT_NO_PROVIDER', 'the dump holds no <Provider>', 'give a WEPExplorer dump with at least one <Provider>');
  return providers.map((p) => {
    const name = childText(p, 'Name');
    const meta = childNamed(p, 'Metadata');
    const guid = normalizeGuid(meta ? childText(meta, 'Guid') : '');
    if (!name) throw problem(file, p.line, 'E_IMPORT_PROVIDER', '<Provider> has no <Name>', 'each provider of the dump has <Name> and <Metadata><Guid>');
    if (!meta || !guid) throw problem(file, (meta ?? p).line, 'E_IMPORT_PROVIDER', `provider ${name} has no <Metadata><Guid> with a GUID`, 'each provider of the dump has <Metadata><Guid>{…}</Guid>');
    const entries = (list: string, item: string): Entry[] =>
      listed(meta, list, item).map((el) => {
          const raw = childText(el, 'Value');
          if (!/^\d+$/.test(raw)) throw problem(file, el.line, 'E_IMPORT_ITEM', `<${item}> ${childText(el, 'Name')} has no numeric <Value> (${JSON.stringify(raw)})`, `each ${item} of the metadata has <Name>, <Message> and <Value>`);
          return { value: Number(raw), name: childText(el, 'Name'), message: childText(el, 'Message') };
        });
    const levels = entries('Levels', 'Level');
    const tasks = entries('Tasks', 'Task');
    const opcodes = entries('Opcodes', 'Opcode');
    const keywords = listed(meta, 'Keywords', 'Keyword').map((el) => {
      const raw = childText(el, 'Value');
      if (!/^\d+$/.test(raw)) throw problem(file, el.line, 'E_IMPORT_ITEM', `<Keyword> ${childText(el, 'Name')} has no numeric <Value> (${JSON.stringify(raw)})`, 'each keyword of the metadata has <Name>, <Message> and <Value>');
      return { name: childText(el, 'Name'), mask: BigInt(raw) };
    });
    const byDisplay = (list: readonly Entry[], shown: string) => list.find((x) => (x.message || x.name) === shown) ?? list.find((x) => x.name === shown || x.message === shown);

    const events: EventDescription[] = [];
    for (const e of childrenNamed(childNamed(p, 'EventMetadata') ?? p, 'Event')) {
      const idText = childText(e, 'Id');
      const versionText = childText(e, 'Version') || '0';
      if (!/^\d+$/.test(idText) || Number(idText) > 65535) throw problem(file, e.line, 'E_IMPORT_EVENT', `<Event> has no <Id> from 0 to 65535 (${JSON.stringify(idText)})`, 'each event of the dump has <Id> and <Version>');
      if (!/^\d+$/.test(versionText) || Number(versionText) > 255) throw problem(file, e.line, 'E_IMPORT_EVENT', `event ${idText} has <Version> ${JSON.stringify(versionText)}, not 0–255`, '<Version> is a number from 0 to 255');
      const id = Number(idText);
      const version = Number(versionText);
      const what = `event ${id} version ${version}`;
      const refused = (el: XmlElement, kind: string, shown: string, list: string) =>
        problem(file, el.line, 'E_IMPORT_REFERENCE', `${what} names ${kind} "${shown}", which the provider's <Metadata><${list}> does not list`, `add it to <${list}>, or correct the event's <${kind[0]?.toUpperCase()}${kind.slice(1)}>`);

      const levelEl = childNamed(e, 'Level');
      let level: WindowsLevel = 0;
      if (levelEl) {
        const shown = levelEl.text.trim();
        const known = byDisplay(levels, shown);
        const v = known ? (STANDARD_LEVELS[known.name] ?? known.value) : (LEVEL_MESSAGES[shown] ?? STANDARD_LEVELS[shown]);
        if (v === undefined) throw refused(levelEl, 'level', shown, 'Levels');
        if (!isLevel(v)) {
          throw problem(file, levelEl.line, 'E_IMPORT_LEVEL', `${what} has level ${shown} (value ${v}), a provider-defined level evforge does not map`, 'evforge maps the standard levels 0 (LogAlways) to 5 (Verbose) to log.level; leave this event out (--events) or define it by hand with the nearest standard level');
        }
        level = v;
      }
      const taskEl = childNamed(e, 'Task');
      let task = { value: 0, name: 'None' };
      if (taskEl) {
        const shown = taskEl.text.trim();
        const known = byDisplay(tasks, shown);
        if (!known) throw refused(taskEl, 'task', shown, 'Tasks');
        task = { value: known.value, name: known.message || known.name };
      }
      const opcodeEl = childNamed(e, 'Opcode');
      let opcode = { value: 0, name: 'Info' };
      if (opcodeEl) {
        const shown = opcodeEl.text.trim();
        const known = byDisplay(opcodes, shown);
        const std = STANDARD_OPCODES[shown];
        if (!known && !std) throw refused(opcodeEl, 'opcode', shown, 'Opcodes');
        opcode = known ? { value: known.value, name: known.message || known.name } : (std ?? opcode);
      }
      let mask = 0n;
      const keywordEl = childNamed(e, 'Keyword');
      for (const k of (keywordEl?.text ?? '').split(/\s+/).filter(Boolean)) {
        const m = keywords.find((x) => x.name === k)?.mask ?? STANDARD_KEYWORDS[k];
        if (m === undefined && keywordEl) throw refused(keywordEl, 'keyword', k, 'Keywords');
        mask |= m ?? 0n;
      }
      const templateEl = childNamed(e, 'Template');
      let template: ReturnType<typeof readTemplate> = { fields: [] };
      if (templateEl && templateEl.text.trim()) {
        // The CDATA holds the template as its own XML document, starting on the <Template> line.
        const t = parseXml(templateEl.text, file, templateEl.line);
        if (t.name !== 'template' || t.uri !== EVENTS_NS) throw problem(file, t.line, 'E_IMPORT_TEMPLATE', `${what}: <Template> holds <${t.name}>, not a <template xmlns="${EVENTS_NS}">`, 'the dump writes each template as the XML Windows returns for it');
        template = readTemplate(t, file);
      }
      const channel = childText(e, 'Channel');
      // The dump starts each message on the line after <![CDATA[: that first line break is its own.
      const message = childNamed(e, 'Message')?.text.replace(/^\r?\n/, '');
      events.push({
        id,
        version,
        ...(channel ? { channel } : {}),
        level,
        task,
        opcode,
        keywords: mask,
        ...(message ? { message } : {}),
        fields: template.fields,
        ...(template.userData ? { userData: template.userData } : {}),
        at: `${file}:${e.line}`,
      });
    }
    return { name, guid, events };
  });
}

const isLevel = (v: number): v is WindowsLevel => Number.isInteger(v) && v >= 0 && v <= 5;
