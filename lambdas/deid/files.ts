/**
 * Reading FHIR input from disk for the CLIs (`npm run deid`, `npm run pipeline:local`): NDJSON
 * streamed line by line, Bundle JSON files one at a time (one patient per Synthea bundle).
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { resourcesOfJson } from './bundles';
import { isObject, type Json, type JsonObject } from './fhir-json';
import { linesOf } from './ndjson';

export async function inputFiles(input: string): Promise<string[]> {
  const info = await stat(input);
  if (info.isFile()) return [input];
  const out: string[] = [];
  for (const e of await readdir(input, { withFileTypes: true })) {
    const full = path.join(input, e.name);
    if (e.isDirectory()) out.push(...(await inputFiles(full)));
    else if (/\.(json|ndjson)$/i.test(e.name)) out.push(full);
  }
  return out.sort();
}

/** Every resource of a file: NDJSON lines, or a Bundle's entries with references resolved. */
export async function* resourcesOfFile(file: string): AsyncGenerator<JsonObject> {
  if (file.toLowerCase().endsWith('.ndjson')) {
    let lineNo = 0;
    for await (const line of linesOf(createReadStream(file))) {
      lineNo++;
      if (line.trim().length === 0) continue;
      let value: Json;
      try {
        value = JSON.parse(line) as Json;
      } catch {
        throw new Error(`${path.basename(file)} line ${lineNo} is not valid JSON`);
      }
      if (isObject(value)) yield value;
    }
    return;
  }
  let json: Json;
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as Json;
  } catch {
    throw new Error(`${path.basename(file)} is not valid JSON`);
  }
  yield* resourcesOfJson(json);
}
