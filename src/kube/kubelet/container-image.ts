import { createHash } from "node:crypto";

/** Simulated image and container identities: deterministic, so a restart reproduces them. */

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** How containerd names an image reference: `nginx` → `docker.io/library/nginx:latest`. */
export function normalizeImage(image: string): string {
  const [ref = "", digest] = image.split("@");
  const slash = ref.indexOf("/");
  const first = slash < 0 ? "" : ref.slice(0, slash);
  const hasRegistry = first.includes(".") || first.includes(":") || first === "localhost";
  let name = hasRegistry ? ref : `docker.io/${slash < 0 ? `library/${ref}` : ref}`;
  const lastPart = name.slice(name.lastIndexOf("/") + 1);
  if (!digest && !lastPart.includes(":")) name += ":latest";
  return digest ? `${name}@${digest}` : name;
}

/** `docker.io/library/nginx@sha256:…`: the repository with the (simulated) digest of the image. */
export function imageId(image: string): string {
  const normalized = normalizeImage(image);
  const at = normalized.indexOf("@");
  if (at >= 0) return normalized;
  const repository = normalized.slice(0, normalized.lastIndexOf(":") > normalized.lastIndexOf("/") ? normalized.lastIndexOf(":") : undefined);
  return `${repository}@sha256:${sha256(`image/${normalized}`)}`;
}

/** A plausible compressed size for the image, stable per reference (for the Pulled event). */
export const imageSizeBytes = (image: string): number => 20_000_000 + (parseInt(sha256(`size/${normalizeImage(image)}`).slice(0, 8), 16) % 180_000_000);

/** `containerd://<64 hex>` for one run of a container. */
export const containerId = (podUid: string, container: string, attempt: number): string => `containerd://${sha256(`container/${podUid}/${container}/${attempt}`)}`;

/** The sandbox id CRI reports for a pod (named in FailedCreatePodSandBox). */
export const sandboxId = (podUid: string): string => sha256(`sandbox/${podUid}`);
