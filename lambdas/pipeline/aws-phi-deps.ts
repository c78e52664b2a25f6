/** The adapters of aws-deps.ts plus the shared PHI module, for the de-identify and validate tasks. */
import { detectPhi, redactPhi } from '../phi';
import { awsPipelineRunDeps } from './aws-deps';
import type { PipelineDeps } from './ports';

export const awsPipelineDeps: PipelineDeps = { ...awsPipelineRunDeps, phi: { detectPhi, redactPhi } };
