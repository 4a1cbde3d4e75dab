namespace Billing.Application.Tests.Ledger;

/// <summary>
/// The ledger's seal keys (<c>Billing:Ledger:SealKey</c>, <c>Billing:Ledger:RetiredSealKeys</c>) checked at start: required
/// off this machine, the public local key only on it, each key base64 of at least 32 bytes, and no key ever in a message.
/// </summary>
public class LedgerSealKeyValidatorTests
{
    private const string Own = "b3duLXNlYWwta2V5LW9mLWEtZGVwbG95bWVudCEhISE=";

    private static ValidateOptionsResult Validate(bool local, string? key, params string[] retired)
    {
        var options = new LedgerOptions { SealKey = key };
        foreach (string r in retired)
        {
            options.RetiredSealKeys.Add(r);
        }

        var storage = new StorageOptions { ConnectionString = local ? "UseDevelopmentStorage=true" : "DefaultEndpointsProtocol=https;AccountName=billingprod;AccountKey=QUJD;EndpointSuffix=core.windows.net" };
        return new LedgerSealKeyValidator(Options.Create(storage)).Validate(null, options);
    }

    [Theory]
    [InlineData(true, null)] // the local key stands in
    [InlineData(true, LedgerSealKeys.LocalKey)]
    [InlineData(true, Own)]
    [InlineData(false, Own)]
    public void Validate_UsableKey_Succeeds(bool local, string? key) => Assert.True(Validate(local, key).Succeeded);

    [Theory]
    [InlineData(false, null, "Billing:Ledger:SealKey is not set")]
    [InlineData(false, "  ", "Billing:Ledger:SealKey is not set")]
    [InlineData(false, LedgerSealKeys.LocalKey, "Billing:Ledger:SealKey is the public key of local runs")]
    [InlineData(true, "c2hvcnQ=", "Billing:Ledger:SealKey holds 5 bytes, fewer than 32")]
    [InlineData(true, "not base64!", "Billing:Ledger:SealKey is not base64")]
    public void Validate_UnusableKey_FailsNamingTheSettingNotTheKey(bool local, string? key, string message)
    {
        var result = Validate(local, key);

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(LedgerSealKeys.LocalKey, result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("c2hvcnQ", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bG9jYWwtcnVucy1vbmx5OiBsZWRnZXIgc2VhbCBrZXkgb2YgdGhlIHN0b3JhZ2Ug ZW11bGF0b3I=", new string[0], "Billing:Ledger:SealKey is the public key of local runs")]
    [InlineData(Own, new[] { LedgerSealKeys.LocalKey }, "Billing:Ledger:RetiredSealKeys entry 1 is the public key of local runs")]
    [InlineData(Own, new[] { Own, "bG9jYWwtcnVucy1vbmx5OiBsZWRnZXIgc2VhbCBrZXkg\nb2YgdGhlIHN0b3JhZ2UgZW11bGF0b3I=" }, "Billing:Ledger:RetiredSealKeys entry 2 is the public key of local runs")]
    public void Validate_LocalKeyOffThisMachineAsTextVariantOrRetired_Fails(string key, string[] retired, string message)
    {
        // Before: the text was compared, so whitespace inside passed, and a retired local key let anyone seal.
        var result = Validate(false, key.Replace("\\n", "\n", StringComparison.Ordinal), retired.Select(r => r.Replace("\\n", "\n", StringComparison.Ordinal)).ToArray());

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LocalKeyRetiredOnThisMachine_Succeeds() => Assert.True(Validate(true, Own, LedgerSealKeys.LocalKey).Succeeded);

    [Fact]
    public void Validate_RetiredKeyTooShort_FailsNamingItsPlace()
    {
        var result = Validate(false, Own, Own + ",c2hvcnQ=");

        Assert.Contains("Billing:Ledger:RetiredSealKeys entry 2 holds 5 bytes", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("c2hvcnQ", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void SealKeys_RotatedKey_SealsWithTheCurrentAndVerifiesTheRetired()
    {
        byte[] old = Convert.FromBase64String(Own);
        var before = new LedgerSealKeys(old, []);
        string seal = before.SealEntry("main", 7, new string('a', 64));
        var options = new LedgerOptions { SealKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) };
        options.RetiredSealKeys.Add(Own);

        var after = options.SealKeys(tablesOnThisMachine: false);

        Assert.Equal(EntrySealState.Sealed, after.CheckEntry(seal, "main", 7, new string('a', 64)));
        Assert.Equal(EntrySealState.Invalid, after.CheckEntry(seal, "main", 8, new string('a', 64))); // not movable to another entry
        Assert.NotEqual(before.CurrentKeyId, after.CurrentKeyId);
        Assert.Equal(EntrySealState.Invalid, new LedgerOptions { SealKey = options.SealKey }.SealKeys(false).CheckEntry(seal, "main", 7, new string('a', 64)));
    }
}
