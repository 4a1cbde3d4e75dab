using Microsoft.Extensions.Configuration;

namespace Billing.Functions.Tests.Infrastructure;

public class StartupValidationTests
{
    /// <summary>Composes the app from <paramref name="settings"/> and validates them as Program.cs does at start.</summary>
    internal static void Build(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddBillingFunctions();
        using var app = builder.Build();
        BillingFunctionsApp.ValidateSettings(app.Services);
    }

    internal static Dictionary<string, string?> Valid() => new()
    {
        ["Billing:Storage:ConnectionString"] = "UseDevelopmentStorage=true",
        ["Billing:Publishing:DevHostEndpoint"] = "http://127.0.0.1:7071/",
        ["Billing:Burns:FixedPrice"] = "2.50",
        ["Billing:Stripe:WebhookSecret"] = "whsec_dev_local_only", // local runs set it (local.settings.sample.json); no default
        ["Billing:Partners:Seed"] = "true",
        ["Billing:Partners:Items:0:Id"] = "carrier-tmo",
        ["Billing:Partners:Items:0:Role"] = "Carrier",
        ["Billing:Partners:Items:0:ApiKey"] = "dev-carrier-tmo-key",
        ["Billing:Partners:Items:0:PlanId"] = "carrier-standard-v1",
        ["Billing:Invoicing:CloseSchedule"] = "0 30 0 * * *",
        ["Billing:Burns:Schedule"] = "*/10 * * * * *",
        ["Billing:Ledger:AnchorSchedule"] = "0 */10 * * *", // five fields: the host takes them too
    };

    /// <summary>The timer functions of the app's source: each folder with a timer trigger, and the schedule its function.json names.</summary>
    internal static IEnumerable<(string Folder, string Schedule)> SourceTimers()
    {
        var folders = Directory.EnumerateDirectories(Path.Combine(RepositoryRoot.Path, "functions", "Billing.Functions")).Order(StringComparer.Ordinal);
        foreach (string file in folders.Select(d => Path.Combine(d, "function.json")).Where(File.Exists))
        {
            foreach (var binding in JsonNode.Parse(File.ReadAllText(file))!["bindings"]!.AsArray().Where(b => (string?)b!["type"] == "timerTrigger"))
            {
                yield return (Path.GetFileName(Path.GetDirectoryName(file)!), (string)binding!["schedule"]!);
            }
        }
    }

    /// <summary>The settings the timer functions' schedules are read from (<c>"schedule": "%name%"</c> in their function.json).</summary>
    public static TheoryData<string> TimerScheduleSettings()
    {
        var data = new TheoryData<string>();
        foreach (var (_, schedule) in SourceTimers())
        {
            Assert.Matches("^%[^%]+%$", schedule); // a schedule written into function.json cannot differ between deployments
            data.Add(schedule.Trim('%'));
        }

        Assert.NotEmpty(data);
        return data;
    }

    [Fact]
    public void ValidateSettings_LocalDefaults_Pass()
    {
        Build(Valid());
    }

    [Fact]
    public void ValidateSettings_InvalidEventTypeDefinition_StopsStartNamingFileAndField()
    {
        using var meters = MetersWithUnknownField();
        var settings = Valid();
        settings["Billing:Meters:Directory"] = meters.Path;

        var e = Record.Exception(() => Build(settings));

        var invalid = Assert.IsType<Billing.Domain.Definitions.DefinitionValidationException>(e);
        Assert.Equal(UnknownFieldMessage, invalid.Message);
    }

    // The executable's start: a bad definition was thrown past the handler's catch (plans and settings only), a stack trace.
    [Fact]
    public void TryBuild_InvalidEventTypeDefinition_RefusesWithOneLine()
    {
        using var meters = MetersWithUnknownField();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(Valid()) { ["Billing:Meters:Directory"] = meters.Path });
        using var error = new StringWriter();

        var app = BillingStartup.TryBuild(builder, error);

