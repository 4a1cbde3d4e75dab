using System.Text.Json.Nodes;

namespace Billing.Tests.Shared;

/// <summary>
/// What the two sample events share: a CloudEvents envelope (docs/contract.md §3) of <paramref name="Type"/> from
/// <paramref name="Source"/> around usage that ran for <paramref name="Duration"/> up to <paramref name="End"/>, the
/// event time. Optional attributes are left out while null; <see cref="ToJson"/> writes the attributes in the
/// contract's order, so every test project sends the same shape.
/// </summary>
public abstract record UsageEvent(string Type, string Source, string Id, DateTimeOffset End, TimeSpan Duration)
{
    public string? Subject { get; init; }

    public string? DataContentType { get; init; }

    public JsonObject ToJson()
    {
        var envelope = new JsonObject
        {
            ["specversion"] = "1.0",
            ["type"] = Type,
            ["source"] = Source,
            ["id"] = Id,
            ["time"] = SampleEvents.Time(End),
        };
        if (Subject is not null)
        {
            envelope["subject"] = Subject;
        }

        if (DataContentType is not null)
        {
            envelope["datacontenttype"] = DataContentType;
        }

        envelope["data"] = Data();
        return envelope;
    }

    public string ToJsonString() => ToJson().ToJsonString();

    protected abstract JsonObject Data();
}
