// Parse Mermaid files with Mermaid's own parser: node check.mjs FILE... (exit 1 on any failure)
import { JSDOM } from 'jsdom';
import fs from 'fs';
const dom = new JSDOM('<!DOCTYPE html><body></body>');
globalThis.window = dom.window; globalThis.document = dom.window.document;
globalThis.DOMPurify = undefined;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });
let bad = 0;
for (const f of process.argv.slice(2)) {
  try { await mermaid.parse(fs.readFileSync(f, 'utf8')); console.log('ok', f); }
  catch (e) { bad++; console.log('FAIL', f, String(e).slice(0, 300)); }
}
process.exit(bad ? 1 : 0);
