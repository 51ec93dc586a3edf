import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { FileError } from '../../errors.ts';
import { readError } from '../events.ts';

/**
 * How a file's text is encoded, from its byte-order mark: UTF-8 unless it starts with FF FE
 * (UTF-16LE, what Windows PowerShell 5.1's `>` writes, e.g. `Get-WinEvent … ToXml() > events.xml`).
 */
export async function sniffEncoding(path: string, label: string): Promise<{ encoding: BufferEncoding; head: string }> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw readError(err, label);
  }
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0).catch((err: unknown) => {
      throw readError(err, label);
    });
    const bytes = buf.subarray(0, bytesRead);
    if (bytes[0] === 0xfe && bytes[1] === 0xff) throw new FileError(label, 'the file is UTF-16 big-endian', 'save it as UTF-8 (or UTF-16LE), e.g. `iconv -f UTF-16BE -t UTF-8`');
    const encoding: BufferEncoding = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf16le' : 'utf8';
    return { encoding, head: bytes.toString(encoding).replace(/^\uFEFF/, '') };
  } finally {
    await handle.close();
  }
}

/** The file's text in chunks of whole lines (each chunk ends at a line break, but the last), BOM removed. */
export async function* textLines(path: string, label: string, encoding: BufferEncoding): AsyncGenerator<string> {
  const stream: AsyncIterable<string> = createReadStream(path, { encoding, highWaterMark: 1 << 20 });
  let rest = '';
  let first = true;
  try {
    for await (const chunk of stream) {
      let text = rest + chunk;
      if (first) {
        text = text.replace(/^\uFEFF/, '');
        first = false;
      }
      const cut = text.lastIndexOf('\n') + 1;
      rest = text.slice(cut);
      if (cut > 0) yield text.slice(0, cut);
    }
  } catch (err) {
    throw readError(err, label);
  }
  if (rest) yield rest;
}

/** `Record 12` lines that `evtx_dump -o json|xml` prints before each record. */
export const RECORD_LINE = /^Record \d+\r?$/;
