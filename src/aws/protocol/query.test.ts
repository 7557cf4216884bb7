import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseQueryParams, queryError, querySuccess } from "./query.js";
import { AwsError } from "./operation.js";

describe("query protocol", () => {
  it("nests numbered and member lists", () => {
    const parsed = parseQueryParams(
      new URLSearchParams(
        "Action=DescribeSubnets&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1&Filter.1.Value.2=vpc-2&Filter.2.Name=az&Filter.2.Value.1=a&Tags.member.1.Key=k&SubnetId.1=s1",
      ),
    );
    assert.deepEqual(parsed, {
      Action: "DescribeSubnets",
      Filter: [
        { Name: "vpc-id", Value: ["vpc-1", "vpc-2"] },
        { Name: "az", Value: ["a"] },
      ],
      Tags: [{ Key: "k" }],
      SubnetId: ["s1"],
    });
  });

  it("does not leave holes for skipped positions", () => {
    assert.deepEqual(parseQueryParams(new URLSearchParams("SubnetId.3=c&SubnetId.1=a")), { SubnetId: ["a", "c"] });
  });

  it("writes ec2 replies with item lists and escapes text", () => {
    const reply = querySuccess("ec2", "DescribeVpcs", "http://ec2.amazonaws.com/doc/2016-11-15/", {
      vpcSet: [{ vpcId: "vpc-1", isDefault: true, tagSet: [{ key: "Name", value: "a<b" }] }],
    }, "r1");
    assert.match(reply.body, /<DescribeVpcsResponse xmlns="http:\/\/ec2.amazonaws.com\/doc\/2016-11-15\/"><requestId>r1<\/requestId>/);
    assert.match(reply.body, /<vpcSet><item><vpcId>vpc-1<\/vpcId><isDefault>true<\/isDefault><tagSet><item><key>Name<\/key><value>a&lt;b<\/value><\/item><\/tagSet><\/item><\/vpcSet>/);
  });

  it("writes query errors in the ErrorResponse shape", () => {
    const reply = queryError("query", "https://sts.amazonaws.com/doc/2011-06-15/", new AwsError("InvalidAction", "nope"), "r2");
    assert.equal(reply.status, 400);
    assert.match(reply.body, /<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code><Message>nope<\/Message><\/Error><RequestId>r2<\/RequestId><\/ErrorResponse>/);
  });

  it("writes ec2 errors in the Response/Errors shape", () => {
    const reply = queryError("ec2", "", new AwsError("InvalidSubnetID.NotFound", "gone"), "r3");
    assert.match(reply.body, /<Response><Errors><Error><Code>InvalidSubnetID.NotFound<\/Code><Message>gone<\/Message><\/Error><\/Errors><RequestID>r3<\/RequestID><\/Response>/);
  });
});
