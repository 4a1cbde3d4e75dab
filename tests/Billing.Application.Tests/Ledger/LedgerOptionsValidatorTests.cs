namespace Billing.Application.Tests.Ledger;

/// <summary>
/// The heartbeat interval (<c>Billing:Ledger:HeartbeatInterval</c>) is checked at start against the anchoring interval, and
/// the grace (<c>Billing:Ledger:AnchorGrace</c>) leaves room for a timer that fires late.
/// </summary>
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

    [Theory]
    [InlineData("00:01:00")] // the least: a timer's jitter and a run's confirmation wait (20 s) fit
    [InlineData("00:10:00")] // the default
    [InlineData("1.00:00:00")]
    public void Validate_UsableAnchorGrace_Succeeds(string grace)
    {
        var result = new LedgerOptionsValidator().Validate(null, new LedgerOptions { AnchorGrace = TimeSpan.Parse(grace, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("00:00:00")] // before: accepted, and a timer firing a second late made verify report a stall
    [InlineData("00:00:59")]
    [InlineData("-00:00:01")]
    [InlineData("1.00:00:01")]
    public void Validate_UnusableAnchorGrace_FailsNamingTheSettingAndTheLeast(string grace)
    {
        var result = new LedgerOptionsValidator().Validate(null, new LedgerOptions { AnchorGrace = TimeSpan.Parse(grace, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.False(result.Succeeded);
        Assert.Contains("Billing:Ledger:AnchorGrace must be between 1 minute and 1 day", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_Valid()
    {
        Assert.True(new LedgerOptionsValidator().Validate(null, new LedgerOptions()).Succeeded);
    }
}
