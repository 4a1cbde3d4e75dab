namespace Billing.DevHost.Tests;

public class RestartBackoffTests
{
    [Theory]
    [InlineData(0, 250)]
    [InlineData(1, 500)]
    [InlineData(3, 2_000)]
    [InlineData(7, 30_000)]
    [InlineData(1_000, 30_000)]
    public void Delay_Default_DoublesFromAQuarterSecondUpToThirtySeconds(int attempt, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), RestartBackoff.Default.Delay(attempt));
    }
}
