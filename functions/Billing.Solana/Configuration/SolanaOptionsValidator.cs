namespace Billing.Solana.Configuration;

/// <summary>
/// Checks <c>Billing:Solana</c> at start, so a bad mint or keypair stops start-up with the setting's name instead of failing
/// the first burn (or, for a mint with a non-base58 character, every burn run). The keypair's value is never echoed.
/// </summary>
public sealed class SolanaOptionsValidator : IValidateOptions<SolanaOptions>
{
    public ValidateOptionsResult Validate(string? name, SolanaOptions o)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(o.RpcUrl)
            && !(Uri.TryCreate(o.RpcUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)))
        {
            failures.Add("Billing:Solana:RpcUrl must be an absolute http(s) URL.");
        }

        if (!string.IsNullOrWhiteSpace(o.Mint) && !PublicKey.IsValid(o.Mint))
        {
            failures.Add("Billing:Solana:Mint must be a base58 public key (32 bytes); it has a character outside the base58 alphabet or the wrong length.");
        }

        if (!string.IsNullOrWhiteSpace(o.TreasuryKeypair) && !Keypair.IsValidJson(o.TreasuryKeypair))
        {
            failures.Add("Billing:Solana:TreasuryKeypair must be a Solana CLI keypair: a JSON array of 64 byte values.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
