using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Billing.Domain.Metering;

namespace Billing.Storage;

/// <summary>A validated fact plus the raw event text it came from (kept on the identity row so a conflict can show both versions).</summary>
public sealed record PendingFact(UsageFact Fact, string RawEvent);
