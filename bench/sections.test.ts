import { describe, expect, it } from 'vitest';
import { renderAuditScaleSection } from './audit-scale-report';
import { renderAuditSyncSection } from './audit-sync-report';
import { renderConsoleUiSection } from './console-ui-report';
import { fillTemplate, renderTemplate } from './report';
import { renderScaleSection } from './scale-report';
import { renderSearchSection } from './search-report';
import { renderStartupSection } from './startup-report';
import * as fixtures from './section-fixtures';

// Each bench/expected/<case>.txt is what the report code wrote for that fixture before its prose
// moved into bench/templates, so a refactoring must reproduce it byte for byte. After changing a
// section on purpose, review the difference and rewrite the files with `npx vitest run bench -u`.

describe('benchmark sections rendered from templates', () => {
  it.each([
    ['search-with-wrk', () => renderSearchSection(fixtures.searchWithWrk)],
    ['search-without-wrk', () => renderSearchSection(fixtures.searchWithoutWrk)],
    ['audit-sync-met', () => renderAuditSyncSection(fixtures.auditSyncMet)],
    ['audit-scale-met', () => renderAuditScaleSection(fixtures.auditScaleMet)],
    ['audit-scale-missed', () => renderAuditScaleSection(fixtures.auditScaleMissed)],
    ['audit-sync-missed', () => renderAuditSyncSection(fixtures.auditSyncMissed)],
    ['console-ui-fresh-sync', () => renderConsoleUiSection(fixtures.consoleUiFreshSync)],
    ['console-ui-reused', () => renderConsoleUiSection(fixtures.consoleUiReused)],
    ['console-ui-audit-failed', () => renderConsoleUiSection(fixtures.consoleUiAuditFailed)],
    ['startup-met', () => renderStartupSection(fixtures.startupMet)],
    ['startup-missed', () => renderStartupSection(fixtures.startupMissed)],
    ['scale-met', () => renderScaleSection(fixtures.scaleMet)],
    ['scale-missed', () => renderScaleSection(fixtures.scaleMissed)],
  ])('%s matches the section the code wrote before', async (name, render) => {
    await expect(render()).toMatchFileSnapshot(`./expected/${name}.txt`);
  });
});

describe('fillTemplate', () => {
  it('replaces every placeholder, repeated ones too, and leaves values unscanned', () => {
    expect(fillTemplate('{{a}} and {{b}}, {{a}}', { a: 'x', b: '{{a}}' })).toBe('x and {{a}}, x');
  });

  it('fails on a placeholder without a value', () => {
    expect(() => fillTemplate('{{a}} {{b}}', { a: 'x' }, 't.md')).toThrow('t.md: no value for {{b}}');
  });

  it('fails on a value no placeholder uses', () => {
    expect(() => fillTemplate('{{a}}', { a: 'x', c: 'y' }, 't.md')).toThrow(
      't.md: {{c}} given but not in the template',
    );
  });

  it('does not take inherited properties for values', () => {
    expect(() => fillTemplate('{{toString}}', {})).toThrow('no value for {{toString}}');
  });
});

describe('renderTemplate', () => {
  it('reads bench/templates/<name>.md without its final newline', () => {
    const policy = renderTemplate('search.policies-as-found');
    expect(policy.startsWith("PostgreSQL's processes keep")).toBe(true);
    expect(policy.endsWith('are needed).')).toBe(true);
  });

  it('names the template in its complaint', () => {
    expect(() => renderTemplate('search.cpu', {})).toThrow('bench/templates/search.cpu.md: no value for {{table}}');
  });
});
