namespace Billing.Domain.Events;

/// <summary>One reason an event was rejected: the JSON path of the field and why.</summary>
public readonly record struct ValidationError(string Field, string Reason)
{
    public override string ToString() => $"{Field}: {Reason}";
}
