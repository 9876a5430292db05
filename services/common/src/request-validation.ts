import type { OpenApiValidatorOpts } from 'express-openapi-validator/dist/framework/types';

/**
 * How every request is checked against its OpenAPI spec (express-openapi-validator): by the
 * services' pipeline (app.ts) and by the k6 shim's contract check (loadtest/shim/contract.ts),
 * which must reject exactly what the services reject. Unknown query parameters are refused,
 * nothing is coerced, formats are checked in full. Has no imports but types, so that plain
 * Node (type stripping) can load it from the shim.
 */
export const requestValidationOptions = {
  $refParser: { mode: 'bundle' },
  validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false },
  validateFormats: true,
  ajvFormats: { mode: 'full' },
  ignoreUndocumented: false,
} as const satisfies Partial<OpenApiValidatorOpts>;
