using System.Reflection;
using System.Text.RegularExpressions;
using Billing.Application.Burns;
using Microsoft.Extensions.Configuration;

namespace Billing.Functions.Tests.Infrastructure;

/// <summary>
/// infra/main.bicep against the app's real configuration: what a deployment with only the parameters an operator must
/// give writes into the function app's settings, read from the template the Bicep CLI compiles and evaluates.
/// </summary>
public partial class MainBicepTests
{
    private static readonly string FunctionsDirectory = Path.Combine(RepositoryRoot.Path, "functions", "Billing.Functions");

    [Fact]
    public void Deployment_RequiredParametersOnly_AppPassesStartupValidation()
    {
        // The secrets exist (deploy.sh wrote them, or the operator set them as infra/README.md says).
        var settings = TemplateSnapshot.Of().AppConfiguration(TemplateSnapshot.SampleSecrets);

        var failure = Record.Exception(() => StartupValidationTests.Build(settings));

        Assert.True(failure is null, $"an Azure deployment with only main.bicep's required parameters does not start: {failure?.Message}");
    }

    [Fact]
    public void Deployment_PriceBand_ReachesTheBurnSettingsAndTheAppStarts()
    {
        var settings = TemplateSnapshot.Of(new Dictionary<string, object> { ["minTokenPriceUsd"] = "0.50", ["maxTokenPriceUsd"] = "20" }).AppConfiguration(TemplateSnapshot.SampleSecrets);

        var burns = new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(BurnOptions.Section).Get<BurnOptions>()!;

        Assert.Equal(("0.50", "20"), (burns.MinTokenPriceUsd, burns.MaxTokenPriceUsd));
        var failure = Record.Exception(() => StartupValidationTests.Build(settings));
        Assert.True(failure is null, failure?.Message);
        Assert.False(TemplateSnapshot.Of().AppConfiguration(TemplateSnapshot.SampleSecrets).ContainsKey("Billing:Burns:MinTokenPriceUsd")); // empty: no bound, not an empty setting
    }

    [Fact]
    public void Deployment_RequiredParametersOnly_NoLocalDevelopmentValueReachesAzure()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(TemplateSnapshot.Of().AppConfiguration(TemplateSnapshot.SampleSecrets)).Build();

        var issuer = configuration.GetSection(InvoiceIssuerOptions.Section).Get<InvoiceIssuerOptions>() ?? new InvoiceIssuerOptions();
        var burns = configuration.GetSection(BurnOptions.Section).Get<BurnOptions>() ?? new BurnOptions();
        var partners = configuration.GetSection(PartnerOptions.Section).Get<PartnerOptions>() ?? new PartnerOptions();

