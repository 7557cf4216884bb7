import { z } from "zod";
import type { GetCallerIdentityResponse } from "@aws-sdk/client-sts";
import { operation, type AwsService } from "../../protocol/operation.js";

/** STS: who am I. The presigned form of GetCallerIdentity is what EKS tokens carry. */
export function createStsService(): AwsService {
  return {
    signingName: "sts",
    protocol: "query",
    xmlNamespace: "https://sts.amazonaws.com/doc/2011-06-15/",
    validationErrorCode: "ValidationError",
    unknownKeyErrorCode: "InvalidClientTokenId",
    operations: [
      operation({
        name: "GetCallerIdentity",
        input: z.object({}).passthrough(),
        handler: (_input, ctx): GetCallerIdentityResponse => ({
          UserId: ctx.principal.userId,
          Account: ctx.accountId,
          Arn: ctx.principal.arn,
        }),
      }),
    ],
  };
}
