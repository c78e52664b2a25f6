/**
 * The assistant's two API operations, plugged into the generic router through
 * `ApiOptions.operations` (lambdas/api/router.ts): the route table's role checks run first, then
 * these parse with their own zod schemas, call the service and return one audit target.
 */
import { type ApiServices } from '../api/composition';
import { type ApiOperation, defineOperation, type PluggableOperationId } from '../api/operations';
import { DRAFT_PATIENT_SUMMARY, SEND_CHAT_MESSAGE } from '../api/pluggable-contracts';
import { type AssistantDependencies, AssistantService } from './assistant-service';
import { SummaryDraftService } from './summary-draft-service';

export type AssistantOperations = Required<
  Pick<Record<PluggableOperationId, ApiOperation>, 'sendChatMessage' | 'draftPatientSummary'>
>;

export function createAssistantOperations(deps: AssistantDependencies): AssistantOperations {
  // The router owns the services (policy, consents); one assistant per services object.
  const assistants = new WeakMap<ApiServices, AssistantService>();
  const assistantFor = (services: ApiServices): AssistantService => {
    let assistant = assistants.get(services);
    if (!assistant) {
      assistant = new AssistantService(deps, { policy: services.policy, consents: services.consents });
      assistants.set(services, assistant);
    }
    return assistant;
  };
  const drafts = new SummaryDraftService(deps.fhir, deps.conversations);

  return {
    sendChatMessage: defineOperation({
      ...SEND_CHAT_MESSAGE,
      run: (services, { body }, context) => assistantFor(services).chat(context, body),
    }),
    draftPatientSummary: defineOperation({
      ...DRAFT_PATIENT_SUMMARY,
      run: (services, { params, body }, context) =>
        drafts.draft(context, services.policy, params.patientId, body.windowDays),
    }),
  };
}
