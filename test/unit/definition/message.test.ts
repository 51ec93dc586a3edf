import assert from 'node:assert/strict';
import { parseMessage } from '../../../src/definition/message.ts';

describe('parseMessage reads Windows message templates', () => {
  const cases: [string, string, ReturnType<typeof parseMessage>][] = [
    ['plain text stays one part', 'hello', ['hello']],
    ['%1 becomes insert 1', 'PID: %1', ['PID: ', { insert: 1 }]],
    ['two-digit inserts are read whole', '%12x', [{ insert: 12 }, 'x']],
    ['a printf spec after the insert is dropped', '%1!u! ok', [{ insert: 1 }, ' ok']],
    ['%n is a newline and %t a tab', 'a%nb%tc', ['a\nb\tc']],
    ['%% is a literal percent', '100%%', ['100%']],
    ['a lone % stays literal', '50 % off %x', ['50 % off %x']],
    ['adjacent inserts stay separate', '%1%2', [{ insert: 1 }, { insert: 2 }]],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.deepEqual(parseMessage(input), expected));
  }
});
