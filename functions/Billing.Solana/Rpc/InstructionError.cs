namespace Billing.Solana.Rpc;

/// <summary>An instruction failure: a named builtin error or <c>{"Custom": n}</c> from the program.</summary>
public sealed record InstructionError(string Name, uint? CustomCode)
{
    public bool IsCustom => CustomCode is not null;

    public override string ToString() => CustomCode is { } code ? $"Custom({code})" : Name;
}
