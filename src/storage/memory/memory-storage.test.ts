import { runStorageConformance } from "../conformance.case.js";
import { MemoryStorage } from "./memory-storage.js";

runStorageConformance("memory", async () => ({ storage: new MemoryStorage() }));
