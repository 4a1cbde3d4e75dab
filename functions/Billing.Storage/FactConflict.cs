using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Billing.Domain.Metering;

namespace Billing.Storage;

/// <summary>A second, different event with an id already taken.</summary>
public sealed record FactConflict(PendingFact Incoming, string? ExistingRawEvent, string ExistingHash);
