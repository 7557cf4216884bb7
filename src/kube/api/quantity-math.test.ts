import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { addLists, canonicalQuantity, formatMilli, listToJson, parseMilli, parseResourceList } from "./quantity-math.js";

describe("quantity arithmetic", () => {
  it("parses exactly into milli-units, rounding up below a milli", () => {
    assert.deepEqual(parseMilli("1.5"), { milli: 1500n, binary: false });
    assert.deepEqual(parseMilli("128Mi"), { milli: 128n * 1024n * 1024n * 1000n, binary: true });
    assert.deepEqual(parseMilli("1e3"), { milli: 1_000_000n, binary: false });
    assert.deepEqual(parseMilli("100u"), { milli: 1n, binary: false });
    assert.equal(parseMilli("1.5.5"), undefined);
    assert.equal(parseMilli("10 m"), undefined);
  });

  it("prints Quantity.String()'s canonical forms", () => {
    assert.deepEqual(["1500m", "2000m", "0.5", "1024Mi", "1536Mi", "1000", "2000000", "1.5Gi", "0"].map(canonicalQuantity), ["1500m", "2", "500m", "1Gi", "1536Mi", "1k", "2M", "1536Mi", "0"]);
    assert.equal(formatMilli({ milli: 1500n, binary: true }), "1500m");
  });

  it("sums keep the first non-zero operand's format", () => {
    const zero = parseResourceList({ "requests.memory": "0" });
    const sum = addLists(addLists(zero, parseResourceList({ "requests.memory": "128Mi" })), parseResourceList({ "requests.memory": "128Mi", "requests.cpu": "250m" }));
    assert.deepEqual(listToJson(sum), { "requests.cpu": "250m", "requests.memory": "256Mi" });
  });
});