        Assert.Null(app);
        Assert.Equal($"Billing.Functions cannot start: {UnknownFieldMessage}{Environment.NewLine}", error.ToString());
    }

    [Fact]
    public void TryBuild_BadSetting_RefusesWithOneLineNamingIt()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(Valid()) { ["Billing:Storage:FactShards"] = "0" });
        using var error = new StringWriter();

        Assert.Null(BillingStartup.TryBuild(builder, error));
        Assert.StartsWith("Billing.Functions cannot start: ", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("FactShards", error.ToString(), StringComparison.Ordinal);
    }

    private const string UnknownFieldMessage = "Invalid event type definition depin.render.job.v1.json: meters[1].value: unknown field 'octanebench'";

    /// <summary>A meters folder holding the shipped render definition with one misspelt field.</summary>
    private static TempMeters MetersWithUnknownField()
    {
        var dir = Directory.CreateTempSubdirectory("meters-");
        string render = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "functions", "Billing.Functions", "meters", "depin.render.job.v1.json"))
            .Replace("startTime) * octaneBench", "startTime) * octanebench", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(dir.FullName, "depin.render.job.v1.json"), render);
        return new TempMeters(dir);
    }

    private sealed class TempMeters(DirectoryInfo dir) : IDisposable
    {
        public string Path => dir.FullName;

        public void Dispose() => dir.Delete(recursive: true);
    }

    [Theory]
    [InlineData("Billing:Storage:ConnectionString", "", "ConnectionString")]
    [InlineData("Billing:Storage:FactShards", "0", "FactShards")]
    [InlineData("Billing:Storage:TablePrefix", "bad-prefix!", "TablePrefix")]
    [InlineData("Billing:Partners:Items:0:ApiKey", "short", "ApiKey")]
    [InlineData("Billing:Partners:Items:0:PlanId", "", "PlanId")]
    [InlineData("Billing:Partners:Items:0:Id", "bad|id", "Id")]
    [InlineData("Billing:Partners:Items:0:Providers", "provider-nobody", "Billing:Partners:Items:0:Providers names 'provider-nobody', which is no configured provider")]
    [InlineData("Billing:Partners:Items:0:Providers", "carrier-tmo, carrier-tmo", "Billing:Partners:Items:0:Providers lists 'carrier-tmo' more than once")] // a comma-separated list
    [InlineData("Billing:Partners:Items:0:Id", "_unknown", "reserved")] // quarantine's partition for events of no readable source
    [InlineData("Billing:Partners:Items:0:Id", "carrier tmo", "Id")] // a payer's id is part of its invoice ids, which hold no whitespace
    [InlineData("Billing:Partners:Items:0:Id", "carrier\u3000tmo", "Id")]
    [InlineData("Billing:Partners:Items:0:Id", "carrier-\U0001F600", "Id")] // nor its ledger accounts (receivable:{payer}) a surrogate
    [InlineData("Billing:Partners:Items:0:Id", "\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600", "once escaped")]
    [InlineData("Billing:Publishing:DevHostEndpoint", "", "Billing:Publishing:FullyQualifiedNamespace")]
    [InlineData("Billing:Publishing:DevHostEndpoint", "http://eventhubs.example.com/", "Billing:Publishing:DevHostEndpoint")]
    [InlineData("Billing:Burns:FixedPrice", "", "PythPriceAccount")]
    [InlineData("Billing:Burns:FixedPrice", "two", "FixedPrice")]
    [InlineData("Billing:Burns:FixedPrice", "2.5000000000000000000", "FixedPrice")] // 19 decimals: every burn waited, "no price"
    [InlineData("Billing:Burns:FixedPrice", "79228162514264337593543950335", "FixedPrice")] // beyond a long: every burn failed
    [InlineData("Billing:Burns:MinTokenPriceUsd", "0", "Billing:Burns:MinTokenPriceUsd")]
    [InlineData("Billing:Burns:MinTokenPriceUsd", "2.5000000000000000000", "Billing:Burns:MinTokenPriceUsd")] // 19 decimals
    [InlineData("Billing:Burns:MaxTokenPriceUsd", "1,00", "Billing:Burns:MaxTokenPriceUsd")]
    [InlineData("Billing:Burns:MaxTokenPriceUsd", "79228162514264337593543950335", "Billing:Burns:MaxTokenPriceUsd")] // beyond a quote
    [InlineData("Billing:Burns:MinTokenPriceUsd", "3.00", "Billing:Burns:FixedPrice 2.50 is outside the price band")] // every burn would wait
    [InlineData("Billing:Burns:MaxTokenPriceUsd", "2.49", "Billing:Burns:FixedPrice 2.50 is outside the price band")]
    [InlineData("Billing:Burns:MaxPriceAge", "02:00:00", "MaxPriceAge")]
    [InlineData("Billing:Burns:MaxPriceConfidenceBasisPoints", "10001", "MaxPriceConfidenceBasisPoints")]
    [InlineData("Billing:Burns:MaxPriceConfidenceBasisPoints", "-1", "MaxPriceConfidenceBasisPoints")]
    [InlineData("Billing:Stripe:WebhookSecret", "not-a-secret", "WebhookSecret")]
    [InlineData("Billing:Stripe:SecretKey", "pk_live_123", "SecretKey")]
    [InlineData("Billing:Invoicing:CloseGrace", "30.00:00:00", "CloseGrace")]
    [InlineData("Billing:Invoicing:Issuer:Email", "billing at example", "Billing:Invoicing:Issuer:Email")]
    [InlineData("Billing:Metering:LagWarning", "00:00:10", "Billing:Metering:LagWarning")]
    [InlineData("Billing:Solana:Mint", "So11111111111111111111111111111111111111112\u00e9", "Billing:Solana:Mint")]
    [InlineData("Billing:Solana:Mint", "not-base58-0OIl", "Billing:Solana:Mint")]
    [InlineData("Billing:Solana:TreasuryKeypair", "[1,2,3]", "Billing:Solana:TreasuryKeypair")]
    [InlineData("Billing:Solana:RpcUrl", "ftp://example.org", "Billing:Solana:RpcUrl")]
    [InlineData("Billing:Burns:PythPriceAccount", "\u00e9\u00e9\u00e9", "Billing:Burns:PythPriceAccount")]
    [InlineData("Billing:Burns:RetiredTreasuryOwners", "not-a-key", "Billing:Burns:RetiredTreasuryOwners")]
    [InlineData("Billing:Burns:RetiredTreasuryOwners:0", "[1,2,3]", "Billing:Burns:RetiredTreasuryOwners")]
    [InlineData("Billing:Ledger:RetiredAnchorAuthorities", "11111111111111111111111111111111,not-a-key", "Billing:Ledger:RetiredAnchorAuthorities")]
    [InlineData("Billing:Ledger:RetiredAnchorAuthorities:0", "[1,2,3]", "Billing:Ledger:RetiredAnchorAuthorities")]
    public void ValidateSettings_BadSetting_FailsFastNamingIt(string key, string value, string expected)
    {
        var settings = Valid();
        settings[key] = value;

        var ex = Assert.Throws<OptionsValidationException>(() => Build(settings));

        Assert.Contains(expected, ex.Message);
    }

    // The public local secret was the default: a deployment that left the setting out accepted webhooks anyone could sign.
    [Fact]
    public void ValidateSettings_WebhookSecretMissing_FailsFastNamingIt()
    {
        var settings = Valid();
        settings.Remove("Billing:Stripe:WebhookSecret");

        var ex = Assert.Throws<OptionsValidationException>(() => Build(settings));

        Assert.Contains("Billing:Stripe:WebhookSecret is required", ex.Message, StringComparison.Ordinal);
    }

    // The host indexes a timer only when its schedule setting exists and is NCRONTAB, and says so nowhere the operator looks:
    // the handler, which the host starts with the same settings, refuses to start instead, naming the setting.
    [Theory]
    [MemberData(nameof(TimerScheduleSettings))]
    public void ValidateSettings_TimerScheduleMissing_FailsFastNamingIt(string key)
    {
        var settings = Valid();
        Assert.True(settings.Remove(key), $"{key} is no setting of Valid()");

        var ex = Assert.Throws<OptionsValidationException>(() => Build(settings));

        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Billing:Invoicing:CloseSchedule", "")]
    [InlineData("Billing:Invoicing:CloseSchedule", "daily")]
    [InlineData("Billing:Burns:Schedule", "*/10 * * * * * *")] // seven fields
    [InlineData("Billing:Ledger:AnchorSchedule", "0 61 * * * *")] // minute 61
    [InlineData("Billing:Ledger:AnchorSchedule", "00:10:00")] // a TimeSpan: App Service plans only, not Flex Consumption
    public void ValidateSettings_TimerScheduleNotNcrontab_FailsFastNamingIt(string key, string value)
    {
        var settings = Valid();
        settings[key] = value;

        var ex = Assert.Throws<OptionsValidationException>(() => Build(settings));

        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("closeGrace", "Billing:Invoicing:CloseGrace")]
    [InlineData("maxCloseAge", "Billing:Invoicing:MaxCloseAge")]
    public void ValidateSettings_InfraDefault_PassesAndBindsAsWritten(string parameter, string key)
    {
        // The Bicep default is what an Azure deployment runs with: it must start the app and mean what it says.
        string bicep = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "infra", "main.bicep"));
        var match = System.Text.RegularExpressions.Regex.Match(bicep, $@"^param {parameter} string = '([^']*)'$", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(match.Success, $"infra/main.bicep declares no string parameter {parameter} with a default");
        var settings = Valid();
        settings[key] = match.Groups[1].Value;

        Build(settings);

        var bound = new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetValue<TimeSpan>(key);
        Assert.Equal(TimeSpan.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), bound);
        Assert.True(bound >= TimeSpan.FromHours(1), $"{parameter} = {bound}: a d.hh:mm:ss value read as something else");
    }

    [Fact]
    public void ValidateSettings_PriceBandAroundTheFixedPrice_Passes()
    {
        var settings = Valid();
        settings["Billing:Burns:MinTokenPriceUsd"] = "1.00";
        settings["Billing:Burns:MaxTokenPriceUsd"] = "10.00";

        Build(settings);
    }

    [Fact]
    public void ValidateSettings_TwoPartnersShareAKey_Fails()
    {
        var settings = Valid();
        settings["Billing:Partners:Items:1:Id"] = "finance";
        settings["Billing:Partners:Items:1:Role"] = "Finance";
        settings["Billing:Partners:Items:1:ApiKey"] = "dev-carrier-tmo-key";

        Assert.Contains("share an API key", Assert.Throws<OptionsValidationException>(() => Build(settings)).Message);
    }
}
