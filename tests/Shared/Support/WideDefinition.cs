using System.Text.Json.Nodes;

namespace Billing.Tests.Shared;

/// <summary>
/// An event type definition (<c>meters/*.json</c> format) whose one SUM meter, <c>wide.amount</c>, has many dimensions over
/// string fields of 256 characters: the widest readings a fact can be made to carry.
/// </summary>
public static class WideDefinition
{
    public const string Type = "acme.wide.usage.v1";

    /// <summary>The definition's text: fields <c>amount</c> (0–1,000) and <c>f0</c>…, dimensions <c>d0</c>… over them.</summary>
    public static string Json(int dimensions)
    {
        var fields = new JsonObject { ["amount"] = new JsonObject { ["type"] = "integer", ["min"] = 0, ["max"] = 1000 } };
        var dims = new JsonObject();
        for (int i = 0; i < dimensions; i++)
        {
            fields["f" + i] = new JsonObject { ["type"] = "string", ["maxLength"] = 256 };
            dims["d" + i] = "f" + i;
        }

        var meter = new JsonObject
        {
            ["name"] = "wide.amount", ["description"] = "amount", ["aggregation"] = "SUM", ["value"] = "amount", ["unit"] = "u", ["dimensions"] = dims,
        };
        return new JsonObject
        {
            ["type"] = Type, ["description"] = "wide", ["postedBy"] = "provider", ["payer"] = "source", ["fields"] = fields, ["meters"] = new JsonArray(meter),
        }.ToJsonString();
    }
}
