// Validates JSON documents against a JSON Schema (draft-04 or 2020-12, by the schema's own
// $schema), with format checks. Used by ctest for flowgap's report schema and for SARIF 2.1.0.
//
//   node validate.mjs [--strict] SCHEMA.json DOCUMENT.json...
//
// --strict also rejects unknown keywords in the schema itself (for flowgap's own schema).
// Exit 0: every document is valid; 1: some is not; 2: usage or unreadable files.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const args = process.argv.slice(2);
const strict = args[0] === '--strict';
if (strict) args.shift();
const [schemaPath, ...documents] = args;
if (!schemaPath || documents.length === 0) {
  console.error('usage: node validate.mjs [--strict] SCHEMA.json DOCUMENT.json...');
  process.exit(2);
}

const read = (path) => {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    console.error(`${path}: ${e.message}`);
    process.exit(2);
  }
};

const schema = read(schemaPath);
const draft04 = String(schema.$schema || '').includes('draft-04');
const Ajv = draft04 ? AjvDraft04 : Ajv2020;
// The OASIS-era schema's run.language pattern, ^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$, has a
// stray ']' that only non-Unicode regular expressions accept (it is written for JSON Schema's
// ECMA-262 patterns without the u flag), so patterns compile without it.
const ajv = new Ajv({ allErrors: true, strict: strict ? true : false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

let bad = 0;
for (const path of documents) {
  if (validate(read(path))) {
    console.log(`valid: ${path} (${schemaPath})`);
    continue;
  }
  ++bad;
  console.error(`INVALID: ${path} against ${schemaPath}`);
  for (const e of validate.errors.slice(0, 20)) console.error(`  ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}
process.exit(bad ? 1 : 0);
