using System.Text.Json.Nodes;

namespace Billing.Tests.Shared;

/// <summary>
/// A carrier offload session (CONTRACT §3, <c>depin.carrier.offload.v1</c>) as a partner posts it. The required
/// fields are the constructor's; optional attributes and data fields are left out while null. <see cref="ToJson"/>
/// writes them in the contract's order, so every test project sends the same shape.
/// </summary>
public sealed record CarrierEvent(string Id, string Hotspot, long UploadBytes, long DownloadBytes, DateTimeOffset End)
{
    public const string Type = "depin.carrier.offload.v1";

    public string Source { get; init; } = "carrier-tmo";

    public string RadioAccessTechnology { get; init; } = "wlan";

    /// <summary>How long the session ran: <c>startTime</c> is <see cref="End"/> minus this.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(15);

    public string? Subject { get; init; }

    public string? DataContentType { get; init; }

    public string? SubscriberHash { get; init; }

    public long? RewardableBytes { get; init; }

    /// <summary>With every optional field a carrier may send: subject, content type, subscriber hash, rewardable bytes.</summary>
    public CarrierEvent Complete(string subscriberHash, long rewardableBytes) => this with
    {
        Subject = "hotspot/" + Hotspot,
        DataContentType = "application/json",
        SubscriberHash = subscriberHash,
        RewardableBytes = rewardableBytes,
    };

    public JsonObject ToJson()
    {
        var data = new JsonObject
        {
            ["sessionId"] = Id,
            ["hotspotId"] = Hotspot,
        };
        if (SubscriberHash is not null)
        {
            data["subscriberHash"] = SubscriberHash;
        }

        data["radioAccessTechnology"] = RadioAccessTechnology;
        data["startTime"] = SampleEvents.Time(End - Duration);
        data["endTime"] = SampleEvents.Time(End);
        data["uploadBytes"] = UploadBytes;
        data["downloadBytes"] = DownloadBytes;
        if (RewardableBytes is { } rewardable)
        {
            data["rewardableBytes"] = rewardable;
        }

        return SampleEvents.Envelope(Type, Source, Id, End, Subject, DataContentType, data);
    }

    public string ToJsonString() => ToJson().ToJsonString();
}
