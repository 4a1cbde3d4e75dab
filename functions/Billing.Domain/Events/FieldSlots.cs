namespace Billing.Domain.Events;

[InlineArray(26)]
internal struct FieldSlots
{
    private FieldSlot first;
}
