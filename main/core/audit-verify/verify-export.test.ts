import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../shared/api/audit';
import { computeEventHash } from '../../../shared/audit/chain';
import { keyFingerprint, signCheckpoint, signingKeyPair } from '../../../shared/audit/checkpoint';
import { USAGE } from './cli';
import {
  buildChain,
  checkpointsEvery,
  exportDir,
  exportLines,
  keyEntry,
  rewriteFrom,
  runVerifyInProcess,
} from './test-exports';
import { verifyExportLines } from './verify-export';

// Real chains and real Ed25519 signatures, written to real files and read by the command's own code.
const shopKey = signingKeyPair();
const strangerKey = signingKeyPair();
const events = buildChain(2500);
const checkpoints = checkpointsEvery(events, 1000, shopKey); // seq 1000 and 2000
const full = { keys: [keyEntry(shopKey)], checkpoints, events };
/** Line of event `seq` in `full`: header, one key, two checkpoints, then events from seq 1. */
const lineOf = (seq: number) => 1 + 1 + 2 + seq;

let dir: Awaited<ReturnType<typeof exportDir>>;
let keysFile: string;

beforeAll(async () => {
  dir = await exportDir();
  keysFile = await dir.write('keys.json', [JSON.stringify({ keys: [keyEntry(shopKey)] })]);
});
afterAll(() => dir.close());

function edit(list: readonly AuditEvent[], seq: number, change: (e: AuditEvent) => AuditEvent): AuditEvent[] {
  return list.map((e) => (e.seq === seq ? change(e) : e));
}

