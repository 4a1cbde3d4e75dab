using System.Diagnostics;

namespace Billing.Functions.Tests.Infrastructure;

/// <summary>
/// infra/deploy.sh end to end without Azure: <c>az</c> and <c>dotnet</c> on its PATH are stand-ins that record how they
/// were called (the <c>dotnet publish</c> one lays out what a publish would), so what the script checks, runs and prints
/// is observed as an operator would run it. The zip is made and verified for real.
/// </summary>
public sealed class DeployScriptTests : IDisposable
{
    private const string Mint = "Gh9ZwEmdLJ8DscKNTkTqPbNwLNNBjuSzaG9Vp2KGtKJr";
    private const string Pyth = "J83w4HKfqxwcq3BEMMkPFSppX3gqekLyLJBexebFVkix";

    // az stand-in: one line per call in calls.log; a parameters file (@file) is copied with its mode; answers what the script reads.
    private const string FakeAz = """
        #!/usr/bin/env bash
        set -euo pipefail
        printf '%s\n' "az $*" >> "$FAKE_DIR/calls.log"
        for a in "$@"; do
          case "$a" in @*) cp "${a#@}" "$FAKE_DIR/params-file.json"; stat -c '%a' "${a#@}" > "$FAKE_DIR/params-file.mode" ;; esac
        done
        case "$*" in
          "group exists"*) echo "${FAKE_GROUP_EXISTS:-true}" ;;
          "deployment group show"*functionAppName*) echo billing-func-test ;;
          "deployment group show"*functionAppHostName*) echo billing-func-test.azurewebsites.net ;;
          "deployment group show"*keyVaultName*) echo billing-kv-test ;;
        esac
        """;

    // dotnet stand-in: `dotnet publish PROJECT … -o DIR` copies what the host reads and an executable Billing.Functions.
    private const string FakeDotnet = """
        #!/usr/bin/env bash
        set -euo pipefail
        printf '%s\n' "dotnet $*" >> "$FAKE_DIR/calls.log"
        [ "$1" = publish ] || exit 3
        proj="$2"; out=""
        while [ $# -gt 0 ]; do if [ "$1" = -o ]; then out="$2"; fi; shift; done
        mkdir -p "$out/plans"
        cp "$proj/host.json" "$out/"
        for fj in "$proj"/*/function.json; do d="$out/$(basename "$(dirname "$fj")")"; mkdir -p "$d"; cp "$fj" "$d/"; done
        cp "$proj"/plans/*.json "$out/plans/"
        if [ "${FAKE_PUBLISH_METERS:-true}" = true ]; then mkdir -p "$out/meters"; cp "$proj"/meters/*.json "$out/meters/"; fi
        printf '#!/bin/sh\n' > "$out/Billing.Functions"
        chmod +x "$out/Billing.Functions"
        """;

    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("deploy-sh-");

    public DeployScriptTests()
    {
        Directory.CreateDirectory(Path.Combine(dir.FullName, "bin"));
        WriteExecutable("az", FakeAz);
        WriteExecutable("dotnet", FakeDotnet);
    }

    public void Dispose() => dir.Delete(recursive: true);

    private string Calls => File.Exists(Path.Combine(dir.FullName, "calls.log")) ? File.ReadAllText(Path.Combine(dir.FullName, "calls.log")) : "";

    [Fact]
    public void Deploy_WithoutPriceSourceOrInvoiceIssuer_StopsBeforePublishingNamingTheOptions()
    {
        var (exit, _, stderr) = Run(Deploy());

        // Without them the app refuses to start (no price source) or prints the local default issuer on every invoice.
        Assert.NotEqual(0, exit);
        Assert.Contains("--pyth-price-account", stderr, StringComparison.Ordinal);
        Assert.Contains("--invoice-issuer-name", stderr, StringComparison.Ordinal);
        Assert.Equal("", Calls); // nothing published, nothing sent to Azure
    }

