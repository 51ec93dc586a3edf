import assert from 'node:assert/strict';
import { bulkDrop, byteSize, maxContentLengthOf, splitCredentials } from '../../../src/io/cluster/client.ts';
import { ClusterError, rememberSecrets, withoutSecrets } from '../../../src/io/cluster/errors.ts';

/**
 * What a server says back is cleared of the credentials evforge sent it (a proxy or a debugging
 * server may echo the Authorization header); and the engine's request limit is read as it writes it.
 */
describe('the cluster edge: echoed credentials, request limits', () => {
  const PASSWORD = 'unit-Pa55-w0rd/ü';
  const API_KEY = 'VW5pdEtleTpzZWNyZXQ=';

  it('every form a credential takes on the wire is removed from what a server says', () => {
    splitCredentials({ node: `http://admin:${encodeURIComponent(PASSWORD)}@127.0.0.1:9200` });
    rememberSecrets({ apiKey: API_KEY });
    const basic = Buffer.from(`admin:${PASSWORD}`).toString('base64');
    const echoed = `header [Basic ${basic}] [ApiKey ${API_KEY}] url http://admin:${encodeURIComponent(PASSWORD)}@host/ raw ${PASSWORD}`;
    const clean = withoutSecrets(echoed);
    for (const s of [PASSWORD, encodeURIComponent(PASSWORD), basic, API_KEY]) assert.ok(!clean.includes(s), `${s} in ${clean}`);
    assert.match(clean, /header \[Basic \[redacted\]\] \[ApiKey \[redacted\]\]/);
  });

  it('in a ClusterError (message, reason, type, hint) and in a bulk item\'s refusal', () => {
    rememberSecrets({ apiKey: API_KEY });
    const e = new ClusterError(`GET / failed: HTTP 401: bad key ${API_KEY}`, { status: 401, reason: `bad key ${API_KEY}`, type: `t ${API_KEY}`, hint: `h ${API_KEY}` });
    assert.ok(!JSON.stringify([e.message, e.details]).includes(API_KEY));
    const drop = bulkDrop(400, { create: { _id: 'x' } }, { type: 'mapper_parsing_exception', reason: `header ApiKey ${API_KEY}` }, {});
    assert.equal(drop.reason, 'header ApiKey [redacted]');
  });

  it('a credential shorter than 4 characters is removed only where it stands alone', () => {
    rememberSecrets({ username: 'u', password: 'pw1' });
    assert.equal(withoutSecrets('pw1 and pw12 and (pw1)'), '[redacted] and pw12 and ([redacted])');
  });

  it('http.max_content_length: as the engines write it, the nodes\' own setting first (the smallest), else the cluster\'s default', () => {
    assert.deepEqual(['100mb', '1mb', '1.5gb', '104857600b', '2048', '512KB', 'lots', ''].map(byteSize), [104857600, 1048576, 1610612736, 104857600, 2048, 524288, undefined, undefined]);
    const nodes = { nodes: { a: { settings: { http: { max_content_length: '50mb' } } }, b: { settings: { http: { max_content_length: '1mb' } } } } };
    assert.equal(maxContentLengthOf(nodes, { defaults: { http: { max_content_length: '100mb' } } }), 1048576);
    assert.equal(maxContentLengthOf({ nodes: { a: { settings: {} } } }, { defaults: { http: { max_content_length: '100mb' } } }), 104857600);
    assert.equal(maxContentLengthOf(undefined, undefined), undefined);
  });
});
