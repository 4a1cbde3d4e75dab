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

    private const string SystemProgramKey = "11111111111111111111111111111111";

    private static ValidateOptionsResult ValidateRetired(string? anchorKeypair, string? treasuryKeypair, params string[] entries)
    {
        var options = new LedgerOptions { AnchorKeypair = anchorKeypair };
        foreach (var entry in entries)
        {
            options.RetiredAnchorAuthorities.Add(entry);
        }

        return new LedgerOptionsValidator(Options.Create(new SolanaOptions { TreasuryKeypair = treasuryKeypair })).Validate(null, options);
    }

    [Theory]
    [InlineData("")]
    [InlineData(SystemProgramKey)]
    [InlineData(SystemProgramKey + ", TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA,")] // one comma-separated app setting
    public void Validate_RetiredAnchorAuthoritiesArePublicKeys_Succeeds(string entry)
    {
        var result = ValidateRetired(LedgerTestSetup.NewKeypairJson(), LedgerTestSetup.NewKeypairJson(), entry);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("not-base58-0OIl", "key 1")]
    [InlineData(SystemProgramKey + ",abc", "key 2")]
    [InlineData("1111111111111111111111111111111", "key 1")] // 31 bytes
    [InlineData("[174,47,154,16,202,193,206,113,199,190,53,133,169,175,31,56,222,53,138,189,224,216,117,173,10,149,53,45,73,251,237,246]", "key 1")] // a keypair's numbers
    public void Validate_RetiredAnchorAuthorityNotAPublicKey_FailsNamingItsPlaceNotItsValue(string entry, string place)
    {
        var result = ValidateRetired(null, null, entry);

        Assert.True(result.Failed);
        Assert.Contains($"Billing:Ledger:RetiredAnchorAuthorities: {place} is not a base58 public key (32 bytes)", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("174", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("0OIl", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RetiredAnchorAuthoritiesListTheAnchorKeypair_Fails()
    {
        string json = LedgerTestSetup.NewKeypairJson();
        using var current = Keypair.FromJson(json);

        var result = ValidateRetired(json, null, SystemProgramKey, current.PublicKey.ToString());

        Assert.True(result.Failed);
        Assert.Contains($"Billing:Ledger:RetiredAnchorAuthorities lists {current.PublicKey}, the current anchor authority", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RetiredAnchorAuthoritiesListTheTreasuryThatSignsAnchors_Fails()
    {
        string json = LedgerTestSetup.NewKeypairJson();
        using var treasury = Keypair.FromJson(json);

        var listed = ValidateRetired(null, json, treasury.PublicKey.ToString());
        var dedicated = ValidateRetired(LedgerTestSetup.NewKeypairJson(), json, treasury.PublicKey.ToString()); // the treasury signed before

        Assert.True(listed.Failed);
        Assert.Contains($"lists {treasury.PublicKey}, the current anchor authority", listed.FailureMessage, StringComparison.Ordinal);
        Assert.True(dedicated.Succeeded, dedicated.FailureMessage);
    }

    [Fact]
    public void Validate_TooManyRetiredAnchorAuthorities_Fails()
    {
        var result = ValidateRetired(null, null, [.. Enumerable.Repeat(SystemProgramKey, LedgerOptions.MaxRetiredAnchorAuthorities + 1)]);

        Assert.True(result.Failed);
        Assert.Contains("Billing:Ledger:RetiredAnchorAuthorities lists 17 keys, at most 16", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_Valid()
    {
        Assert.True(new LedgerOptionsValidator().Validate(null, new LedgerOptions()).Succeeded);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(10_000, true)] // the default
    [InlineData(100_000, true)]
    [InlineData(100_001, false)]
    public void Validate_IndexBackfillEntriesPerRun_AcceptedBetweenOneAndAHundredThousand(int perRun, bool accepted)
    {
        var result = new LedgerOptionsValidator().Validate(null, new LedgerOptions { IndexBackfillEntriesPerRun = perRun });

        Assert.Equal(accepted, result.Succeeded);
        if (!accepted)
        {
            Assert.Contains("Billing:Ledger:IndexBackfillEntriesPerRun", result.FailureMessage, StringComparison.Ordinal);
        }
    }
}

