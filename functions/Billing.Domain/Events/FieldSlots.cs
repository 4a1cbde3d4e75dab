using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Billing.Domain.Events;

[InlineArray(26)]
internal struct FieldSlots
{
    private FieldSlot first;
}
