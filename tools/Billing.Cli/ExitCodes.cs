namespace Billing.Cli;

/// <summary>The process exit codes of <c>billing</c>.</summary>
public static class ExitCodes
{
    /// <summary>Everything worked.</summary>
    public const int Ok = 0;

    /// <summary>The operation ran but failed (events rejected, ledger not ok, an API error, a timeout).</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong (unknown option, bad value, missing key for a remote URL).</summary>
    public const int Usage = 2;

    /// <summary>The API could not be reached, or it refused the key (401/403).</summary>
    public const int Unreachable = 3;
}

/// <summary>A command-line mistake found after parsing (exit 2).</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The operation failed in a way already explained by the message (exit 1).</summary>
public sealed class OperationFailedException(string message) : Exception(message);
