namespace Billing.Domain.Events;

/// <summary>CloudEvents <c>type</c> values the platform accepts.</summary>
public static class EventTypes
{
    public const string CarrierOffloadV1 = "depin.carrier.offload.v1";
    public const string ComputeUsageV1 = "depin.compute.usage.v1";

    /// <summary>The known type spelled by <paramref name="utf8"/>, or null.</summary>
    public static string? Find(ReadOnlySpan<byte> utf8) =>
        utf8.SequenceEqual("depin.carrier.offload.v1"u8) ? CarrierOffloadV1
        : utf8.SequenceEqual("depin.compute.usage.v1"u8) ? ComputeUsageV1
        : null;
}
