namespace Billing.DevHost;

/// <summary>How one invocation of the handler ended.</summary>
public enum InvocationOutcome
{
    /// <summary>The handler answered 2xx; output bindings were applied.</summary>
    Succeeded,

    /// <summary>The handler answered an error, or did not answer in time: the function failed.</summary>
    Failed,

    /// <summary>The handler could not be reached (it crashed or is restarting): nothing was applied.</summary>
    Unreachable,
}