    [Fact]
    public void Deploy_WithSecretsInTheEnvironment_HandsThemOverInAPrivateFileNeverOnACommandLineOrInTheOutput()
    {
        var secrets = new Dictionary<string, string>
        {
            ["BILLING_STRIPE_SECRET_KEY"] = "sk_test_" + new string('s', 24),
            ["BILLING_STRIPE_WEBHOOK_SECRET"] = "whsec_" + new string('w', 32),
            ["BILLING_SOLANA_TREASURY_KEYPAIR"] = "[" + string.Join(',', Enumerable.Range(1, 64)) + "]",
            ["BILLING_LEDGER_ANCHOR_KEYPAIR"] = "[" + string.Join(',', Enumerable.Range(101, 64)) + "]",
            ["BILLING_LEDGER_SEAL_KEY"] = Convert.ToBase64String(Enumerable.Repeat((byte)42, 32).ToArray()),
        };

        var (exit, stdout, stderr) = Run([.. Deploy(), "--pyth-price-account", Pyth, "--min-token-price-usd", "0.50", "--max-token-price-usd", "20", "--invoice-issuer-name", "Example Networks Ltd"], secrets);

        Assert.True(exit == 0, stderr);
        foreach (string secret in secrets.Values)
        {
            Assert.DoesNotContain(secret, Calls, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, stdout + stderr, StringComparison.Ordinal);
        }

        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.FullName, "params-file.json")))!["parameters"]!;
        Assert.Equal(secrets["BILLING_STRIPE_WEBHOOK_SECRET"], (string?)file["stripeWebhookSecret"]!["value"]);
        Assert.Equal(secrets["BILLING_SOLANA_TREASURY_KEYPAIR"], (string?)file["solanaTreasuryKeypair"]!["value"]);
        Assert.Equal(secrets["BILLING_LEDGER_ANCHOR_KEYPAIR"], (string?)file["ledgerAnchorKeypair"]!["value"]);
        Assert.Equal(secrets["BILLING_LEDGER_SEAL_KEY"], (string?)file["ledgerSealKey"]!["value"]);
        Assert.Equal("600", File.ReadAllText(Path.Combine(dir.FullName, "params-file.mode")).Trim());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(dir.FullName, "tmp"))); // removed on exit

        string create = Assert.Single(Calls.Split('\n'), l => l.StartsWith("az deployment group create", StringComparison.Ordinal));
        Assert.Contains($"pythPriceAccount={Pyth}", create, StringComparison.Ordinal);
        Assert.Contains("minTokenPriceUsd=0.50 maxTokenPriceUsd=20", create, StringComparison.Ordinal);
        Assert.DoesNotContain("without --min-token-price-usd", stderr, StringComparison.Ordinal);
        Assert.Contains("invoiceIssuerName=Example Networks Ltd", create, StringComparison.Ordinal);
        Assert.Contains($"solanaMint={Mint}", create, StringComparison.Ordinal);
        Assert.Contains($"config-zip --resource-group rg-billing --name billing-func-test --src {Path.Combine(dir.FullName, "out", "billing-functions.zip")}", Calls, StringComparison.Ordinal);
    }

    [Fact]
    public void Deploy_PythAccountWithoutPriceBand_WarnsAndDeploys()
    {
        var (exit, _, stderr) = Run([.. Deploy(), "--pyth-price-account", Pyth, "--invoice-issuer-name", "Example Networks Ltd"], []);

        Assert.True(exit == 0, stderr);
        Assert.Contains("warning: a Pyth price account without --min-token-price-usd and --max-token-price-usd", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("TokenPriceUsd=", Calls, StringComparison.Ordinal);
    }

    [Fact]
    public void Deploy_PublishOutputWithoutTheDeclaredEventTypes_StopsBeforeSendingAnything()
    {
        // Without meters/ in the package the app would start with no declared type, and refuse all such events.
        var (exit, _, stderr) = Run([.. Deploy(), "--pyth-price-account", Pyth, "--invoice-issuer-name", "Example"], new() { ["FAKE_PUBLISH_METERS"] = "false" });

        Assert.NotEqual(0, exit);
        Assert.Contains("meters/depin.render.job.v1.json is missing from the publish output", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("config-zip", Calls, StringComparison.Ordinal);
    }

    [Fact]
    public void WhatIf_ResourceGroupMissing_StopsWithoutCreatingAnything()
    {
        var (exit, _, stderr) = Run([.. Deploy(), "--what-if", "--pyth-price-account", Pyth, "--invoice-issuer-name", "Example"], new() { ["FAKE_GROUP_EXISTS"] = "false" });

        // A preview must not change the subscription: no resource group created, no deployment.
        Assert.NotEqual(0, exit);
        Assert.Contains("rg-billing", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("az group create", Calls, StringComparison.Ordinal);
        Assert.DoesNotContain("az deployment group", Calls, StringComparison.Ordinal);
    }

    private string[] Deploy() =>
        ["--deploy", "-g", "rg-billing", "-l", "westeurope", "--solana-rpc-url", "https://api.devnet.solana.com", "--solana-mint", Mint, "-o", Path.Combine(dir.FullName, "out")];

    private (int Exit, string Stdout, string Stderr) Run(string[] arguments, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir.FullName };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "infra", "deploy.sh"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Directory.CreateDirectory(Path.Combine(dir.FullName, "tmp"));
        start.Environment["PATH"] = $"{Path.Combine(dir.FullName, "bin")}:{Environment.GetEnvironmentVariable("PATH")}";
        start.Environment["FAKE_DIR"] = dir.FullName;
        start.Environment["TMPDIR"] = Path.Combine(dir.FullName, "tmp");
        foreach (string name in new[] { "BILLING_STRIPE_SECRET_KEY", "BILLING_STRIPE_WEBHOOK_SECRET", "BILLING_SOLANA_TREASURY_KEYPAIR" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? [])
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"deploy.sh did not finish:\n{stderr.Result}");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private void WriteExecutable(string name, string script)
    {
        string path = Path.Combine(dir.FullName, "bin", name);
        File.WriteAllText(path, script + "\n");
        if (!OperatingSystem.IsWindows()) // deploy.sh runs on Linux only
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
