using Billing.Domain.Burns;

namespace Billing.Storage;

/// <summary>The open burn intents that can be read, in execution order, and the open rows that cannot (<see cref="UnreadableBurn"/>).</summary>
public sealed record OpenBurns(IReadOnlyList<BurnIntent> Intents, IReadOnlyList<UnreadableBurn> Unreadable);
