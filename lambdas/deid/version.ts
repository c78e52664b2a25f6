/** Recorded in every staging sidecar, run report and manifest: which engine produced a dataset. */
export const ENGINE_VERSION = 'wellgate-deid/1.0.0';