        Assert.NotEqual(new InvoiceIssuerOptions().Name, issuer.Name); // printed on every invoice
        Assert.Equal(TemplateSnapshot.RequiredSamples["invoiceIssuerName"], issuer.Name);
        Assert.True(string.IsNullOrEmpty(burns.FixedPrice), "a made-up token price");
        Assert.False(partners.Seed, "the development partners and their well-known keys");
        Assert.NotEqual(StripeOptions.LocalWebhookSecret, configuration["Billing:Stripe:WebhookSecret"]);
    }

    [Fact]
    public void Deployment_EveryBillingSetting_BindsToAnOptionsPropertyOrAFunctionJsonReference()
    {
        var settings = TemplateSnapshot.Of(new Dictionary<string, object> { ["publishingHotPayers"] = new[] { "carrier-tmo" } }).AppConfiguration(TemplateSnapshot.SampleSecrets);
        var hostOnly = FunctionJsonSettingReferences().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var sections = OptionsSections();
        var unbound = new List<string>();

        foreach (string key in settings.Keys.Where(k => k.StartsWith("Billing:", StringComparison.Ordinal) && !hostOnly.Contains(k)))
        {
            // The most specific options section the key lies in, bound alone so that an unknown key is an error.
            var (section, type) = sections.Where(s => key.StartsWith(s.Section + ":", StringComparison.OrdinalIgnoreCase)).MaxBy(s => s.Section.Length);
            if (type is null)
            {
                unbound.Add($"{key}: no options class binds a section it lies in");
                continue;
            }

            var single = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = settings[key] }).Build();
            var error = Record.Exception(() => single.GetSection(section).Get(type, o => o.ErrorOnUnknownConfiguration = true));
            if (error is not null)
            {
                unbound.Add($"{key}: {error.Message}");
            }
        }

        Assert.True(unbound.Count == 0, "settings the app never reads (misspelled or dead):\n" + string.Join('\n', unbound));
    }

    // Azure table names are 3-63 letters and digits, and the prefix goes before every table's name: the longest name decides
    // how long a prefix can be, in the app's validation and in the template alike. Unless Billing:Ledger:Name is set the
    // prefix also names the ledger on chain, which is at most AnchorMemo.MaxLedgerLength: the lesser limit holds.
    [Fact]
    public void Deployment_TablePrefixCap_IsWhatTheLongestTableNameAndTheLedgerNameLeave()
    {
        int cap = Math.Min(63 - TableNames().Max(n => n.Length), AnchorMemo.MaxLedgerLength);
        var settings = TemplateSnapshot.Of().AppConfiguration(TemplateSnapshot.SampleSecrets);

        Assert.Equal(cap, (int)TemplateSnapshot.Template["parameters"]!["tablePrefix"]!["maxLength"]!);
        settings["Billing:Storage:TablePrefix"] = "b" + new string('9', cap - 1);
        StartupValidationTests.Build(settings);
        settings["Billing:Storage:TablePrefix"] += "9";
        Assert.Contains("TablePrefix", Assert.Throws<OptionsValidationException>(() => StartupValidationTests.Build(settings)).Message, StringComparison.Ordinal);
    }

    /// <summary>The name of every table the app uses, without the prefix: <see cref="BillingTables"/>' and each store's own <c>TableName</c>.</summary>
    private static IEnumerable<string> TableNames()
    {
        var tables = new BillingTables(new TableServiceClient("UseDevelopmentStorage=true"), new StorageOptions { TablePrefix = "" });
        var own = typeof(BillingTables).Assembly.GetTypes()
            .Select(t => t.GetField("TableName", BindingFlags.Public | BindingFlags.Static))
            .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string))
            .Select(f => (string)f!.GetRawConstantValue()!);
        var names = typeof(BillingTables).GetProperties().Where(p => p.PropertyType == typeof(TableClient)).Select(p => ((TableClient)p.GetValue(tables)!).Name).Concat(own).ToList();
        Assert.True(names.Count >= 10, string.Join(", ", names));
        return names;
    }

    [Fact]
    public void Deployment_EverySettingAFunctionJsonReferences_IsSet()
    {
        var settings = TemplateSnapshot.Of().AppSettings();

        var missing = FunctionJsonSettingReferences().Where(s => !settings.ContainsKey(s.Replace(":", "__", StringComparison.Ordinal))).ToList();

        // The host cannot index a function whose %setting% does not exist, so that function never runs.
        Assert.True(missing.Count == 0, "function.json references settings the deployment does not set: " + string.Join(", ", missing));
    }

    [Fact]
    public void FunctionJson_NestedSettingReferences_WrittenWithColons()
    {
        // The host resolves %name% from its configuration, where the app setting Billing__Burns__Schedule is the key
        // Billing:Burns:Schedule: %Billing__Burns__Schedule% resolves nothing there and the timer is never indexed (it
        // worked only on the DevHost, which looked names up as written).
        var underscored = FunctionJsonSettingReferences().Where(s => s.Contains("__", StringComparison.Ordinal)).ToList();

        Assert.True(underscored.Count == 0, "binding expressions the Functions host cannot resolve: " + string.Join(", ", underscored));
    }

    /// <summary>Every <c>%Setting%</c> a function.json binding names (schedules, consumer group).</summary>
    internal static IReadOnlyList<string> FunctionJsonSettingReferences() =>
        Directory.EnumerateFiles(FunctionsDirectory, "function.json", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => SettingReference().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Every options class of the app and the section it is bound from (its <c>Section</c> or <c>SectionName</c> constant).</summary>
    private static List<(string Section, Type Type)> OptionsSections() =>
        new[] { typeof(BurnOptions), typeof(StorageOptions), typeof(StripeOptions), typeof(Billing.Publishing.PublishingOptions), typeof(Billing.Solana.Configuration.SolanaOptions) }
            .Select(t => t.Assembly)
            .Distinct()
            .SelectMany(a => a.GetExportedTypes())
            .Select(t => (Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static) ?? t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static), Type: t))
            .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
            .Select(x => ((string)x.Field!.GetRawConstantValue()!, x.Type))
            .ToList();

    [GeneratedRegex("\"%([^%\"]+)%\"")]
    private static partial Regex SettingReference();
}
