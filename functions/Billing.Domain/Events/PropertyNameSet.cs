namespace Billing.Domain.Events;

/// <summary>
/// The property names of one JSON object that <see cref="EventScanner"/> does not read, kept to reject a duplicate.
/// The first few are compared one by one, as most objects hold none or a handful; past that they move into a hash set,
/// so an event padded with thousands of distinct names costs linear time, not quadratic (100,000 names in a 1 MiB
/// body took 18-45 s when each was compared with all before it).
/// </summary>
internal struct PropertyNameSet
{
    private const int ListLimit = 8;

    private List<byte[]>? list;
    private HashSet<byte[]>? set;

    /// <summary>Adds the (unescaped) name; false when the object already holds it.</summary>
    public bool Add(byte[] name)
    {
        if (set is not null)
        {
            return set.Add(name);
        }

        list ??= new List<byte[]>(2);
        foreach (byte[] seen in list)
        {
            if (seen.AsSpan().SequenceEqual(name))
            {
                return false;
            }
        }

        if (list.Count < ListLimit)
        {
            list.Add(name);
            return true;
        }

        set = new HashSet<byte[]>(list, ByteComparer.Instance) { name };
        list = null;
        return true;
    }

    /// <summary>Byte-for-byte equality; the hash is seeded per process (<see cref="HashCode"/>), so names cannot be chosen to collide.</summary>
    private sealed class ByteComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = default(HashCode);
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
