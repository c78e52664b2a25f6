/**
 * Reading FHIR input from disk for the CLIs (`npm run deid`, `npm run pipeline:local`): NDJSON
 * streamed line by line, Bundle JSON files one at a time (one patient per Synthea bundle).
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { resourcesOfJson } from './bundles';
import { isObject, type Json, type JsonObject } from './fhir-json';
import { holdsResources, linesOf } from './ndjson';

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

const isNdjsonFile = (file: string): boolean => file.toLowerCase().endsWith('.ndjson');

/** An input file left out, and why (no record content). */
export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}

/**
 * The input files that hold FHIR resources, and the NDJSON files left out because their lines are
 * other JSON: an export as it was written, with its `log.ndjson` beside the resource files.
 */
export async function resourceInputFiles(
  input: string,
): Promise<{ files: string[]; skipped: SkippedFile[] }> {
  const files: string[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of await inputFiles(input)) {
    if (isNdjsonFile(file) && !(await holdsResources(createReadStream(file))))
      skipped.push({ file, reason: 'its lines are JSON but not FHIR resources (no resourceType)' });
    else files.push(file);
  }
  return { files, skipped };
}

/** Every resource of a file: NDJSON lines, or a Bundle's entries with references resolved. */
export async function* resourcesOfFile(file: string): AsyncGenerator<JsonObject> {
  if (isNdjsonFile(file)) {
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
      if (!isObject(value) || typeof value['resourceType'] !== 'string')
        throw new Error(`${path.basename(file)} line ${lineNo} is not a FHIR resource (no resourceType)`);
      yield value;
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
