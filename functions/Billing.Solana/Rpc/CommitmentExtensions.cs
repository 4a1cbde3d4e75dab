namespace Billing.Solana.Rpc;

public static class CommitmentExtensions
{
    public static string ToRpcString(this Commitment commitment) => commitment switch
    {
        Commitment.Processed => "processed",
        Commitment.Confirmed => "confirmed",
        Commitment.Finalized => "finalized",
        _ => throw new ArgumentOutOfRangeException(nameof(commitment), commitment, null),
    };

    public static Commitment? ParseCommitment(string? value) => value switch
    {
        "processed" => Commitment.Processed,
        "confirmed" => Commitment.Confirmed,
        "finalized" => Commitment.Finalized,
        _ => null,
    };
}
