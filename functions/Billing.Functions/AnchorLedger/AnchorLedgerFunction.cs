namespace Billing.Functions.AnchorLedger;

/// <summary>Timer (every minute locally): anchors the Merkle root of new ledger entries on Solana.</summary>
public sealed class AnchorLedgerFunction(LedgerAnchorService anchors) : IInvocationFunction
{
    public static string Name => "AnchorLedger";

    public async Task<InvocationResponse> InvokeAsync(InvocationRequest invocation, CancellationToken cancellationToken) =>
        new() { ReturnValue = JsonSerializer.SerializeToNode(await anchors.RunAsync(cancellationToken).ConfigureAwait(false)) };
}
