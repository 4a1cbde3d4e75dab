namespace Billing.Solana.Tests.TestSupport;

internal static class TestTimeouts
{
    /// <summary>A token that cancels a hung test instead of blocking the run forever.</summary>
    public static CancellationToken Token(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
