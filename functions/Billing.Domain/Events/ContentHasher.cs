namespace Billing.Domain.Events;

/// <summary>
/// Canonical content hash: XXH128 over length-prefixed UTF-8 strings and little-endian integers, in a fixed order.
/// Identical for a redelivered event however its JSON is formatted; different for any change that matters.
/// Not a cryptographic hash, on purpose: it only tells a redelivery from a conflicting resend of the same
/// (source, id), where the first version counts either way, so a crafted collision could at most hide a partner's
/// own conflict from the quarantine, never change what is billed; SHA-256 cost more than the rest of metering.
/// Written into a pooled buffer: this runs once per metered event.
/// </summary>
internal struct ContentHasher
{
    private byte[] buffer;
    private int length;

    public ContentHasher(EventHeader header, string payer)
    {
        buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1024);
        length = 0;
        Add(header.Type);
        Add(header.Source);
        Add(header.Id);
        Add(header.Time!.Value.UtcTicks);
        if (header.HasSubject)
        {
            Add(header.Subject);
        }
        else
        {
            Add(-1L);
        }

        Add(payer);
    }

    /// <summary>A string already in UTF-8: the same bytes <see cref="Add(string?)"/> writes for its text.</summary>
    public void Add(ReadOnlySpan<byte> utf8)
    {
        Ensure(8 + utf8.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(length), utf8.Length);
        utf8.CopyTo(buffer.AsSpan(length + 8));
        length += 8 + utf8.Length;
    }

    public void Add(string? value)
    {
        if (value is null)
        {
            Add(-1L);
            return;
        }

        Ensure(8 + Encoding.UTF8.GetMaxByteCount(value.Length));
        int written = Encoding.UTF8.GetBytes(value, buffer.AsSpan(length + 8));
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(length), written);
        length += 8 + written;
    }

    public void Add(long value)
    {
        Ensure(8);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(length), value);
        length += 8;
    }

    public string Finish()
    {
        Span<byte> digest = stackalloc byte[16];
        System.IO.Hashing.XxHash128.Hash(buffer.AsSpan(0, length), digest);
        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        buffer = [];
        return Convert.ToHexStringLower(digest);
    }

    private void Ensure(int extra)
    {
        if (length + extra > buffer.Length)
        {
            var larger = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, length + extra));
            buffer.AsSpan(0, length).CopyTo(larger);
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }
    }
}
