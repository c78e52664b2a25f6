/**
 * The request and response schemas of the operations other modules plug into the router
 * (assistant, training runs), without their implementations: the OpenAPI document describes every
 * route from schemas, and the public function that serves it must not load the assistant or the
 * pipeline clients to do so.
 */
import { z } from 'zod';
import {
  ChatMessageBody,
  ChatMessageResponse,
  SummaryDraftBody,
  SummaryDraftResponse,
} from '../assistant/types';
import type { ApiOperation, PluggableOperationId } from './operations';
import { NoParams, NoQuery, PatientParams } from './schemas';
import { StartTrainingRunBody, TrainingRunParams, TrainingRunSchema } from './training-run-schemas';

export type OperationContract = Pick<
  ApiOperation,
  'operationId' | 'params' | 'query' | 'body' | 'response' | 'successStatus' | 'requiresIdempotencyKey'
>;

/**
 * Each contract keeps its schemas' types, so the implementations spread it into `defineOperation`
 * (`{ ...SEND_CHAT_MESSAGE, run }`) and the document and the code cannot describe two shapes.
 */
export const SEND_CHAT_MESSAGE = {
  operationId: 'sendChatMessage',
  params: NoParams,
  query: NoQuery,
  body: ChatMessageBody,
  response: ChatMessageResponse,
  successStatus: 201,
} as const;

export const DRAFT_PATIENT_SUMMARY = {
  operationId: 'draftPatientSummary',
  params: PatientParams,
  query: NoQuery,
  body: SummaryDraftBody,
  response: SummaryDraftResponse,
  successStatus: 200,
} as const;

export const START_TRAINING_RUN = {
  operationId: 'startTrainingRun',
  params: z.object({}),
  query: z.object({}),
  body: StartTrainingRunBody,
  response: TrainingRunSchema,
  successStatus: 201,
} as const;

export const GET_TRAINING_RUN = {
  operationId: 'getTrainingRun',
  params: TrainingRunParams,
  query: z.object({}),
  response: TrainingRunSchema,
  successStatus: 200,
} as const;

export const PLUGGABLE_CONTRACTS: Record<PluggableOperationId, OperationContract> = {
  sendChatMessage: { ...SEND_CHAT_MESSAGE, requiresIdempotencyKey: false },
  draftPatientSummary: { ...DRAFT_PATIENT_SUMMARY, requiresIdempotencyKey: false },
  startTrainingRun: { ...START_TRAINING_RUN, requiresIdempotencyKey: false },
  getTrainingRun: { ...GET_TRAINING_RUN, requiresIdempotencyKey: false },
};