describe('audit:verify', () => {
  it('an untampered export verifies: chain, signatures, coverage and the unsigned tail', async () => {
    const file = await dir.write('full.jsonl', exportLines(full));
    const { code, stdout } = await runVerifyInProcess([file, '--keys', keysFile]);
    expect(code).toBe(0);
    expect(stdout).toContain('2,500 checked, seq 1–2500');
    expect(stdout).toContain('verified from seq 1 to 2500: no gaps, every link checked');
    expect(stdout).toContain('2 checked, signatures valid; 2 compared with the event at their seq, all match');
    expect(stdout).toContain('2,000 events covered by a signed checkpoint, up to seq 2000');
    expect(stdout).toContain('500 newest events (from seq 2001) come after the newest checkpoint: not yet signed');
    expect(stdout).toContain(`trusted from ${keysFile}: 1`);
    expect(stdout).toContain(`${keyFingerprint(shopKey.keyId)}  signed 2 checkpoints`);
    expect(stdout).not.toContain('Warning');

    const json = await runVerifyInProcess([file, '--keys', keysFile, '--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { ok: boolean; summary: Record<string, unknown>; warnings: string[] };
    expect(report.ok).toBe(true);
    expect(report.warnings).toEqual([]);
    expect(report.summary).toMatchObject({
      events: 2500,
      firstSeq: 1,
      lastSeq: 2500,
      gaps: 0,
      checkpoints: 2,
      checkpointsCompared: 2,
      covered: 2000,
      coveredThroughSeq: 2000,
      unsignedTail: 500,
      unsignedTailFromSeq: 2001,
      uncovered: 0,
      keySource: 'keys_file',
      keys: [{ keyId: shopKey.keyId, fingerprint: keyFingerprint(shopKey.keyId), checkpoints: 2, retiredAt: null }],
    });
  });

  it('one edited event fails at its seq: its hash no longer matches', async () => {
    const tampered = edit(events, 1234, (e) => ({ ...e, details: { ...e.details, page: '/orders/other' } }));
    const file = await dir.write('edited.jsonl', exportLines({ ...full, events: tampered }));
    const { code, stdout } = await runVerifyInProcess([file, '--keys', keysFile]);
    expect(code).toBe(1);
    expect(stdout).toContain(`FAILED         line 1238, seq 1234: event changed`);
    expect(stdout).toContain('the event’s hash does not match its contents');
    expect(lineOf(1234)).toBe(1238);
  });

  it('an event re-hashed alone breaks the link to the next event', async () => {
    const tampered = edit(events, 700, (e) => {
      const changed = { ...e, ip: '10.0.0.9' };
      return { ...changed, hash: computeEventHash(changed) };
    });
    const result = await verifyExportLines(exportLines({ ...full, events: tampered }), { trustedKeys: full.keys });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure).toMatchObject({ kind: 'broken_link', seq: 701, line: lineOf(701) });
    expect(result.failure.reason).toContain('an event at or before seq 700 was changed or removed');
  });

  it('an edit with the whole tail re-hashed fails at the first checkpoint at or after it', async () => {
    const rewritten = rewriteFrom(events, 1234, { page: '/orders/forged' });
    const file = await dir.write('rewritten.jsonl', exportLines({ ...full, events: rewritten }));
    const { code, stdout } = await runVerifyInProcess([file, '--keys', keysFile]);
    expect(code).toBe(1);
    expect(stdout).toContain(`line ${lineOf(2000)}, seq 2000: history rewritten`);
    expect(stdout).toContain('the shop’s history was rewritten at or before seq 2000');
    expect(stdout).toContain('1,999 events and 2 checkpoints were checked before it');

    const early = rewriteFrom(events, 10, { page: '/orders/forged' });
    const result = await verifyExportLines(exportLines({ ...full, events: early }), { trustedKeys: full.keys });
    expect(!result.ok && result.failure).toMatchObject({ kind: 'history_rewritten', seq: 1000, line: lineOf(1000) });
  });

  it('a rewrite after the newest checkpoint is not yet provable: the summary says those events are unsigned', async () => {
    const rewritten = rewriteFrom(events, 2200, { page: '/orders/forged' });
    const result = await verifyExportLines(exportLines({ ...full, events: rewritten }), { trustedKeys: full.keys });
    expect(result.ok).toBe(true);
    expect(result.summary).toMatchObject({ covered: 2000, unsignedTail: 500, unsignedTailFromSeq: 2001 });
  });

  it('a checkpoint by a key not in --keys fails; without --keys the export’s own keys are used, with a warning', async () => {
    const foreign = signCheckpoint(
      { seq: 2000, hash: events[1999]!.hash, at: '2025-06-01T10:00:00.000Z' },
      strangerKey,
    );
    const parts = {
      ...full,
      keys: [keyEntry(shopKey), keyEntry(strangerKey)],
      checkpoints: [checkpoints[0]!, foreign],
    };
    const file = await dir.write('stranger.jsonl', exportLines(parts));

    const trusted = await runVerifyInProcess([file, '--keys', keysFile]);
    expect(trusted.code).toBe(1);
    expect(trusted.stdout).toContain('line 5, seq 2000: checkpoint signed by an unknown key');
    expect(trusted.stdout).toContain(`signed by key ${strangerKey.keyId}, which is not in the keys file`);

    const own = await runVerifyInProcess([file]);
    expect(own.code).toBe(0);
    expect(own.stdout).toContain('from the export itself: 2');
    expect(own.stdout).toContain(`${keyFingerprint(shopKey.keyId)}  signed 1 checkpoints`);
    expect(own.stdout).toContain(`${keyFingerprint(strangerKey.keyId)}  signed 1 checkpoints`);
    expect(own.stdout).toContain('Warning        The signing keys came from the export itself');
  });

  it('a checkpoint whose fields were changed after signing fails its signature', async () => {
    const forged = { ...checkpoints[0]!, hash: 'f'.repeat(64) };
    const result = await verifyExportLines(exportLines({ ...full, checkpoints: [forged, checkpoints[1]!] }), {
      trustedKeys: full.keys,
    });
    expect(!result.ok && result.failure).toMatchObject({ kind: 'bad_signature', seq: 1000, line: 3 });
    // The command checks signatures with node:crypto instead: the same verdict.
    const file = await dir.write('forged.jsonl', exportLines({ ...full, checkpoints: [forged, checkpoints[1]!] }));
    const { code, stdout } = await runVerifyInProcess([file, '--keys', keysFile]);
    expect(code).toBe(1);
    expect(stdout).toContain('line 3, seq 1000: forged or altered checkpoint');
  });

  it('a partial export (gaps) checks each event’s own hash and says links across gaps are not checked', async () => {
    const partial = events.filter((e) => e.seq < 1000 || e.seq >= 1100);
    const file = await dir.write(
      'partial.jsonl',
      exportLines({ ...full, filter: { staffId: 'stf_agent' }, events: partial }),
    );
    const { code, stdout } = await runVerifyInProcess([file, '--keys', keysFile, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { summary: Record<string, unknown>; warnings: string[] };
    expect(report.summary).toMatchObject({
      events: 2400,
      gaps: 1,
      checkpoints: 2,
      checkpointsCompared: 1,
      covered: 901,
      coveredThroughSeq: 2000,
      unsignedTail: 500,
      uncovered: 999,
    });
    expect(report.warnings.join(' ')).toContain('links across the gaps are not checked');

    const text = await runVerifyInProcess([file, '--keys', keysFile]);
    expect(text.stdout).toContain('not verified as one chain: 1 gaps in seq; links across the gaps are not checked');
    expect(text.stdout).toContain('{"staffId":"stf_agent"}');
    expect(text.stdout).not.toContain('verified from seq');
  });

  it('a malformed line fails with its line number', async () => {
    const lines = exportLines(full);
    lines[lineOf(40) - 1] = lines[lineOf(40) - 1]!.slice(0, 50);
    const { code, stdout } = await runVerifyInProcess([await dir.write('cut.jsonl', lines)]);
    expect(code).toBe(1);
    expect(stdout).toContain(`line ${lineOf(40)}: malformed line`);
    expect(stdout).toContain('not JSON');

    const badAction = exportLines({
      ...full,
      events: edit(events, 3, (e) => ({ ...e, action: 'nope' as 'session.end' })),
    });
    const result = await verifyExportLines(badAction, { trustedKeys: null });
    expect(!result.ok && result.failure).toMatchObject({ kind: 'malformed_line', line: lineOf(3), seq: 3 });
  });

  it('refuses a file that is not an export, and lines out of place', async () => {
    const old = await runVerifyInProcess([
      await dir.write(
        'old.jsonl',
        events.slice(0, 3).map((e) => JSON.stringify(e)),
      ),
    ]);
    expect(old.code).toBe(1);
    expect(old.stdout).toContain('line 1: not an audit export');

    const empty = await verifyExportLines([], { trustedKeys: null });
    expect(!empty.ok && empty.failure.reason).toBe('the file is empty');

    const lines = exportLines({ ...full, checkpoints: [checkpoints[0]!] });
    lines.push(JSON.stringify({ checkpoint: checkpoints[1] }));
    const late = await verifyExportLines(lines, { trustedKeys: full.keys });
    expect(!late.ok && late.failure).toMatchObject({ kind: 'misplaced_line', line: lines.length });
  });

  it('usage errors exit 2 with the usage line', async () => {
    for (const args of [[], ['a.jsonl', 'b.jsonl'], ['--nope', 'a.jsonl'], [`${keysFile}.missing`]]) {
      const { code, stderr } = await runVerifyInProcess(args);
      expect(code).toBe(2);
      expect(stderr).toContain(USAGE);
    }
    const file = await dir.write('ok.jsonl', exportLines(full));
    const badKeys = await runVerifyInProcess([file, '--keys', file]);
    expect(badKeys.code).toBe(2);
    expect(badKeys.stderr).toContain('is not JSON');
    expect((await runVerifyInProcess([file, '--keys', `${keysFile}.gone`])).stderr).toContain('no such file');
    const lying = { keys: [{ ...keyEntry(shopKey), keyId: strangerKey.keyId }] };
    const lyingKeys = await runVerifyInProcess([
      file,
      '--keys',
      await dir.write('lying.json', [JSON.stringify(lying)]),
    ]);
    expect(lyingKeys.code).toBe(2);
    expect(lyingKeys.stderr).toContain(`its public key has the id ${shopKey.keyId}`);
  });
});
