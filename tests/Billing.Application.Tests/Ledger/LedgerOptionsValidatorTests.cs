namespace Billing.Application.Tests.Ledger;

/// <summary>The heartbeat interval (<c>Billing:Ledger:HeartbeatInterval</c>) is checked at start against the anchoring interval.</summary>
public class LedgerOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(TimeSpan heartbeat, TimeSpan? anchor = null) =>
        new LedgerOptionsValidator().Validate(null, new LedgerOptions { HeartbeatInterval = heartbeat, AnchorInterval = anchor ?? TimeSpan.FromMinutes(10) });

    [Theory]
    [InlineData("06:00:00")] // the default
    [InlineData("00:10:00")] // equal to the anchoring interval
    [InlineData("7.00:00:00")]
    public void Validate_UsableHeartbeatInterval_Succeeds(string heartbeat)
    {
        var result = Validate(TimeSpan.Parse(heartbeat, System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:01:00")]
    [InlineData("00:09:59")] // shorter than the anchoring interval: a heartbeat would be due before every anchor run
    [InlineData("7.00:00:01")]
    public void Validate_UnusableHeartbeatInterval_FailsNamingTheSetting(string heartbeat)
    {
        var result = Validate(TimeSpan.Parse(heartbeat, System.Globalization.CultureInfo.InvariantCulture));

        Assert.False(result.Succeeded);
        Assert.Contains("Billing:Ledger:HeartbeatInterval", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_Valid()
    {
        Assert.True(new LedgerOptionsValidator().Validate(null, new LedgerOptions()).Succeeded);
    }
}
