using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Billing.Domain.Metering;

namespace Billing.Storage;

/// <summary>A fact Table Storage refused deterministically (it would fail the same way on every retry), with the service's reason.</summary>
public sealed record UnstorableFact(PendingFact Fact, string Reason);
