/**
 * Facts about regions: their availability zones and the zone ids that name the physical zone.
 * Regions not listed get three zones a–c, as most regions have.
 */
const zoneLetters: Record<string, string> = {
  "us-east-1": "abcdef",
  "us-east-2": "abc",
  "us-west-1": "ac",
  "us-west-2": "abcd",
  "ap-northeast-1": "acd",
  "ap-northeast-2": "abcd",
  "ap-northeast-3": "abc",
  "ap-southeast-1": "abc",
  "ap-southeast-2": "abc",
  "ap-south-1": "abc",
  "ca-central-1": "abd",
  "eu-central-1": "abc",
  "eu-west-1": "abc",
  "eu-west-2": "abc",
  "eu-west-3": "abc",
  "eu-north-1": "abc",
  "sa-east-1": "abc",
};

/** `ap-northeast-2` → `apne2`, the prefix of zone ids such as `apne2-az1`. */
function zoneIdPrefix(region: string): string {
  const [area = "", direction = "", number = ""] = region.split("-");
  const compass: Record<string, string> = {
    east: "e", west: "w", north: "n", south: "s", central: "c",
    northeast: "ne", northwest: "nw", southeast: "se", southwest: "sw",
  };
  return `${area}${compass[direction] ?? direction.slice(0, 2)}${number}`;
}

export interface AvailabilityZone {
  zoneName: string;
  zoneId: string;
}

export function availabilityZones(region: string): AvailabilityZone[] {
  const letters = zoneLetters[region] ?? "abc";
  return [...letters].map((letter, i) => ({ zoneName: `${region}${letter}`, zoneId: `${zoneIdPrefix(region)}-az${i + 1}` }));
}
