/**
 * Service-account issuer discovery (kube-apiserver's ServiceAccountIssuerDiscovery,
 * pkg/serviceaccount/openidmetadata.go and pkg/routes/openidmetadata.go): the OIDC provider
 * configuration of the token issuer and the JWKS that verifies its tokens, pre-rendered once,
 * served as non-resource URLs that `system:service-account-issuer-discovery` grants.
 */

export const OPENID_CONFIGURATION_PATH = "/.well-known/openid-configuration";
export const JWKS_PATH = "/openid/v1/jwks";
/** Overrides the API server's usual `no-cache, private`: relying parties may cache an hour. */
export const DISCOVERY_CACHE_CONTROL = "public, max-age=3600";
/** RFC 7517 §8.5.1. */
export const JWKS_CONTENT_TYPE = "application/jwk-set+json";

/** The two documents, as the exact bytes served. */
export interface IssuerDiscovery {
  configuration: string;
  keys: string;
}

/**
 * NewOpenIDMetadataProvider: undefined (the endpoints are not installed) when the issuer is not an
 * https URL without query or fragment, as upstream refuses such issuers. `jwksUri` is
 * --service-account-jwks-uri, else https://<external address>/openid/v1/jwks.
 */
export function issuerDiscovery(issuer: string, jwksUri: string, keys: Record<string, string>[]): IssuerDiscovery | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" || url.search || url.hash || keys.length === 0) return undefined;
  // Field order and names of openIDMetadata; the algorithms sorted and deduplicated (sets.String.List).
  const configuration = {
    issuer,
    jwks_uri: jwksUri,
    response_types_supported: ["id_token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: [...new Set(keys.map((k) => k.alg ?? ""))].sort(),
  };
  return { configuration: JSON.stringify(configuration), keys: JSON.stringify({ keys }) };
}

/** The default jwks_uri: the API server's external address (EKS: the instance's private DNS name, port 443). */
export const defaultJwksUri = (externalAddress: string): string => `https://${externalAddress}${JWKS_PATH}`;
