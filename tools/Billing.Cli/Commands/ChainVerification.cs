using System.CommandLine;
using Billing.Cli.Api;
using Billing.Cli.Ledger;
using Billing.Domain.Ledger;
using Billing.Solana.Keys;
using Billing.Solana.Rpc;
using static Billing.Cli.Commands.ArgumentChecks;
using static Billing.Cli.Commands.CommandHandler;
using static Billing.Cli.Commands.CommonOptions;

namespace Billing.Cli.Commands;

/// <summary>What <c>ledger verify --rpc</c> and <c>invoices verify</c> share: building the chain verifier and reporting one entry.</summary>
internal static class ChainVerification
{
    public static ChainVerifier ChainVerifierFor(ParseResult p, ApiSession api, string rpc, Option<string> authority, Option<string> ledgerName)
    {
        string key = p.GetValue(authority) ?? throw new UsageException("--authority <public key> is required with --rpc");
        if (!Uri.TryCreate(rpc, UriKind.Absolute, out var rpcUri))
        {
            throw new UsageException($"--rpc '{rpc}' is not an absolute URL");
        }

        PublicKey authorityKey;
        try
        {
            authorityKey = new PublicKey(key);
        }
        catch (ArgumentException)
        {
            throw new UsageException($"--authority '{key}' is not a base58 public key");
        }

        var solana = new SolanaRpcClient(api.Http, new SolanaRpcOptions { RpcUrl = rpcUri });
        return new ChainVerifier(api.Api, api.FinanceKey, solana, authorityKey, p.GetValue(ledgerName) ?? "billing");
    }

    public static async Task<int> ReportEntryAsync(CliContext context, string subject, LedgerEntry? entry, OnChainAnchor? anchor, IReadOnlyList<string> problems)
    {
        if (problems.Count == 0 && entry is not null && anchor is not null)
        {
            await context.Out.WriteLineAsync($"verify {subject}: ok (entry {entry.EntryId}, sequence {entry.Sequence}, anchored in {anchor.Range} root {anchor.Content.RootHex}, transaction {anchor.Signature}, slot {anchor.Slot})").ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        await context.Out.WriteLineAsync($"verify {subject}: FAILED").ConfigureAwait(false);
        foreach (string problem in problems)
        {
            await context.Out.WriteLineAsync("  " + problem).ConfigureAwait(false);
        }

        return ExitCodes.Failed;
    }
}
