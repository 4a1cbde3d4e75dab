// Prints the text of a PDF as JSON {"pages": n, "text": ["page 1 text", ...], "maxRight": x, "pageWidth": w}, read by Mozilla's pdf.js (a real parser:
// it decodes the embedded fonts' ToUnicode maps, so Identity-H text comes out as the characters drawn).
// Usage: node tests/pdf/pdf-text.mjs file.pdf
import { readFile } from "node:fs/promises";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node tests/pdf/pdf-text.mjs file.pdf");
  process.exit(2);
}

const data = new Uint8Array(await readFile(file));
const pdf = await getDocument({ data, useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
const text = [];
let maxRight = 0; // the right edge of the widest text run on any page, in points: nothing may run off the page
let pageWidth = 0;
for (let n = 1; n <= pdf.numPages; n++) {
  const page = await pdf.getPage(n);
  const content = await page.getTextContent();
  pageWidth = Math.max(pageWidth, page.view[2] - page.view[0]);
  for (const item of content.items) maxRight = Math.max(maxRight, item.transform[4] + item.width);
  // One drawn string per item; a line break where pdf.js saw the end of a line.
  text.push(content.items.map((i) => i.str + (i.hasEOL ? "\n" : " ")).join(""));
}
process.stdout.write(JSON.stringify({ pages: pdf.numPages, text, maxRight, pageWidth }));
