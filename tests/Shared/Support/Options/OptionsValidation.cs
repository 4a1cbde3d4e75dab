using Microsoft.Extensions.Options;

namespace Billing.Tests.Shared;

/// <summary>
/// Runs an options validator the way the host does at start and asserts on its failures, so every options test checks
/// the same two things: the message names the configuration key, and it says what is wrong.
/// </summary>
/// <remarks>In its own folder because only projects that reference Microsoft.Extensions.Options compile it.</remarks>
public static class OptionsValidation
{
    /// <summary>Every failure <paramref name="validator"/> reports for <paramref name="options"/>; empty when valid.</summary>
    public static IReadOnlyList<string> Failures<TOptions>(this IValidateOptions<TOptions> validator, TOptions options)
        where TOptions : class =>
        validator.Validate(null, options).Failures?.ToList() ?? [];

    /// <summary>Asserts <paramref name="options"/> pass; on failure the messages show in the test output.</summary>
    public static void AssertValid<TOptions>(this IValidateOptions<TOptions> validator, TOptions options)
        where TOptions : class =>
        Assert.Empty(validator.Failures(options));

    /// <summary>Asserts exactly one failure and returns it for further checks.</summary>
    public static string SingleFailure<TOptions>(this IValidateOptions<TOptions> validator, TOptions options)
        where TOptions : class =>
        Assert.Single(validator.Failures(options));

    /// <summary>
    /// Asserts exactly one failure, that it starts with the configuration key <paramref name="setting"/> and contains
    /// <paramref name="reason"/>; returns it (e.g. to check a secret is not echoed).
    /// </summary>
    public static string AssertFailsNaming<TOptions>(this IValidateOptions<TOptions> validator, TOptions options, string setting, string reason)
        where TOptions : class
    {
        string failure = validator.SingleFailure(options);
        Assert.StartsWith(setting, failure, StringComparison.Ordinal);
        Assert.Contains(reason, failure, StringComparison.Ordinal);
        return failure;
    }
}
