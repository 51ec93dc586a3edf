/**
 * Names that become file or folder names in `mappings/` (datasets, rule names) and names of cluster
 * objects a user may save under their own name (namespaces) must check out on every operating system.
 * Windows refuses a file or folder named after a device (CON, PRN, AUX, NUL, COM0–9, LPT0–9 and
 * their superscript forms), in any case and with any extension (`con.ntlm` is CON), and drops a
 * trailing dot or space; Windows and macOS fold case, so two names that differ only by case are one.
 * @see https://learn.microsoft.com/en-us/windows/win32/fileio/naming-a-file#naming-conventions
 */
const DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/** What is wrong with a name as a file name (`is …`, `ends with …`), with the fix; undefined when it is portable. */
export function portableNameProblem(name: string): { reason: string; hint: string } | undefined {
  const device = (name.split('.')[0] ?? '').trimEnd();
  if (DEVICE.test(device)) {
    return {
      reason: `is a Windows device name (${device.toUpperCase()}${name.length > device.length ? ' with an extension' : ''}), which no file or folder may be named on Windows`,
      hint: `choose another name, e.g. "${device.toLowerCase()}_log${name.slice(device.length)}"`,
    };
  }
  if (/[. ]$/.test(name)) return { reason: `ends with ${name.endsWith('.') ? 'a dot' : 'a space'}, which Windows drops from file names`, hint: `remove it: "${name.replace(/[. ]+$/, '')}"` };
  return undefined;
}

/** Names evforge itself gives to files beside the data stream folders of `mappings/`. */
export const OUTPUT_FILE_NAMES = ['manifest.json', 'CHANGELOG.md'] as const;

/** The first of `taken` that differs from `name` only by case (or equals it), if any. */
export function caseTwin(name: string, taken: Iterable<string>): string | undefined {
  const folded = name.toLowerCase();
  for (const t of taken) if (t.toLowerCase() === folded) return t;
  return undefined;
}
