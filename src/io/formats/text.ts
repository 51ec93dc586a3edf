/** `Record 12` lines that `evtx_dump -o json|xml` prints before each record. */
export const RECORD_LINE = /^Record \d+\r?$/;

const RECORD_LINES = new RegExp(RECORD_LINE.source, 'gm');

/** A piece of text; `midLine` when it starts inside a line whose start came in an earlier piece. */
export interface TextPiece {
  readonly text: string;
  readonly midLine: boolean;
}

/**
 * Text in pieces in which no line of at most `longest` characters is cut (so a line pattern can be
 * matched within a piece): the text after a chunk's last line break is held back only while it
 * could still be such a line, so a file without line breaks streams in constant memory.
 */
export async function* shortLinesWhole(chunks: AsyncIterable<string>, longest: number): AsyncGenerator<TextPiece> {
  let carry = '';
  let midLine = false;
  for await (const chunk of chunks) {
    const text = carry + chunk;
    carry = '';
    const startsMid = midLine;
    const cut = text.lastIndexOf('\n') + 1;
    let body = text;
    if ((cut > 0 || !midLine) && text.length - cut <= longest) {
      body = text.slice(0, cut);
      carry = text.slice(cut);
      midLine = false;
    } else midLine = true;
    if (body) yield { text: body, midLine: startsMid };
  }
  if (carry) yield { text: carry, midLine: false };
}

/** Longer than any `Record N` line. */
const LONGEST_RECORD_LINE = 40;

/**
 * Text in chunks with every `Record N` line emptied (its line break kept, so lines keep their
 * numbers), in any chunking and in constant memory.
 */
export async function* blankRecordLines(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  for await (const { text, midLine } of shortLinesWhole(chunks, LONGEST_RECORD_LINE)) {
    if (!midLine) {
      yield text.replace(RECORD_LINES, '');
      continue;
    }
    // The first line continues one passed on: it is no Record line.
    const nl = text.indexOf('\n');
    yield nl < 0 ? text : text.slice(0, nl + 1) + text.slice(nl + 1).replace(RECORD_LINES, '');
  }
}
