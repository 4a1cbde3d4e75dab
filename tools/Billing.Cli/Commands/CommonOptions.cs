using System.CommandLine;

namespace Billing.Cli.Commands;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<bool> JsonOption() => new("--json") { Description = "print the API's JSON instead of a table" };

    public static Option<string> RpcOption() => new("--rpc") { Description = "Solana JSON-RPC URL to read the anchors from (e.g. https://api.devnet.solana.com)" };

    public static Option<string> AuthorityOption() => new("--authority") { Description = "the anchor authority's public key (base58), as published by the operator" };

    public static Option<string> LedgerNameOption() => new("--ledger") { Description = "the ledger name in the anchor memos (Billing:Ledger:Name, default the table prefix)", DefaultValueFactory = _ => "billing" };
}
