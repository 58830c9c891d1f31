import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pgliteVersion } from '../../shop/test/pglite-template';
import { MIRROR_SCHEMA, MIRROR_SCHEMA_VERSION } from '../core/audit-mirror/schema';
import {
  defaultTemplateMakerFile,
  mirrorTemplate,
  nodeTemplateMaker,
  TEMPLATE_FOLDER,
} from '../core/audit-mirror/template';

let made: Promise<string> | null = null;

/**
 * The mirror template tests start their mirrors from, as a console does (template.ts): made once
 * per machine with the console's own code, in the temp folder, named after the schema and the
 * PGlite version so an edit to either makes a new one.
 */
export function testMirrorTemplate(): Promise<string> {
  made ??= (async () => {
    const key = createHash('sha256')
      .update(`${String(MIRROR_SCHEMA_VERSION)}|${MIRROR_SCHEMA}|${await pgliteVersion()}`)
      .digest('hex')
      .slice(0, 16);
    const dir = join(tmpdir(), `concierge-test-mirror-${key}`, TEMPLATE_FOLDER);
    const ready = await mirrorTemplate(dir, nodeTemplateMaker(defaultTemplateMakerFile()), console).ready();
    if (!ready) throw new Error(`could not make the test mirror template in ${dir}`);
    return ready;
  })();
  return made;
}
