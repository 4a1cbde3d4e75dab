namespace Billing.Solana.Rpc;

public enum SignatureOutcome
{
    /// <summary>The node does not know the signature (yet). Final only once the blockhash has expired.</summary>
    NotFound,

    /// <summary>Executed successfully.</summary>
    Landed,

    /// <summary>Included in a block but failed (fee charged, no state change); see <see cref="SignatureCheck.Error"/>.</summary>
    Failed,
}
