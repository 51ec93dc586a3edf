import type { MessagePart } from './model.ts';

/**
 * Parses a Windows message template: `%1`…`%99` inserts (an optional `!fmt!` printf spec is dropped),
 * `%n` newline, `%t` tab, `%%` percent; any other `%` stays literal.
 * @see https://learn.microsoft.com/windows/win32/api/winbase/nf-winbase-formatmessage
 */
export function parseMessage(template: string): MessagePart[] {
  const parts: MessagePart[] = [];
  let text = '';
  const flush = () => {
    if (text) parts.push(text);
    text = '';
  };
  const re = /%(?:(\d{1,2})(?:![^!]*!)?|(n)|(t)|(%))/gy;
  let i = 0;
  while (i < template.length) {
    if (template[i] !== '%') {
      text += template[i++];
      continue;
    }
    re.lastIndex = i;
    const m = re.exec(template);
    if (!m) {
      text += template[i++];
      continue;
    }
    if (m[1] !== undefined) {
      flush();
      parts.push({ insert: Number(m[1]) });
    } else text += m[2] ? '\n' : m[3] ? '\t' : '%';
    i = re.lastIndex;
  }
  flush();
  return parts;
}
