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

export const PLUGGABLE_CONTRACTS: Record<PluggableOperationId, OperationContract> = {
  sendChatMessage: {
    operationId: 'sendChatMessage',
    params: NoParams,
    query: NoQuery,
    body: ChatMessageBody,
    response: ChatMessageResponse,
    successStatus: 201,
    requiresIdempotencyKey: false,
  },
  draftPatientSummary: {
    operationId: 'draftPatientSummary',
    params: PatientParams,
    query: NoQuery,
    body: SummaryDraftBody,
    response: SummaryDraftResponse,
    successStatus: 200,
    requiresIdempotencyKey: false,
  },
  startTrainingRun: {
    operationId: 'startTrainingRun',
    params: z.object({}),
    query: z.object({}),
    body: StartTrainingRunBody,
    response: TrainingRunSchema,
    successStatus: 201,
    requiresIdempotencyKey: false,
  },
  getTrainingRun: {
    operationId: 'getTrainingRun',
    params: TrainingRunParams,
    query: z.object({}),
    response: TrainingRunSchema,
    successStatus: 200,
    requiresIdempotencyKey: false,
  },
};
