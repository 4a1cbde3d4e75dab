namespace Billing.Storage;

/// <summary>
/// A month of a payer that received usage metered after the last close that corrects it routinely
/// (<see cref="Billing.Domain.Invoicing.Adjustments.IsPastRoutineWindow"/>): the next close settles it, however old.
/// </summary>
/// <param name="Payer">Who pays the usage.</param>
/// <param name="Month">The month of the usage.</param>
/// <param name="FirstMeteredAt">When usage of it was first metered late since the mark was last cleared.</param>
/// <param name="MeteredAt">When usage of it was last metered late.</param>
/// <param name="ETag">The row as read: clearing it fails once usage was metered late again since.</param>
public sealed record LateUsageMark(string Payer, BillingPeriod Month, DateTimeOffset FirstMeteredAt, DateTimeOffset MeteredAt, ETag ETag);
