namespace Billing.Application.Ledger;

/// <summary>
/// Checks the seal keys of <c>Billing:Ledger</c> at start (<see cref="LedgerOptions.SealKey"/>,
/// <see cref="LedgerOptions.RetiredSealKeys"/>): each base64 of at least <see cref="LedgerSealKeys.MinKeyBytes"/> bytes; the
/// key required unless the tables are on this machine (<see cref="StorageOptions.TablesOnThisMachine"/>), where the public
/// local key stands in; that local key refused anywhere else (anyone could seal with it). A key is never echoed: a failure
/// names the setting and, for a retired key, its place.
/// </summary>
public sealed class LedgerSealKeyValidator(IOptions<StorageOptions> storage) : IValidateOptions<LedgerOptions>
{
    private const string Make = "base64 of at least 32 random bytes (e.g. openssl rand -base64 32), kept where the tables' writers cannot read it (an app setting or a Key Vault reference)";

    public ValidateOptionsResult Validate(string? name, LedgerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        bool local = storage.Value.TablesOnThisMachine;
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.SealKey))
        {
            if (!local)
            {
                failures.Add($"{LedgerOptions.SealKeySetting} is not set: every ledger entry is sealed with it, so that evidence appended by someone with write access to the tables is not honoured. Set it to {Make}.");
            }
        }
        else if (IsLocal(options.SealKey) && !local)
        {
            failures.Add($"{LedgerOptions.SealKeySetting} is the public key of local runs (README), with which anyone can seal a ledger entry; it is accepted only against tables on this machine (the storage emulator). Set it to {Make}.");
        }
        else if (Problem(options.SealKey) is { } problem)
        {
            failures.Add($"{LedgerOptions.SealKeySetting} {problem}: set it to {Make}.");
        }

        var retired = RetiredKeys.Of(options.RetiredSealKeys);
        if (retired.Count > LedgerOptions.MaxRetiredSealKeys)
        {
            failures.Add($"{LedgerOptions.RetiredSealKeysSetting} lists {retired.Count} keys; at most {LedgerOptions.MaxRetiredSealKeys}.");
        }

        for (int i = 0; i < retired.Count; i++)
        {
            if (IsLocal(retired[i]) && !local)
            {
                failures.Add($"{LedgerOptions.RetiredSealKeysSetting} entry {i + 1} is the public key of local runs (README): seals made with it would verify, and anyone can make them; it is accepted only against tables on this machine. Remove it.");
            }
            else if (Problem(retired[i]) is { } problem)
            {
                failures.Add($"{LedgerOptions.RetiredSealKeysSetting} entry {i + 1} {problem}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Whether <paramref name="key"/> decodes to the local key's bytes (the text may differ: whitespace, padding).</summary>
    private static bool IsLocal(string key) => Decoded(key) is { } bytes && bytes.AsSpan().SequenceEqual(Convert.FromBase64String(LedgerSealKeys.LocalKey));

    private static byte[]? Decoded(string key)
    {
        byte[] bytes = new byte[key.Length];
        return Convert.TryFromBase64String(key.Trim(), bytes, out int length) ? bytes[..length] : null;
    }

    /// <summary>What is wrong with <paramref name="key"/> as a seal key, never quoting it; null when nothing.</summary>
    private static string? Problem(string key) =>
        Decoded(key) is not { } bytes ? "is not base64"
            : bytes.Length < LedgerSealKeys.MinKeyBytes ? string.Create(CultureInfo.InvariantCulture, $"holds {bytes.Length} bytes, fewer than {LedgerSealKeys.MinKeyBytes}")
            : null;
}
