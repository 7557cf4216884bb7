import { StatusError } from "./status.js";

/** For tests: the Status error a request fails with (fails the test if it succeeds or fails otherwise). */
export async function refusal(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof StatusError) return error;
    throw error;
  }
  throw new Error("the request succeeded");
}
