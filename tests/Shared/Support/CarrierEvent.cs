using System.Text.Json.Nodes;

namespace Billing.Tests.Shared;

/// <summary>A carrier offload session (<c>depin.carrier.offload.v1</c>) as carrier-tmo posts it; 15 minutes unless told.</summary>
public sealed record CarrierEvent(string Id, string Hotspot, long UploadBytes, long DownloadBytes, DateTimeOffset End)
    : UsageEvent("depin.carrier.offload.v1", "carrier-tmo", Id, End, TimeSpan.FromMinutes(15))
{
    public string RadioAccessTechnology { get; init; } = "wlan";

    public string? SubscriberHash { get; init; }

    public long? RewardableBytes { get; init; }

    /// <summary><c>data.sessionId</c>: the event id unless told (a carrier resending a session under a new id keeps it).</summary>
    public string? SessionId { get; init; }

    /// <summary>With every optional field a carrier may send: subject, content type, subscriber hash, rewardable bytes.</summary>
    public CarrierEvent Complete(string subscriberHash, long rewardableBytes) => this with
    {
        Subject = "hotspot/" + Hotspot,
        DataContentType = "application/json",
        SubscriberHash = subscriberHash,
        RewardableBytes = rewardableBytes,
    };

    protected override JsonObject Data()
    {
        var data = new JsonObject
        {
            ["sessionId"] = SessionId ?? Id,
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

        return data;
    }
}
