namespace Billing.Functions.Tests.Metering;

/// <summary>
/// The text pieces of the accepted-events fuzz (<see cref="HostileEvents"/>), seeded: strings at the edges the validators
/// allow (every character a table key must escape, astral planes, combining marks, RTL, U+FFFF and its neighbours,
/// surrounding spaces), JSON strings escaped in odd ways, numbers and RFC 3339 times in every accepted spelling.
/// </summary>
internal sealed class HostileText(Random random)
{
    /// <summary>Atoms a partner id (and so an event id) may hold: printable, no format characters; '|' is added for event ids.</summary>
    private static readonly string[] IdAtoms =
    [
        "a", "Z", "0", "-", "_", ".", "/", "\\", "#", "?", "%", "'", "\"", "%u", "%h", "%2F", " ", "\u00A0", "\u3000", "é", "e\u0301",
        "\u0308", "\U0001D11E", "\U0001F600", "\u05D0", "\u0639", "\uFFFD", "\uFFFE", "\uFFFF", "\uFFEF", "\uE000", "}", "~", "<", "&", ":", "*",
    ];

    /// <summary>What a declared string field takes: printable, as ids (<c>DeclaredValueRules</c>), and '|'.</summary>
    private static readonly string[] DeclaredAtoms = [.. IdAtoms, "|"];

    /// <summary>What any other CloudEvents string takes (subject, extensions, undeclared members): anything but C0/C1 controls.</summary>
    private static readonly string[] LooseAtoms = [.. DeclaredAtoms, "\u202E", "\u200F", "\u2028", "\u2029", "\u200B", "\uFEFF", "\u00AD"];

    public Random Random => random;

    public bool Chance(int percent) => random.Next(100) < percent;

    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>Plain characters, mixed into partner ids so that their escaped form often stays within what settings allow.</summary>
    private static readonly string[] PlainAtoms = [.. "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".Select(c => c.ToString())];

    /// <summary>A partner id of exactly <paramref name="length"/> UTF-16 units without '|', hostile throughout.</summary>
    public string PartnerId(string prefix, int length) => Fill(prefix, length, [.. IdAtoms, .. PlainAtoms]);

    /// <summary>An event id (or another id-like field) with <paramref name="unique"/> in it, at most <paramref name="max"/> units.</summary>
    public string Id(string unique, int max = EventLimits.MaxIdLength)
    {
        string[] atoms = [.. IdAtoms, "|"];
        return random.Next(4) switch
        {
            0 => unique,
            1 => Fill(unique + "-", max, atoms),                              // exactly the maximum length
            2 => " " + Fill(unique, Math.Min(max - 2, 20), atoms) + " ",     // surrounding spaces are printable
            _ => Fill(unique + "~", random.Next(unique.Length + 1, max + 1), atoms),
        };
    }

    /// <summary>A CloudEvents string of at most <paramref name="max"/> units (1 at least): format characters and separators too.</summary>
    public string Loose(string unique, int max) => Text(unique, max, LooseAtoms);

    /// <summary>A declared free-text value of at most <paramref name="max"/> units (1 at least).</summary>
    public string Declared(string unique, int max) => Text(unique, max, DeclaredAtoms);

    private string Text(string unique, int max, string[] atoms) => random.Next(3) switch
    {
        0 => unique,
        1 => Fill(unique, max, atoms),
        _ => Fill(unique, random.Next(Math.Min(unique.Length + 1, max), max + 1), atoms),
    };

    private string Fill(string start, int length, string[] atoms)
    {
        var sb = new StringBuilder(start.Length > length ? start[..length] : start);
        while (sb.Length < length)
        {
            string atom = atoms[random.Next(atoms.Length)];
            if (sb.Length + atom.Length > length)
            {
                atom = "x";
            }

            sb.Append(atom);
        }

        // A combining mark or space right after the prefix is fine; a lone trailing surrogate cannot happen (atoms are whole).
        return sb.ToString();
    }

    /// <summary>A JSON string literal of <paramref name="value"/>, each character written plainly or as an escape.</summary>
    public string Json(string value)
    {
        bool escapeAll = Chance(10);
        var sb = new StringBuilder(value.Length + 2).Append('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c))
            {
                // A pair is escaped whole or written whole: half of it alone is no text.
                sb.Append(escapeAll || Chance(15) ? $"\\u{(int)c:x4}\\u{(int)value[i + 1]:X4}" : value.Substring(i, 2));
                i++;
            }
            else if (c is '"' or '\\')
            {
                sb.Append(c == '"' ? "\\\"" : Chance(50) ? "\\\\" : "\\u005C");
            }
            else if (c < 0x20)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else if (c == '/' && Chance(50))
            {
                sb.Append("\\/");
            }
            else if (escapeAll || Chance(15))
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>An integer in one of JSON's spellings; those with a fraction or exponent (1e2, 10.0) are for the validators to refuse.</summary>
    public string Number(long value) => random.Next(12) switch
    {
        0 when value == 0 => "-0",
        1 when value % 100 == 0 && value > 0 => $"{value / 100}e2",
        2 when value % 100 == 0 && value > 0 => $"{value / 100}E+2",
        3 => value.ToString(CultureInfo.InvariantCulture) + ".0",
        4 => value.ToString(CultureInfo.InvariantCulture) + ".000",
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// <paramref name="utc"/> in RFC 3339 with a random offset (±23:59, -00:00, z, t), fraction of 0-9 digits (the digits
    /// past the seventh change nothing: they are truncated), or as 23:59:60 when it is the last second of a month.
    /// </summary>
    public string Time(DateTimeOffset utc)
    {
        long fraction = utc.UtcTicks % TimeSpan.TicksPerSecond;
        var u = utc.UtcDateTime;
        if (u.Hour == 23 && u.Minute == 59 && u.Second == 59 && u.Day == DateTime.DaysInMonth(u.Year, u.Month) && Chance(40))
        {
            return u.ToString("yyyy-MM-dd'T23:59:60'", CultureInfo.InvariantCulture) + Fraction(fraction) + "Z";
        }

        int[] offsets = [0, 0, 0, 23 * 60 + 59, -(23 * 60 + 59), 330, -570, 14 * 60, -60, 1];
        int minutes = Pick(offsets);
        DateTime local;
        try
        {
            local = u.AddMinutes(minutes);
        }
        catch (ArgumentOutOfRangeException)
        {
            minutes = 0;
            local = u;
        }

        string zone = minutes != 0
            ? (minutes < 0 ? "-" : "+") + TimeSpan.FromMinutes(Math.Abs(minutes)).ToString("hh\\:mm", CultureInfo.InvariantCulture)
            : Pick(["Z", "z", "+00:00", "-00:00"]);
        string t = Chance(20) ? "t" : "T";
        return local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + t + local.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + Fraction(fraction) + zone;
    }

    private string Fraction(long ticks)
    {
        string seven = ticks.ToString("D7", CultureInfo.InvariantCulture);
        if (ticks == 0)
        {
            return Pick(["", "", ".0", ".000", ".000000000"]);
        }

        return random.Next(3) switch
        {
            0 => "." + seven + random.Next(100).ToString("D2", CultureInfo.InvariantCulture), // nine digits, Go's RFC3339Nano
            1 => "." + seven.TrimEnd('0'),
            _ => "." + seven,
        };
    }

    /// <summary>A valid base58 32-byte key; sometimes with leading zero bytes ('1's) or all zeros.</summary>
    public string Key()
    {
        var bytes = new byte[32];
        random.NextBytes(bytes);
        switch (random.Next(6))
        {
            case 0:
                Array.Clear(bytes);
                break;
            case 1:
                bytes[0] = 0;
                bytes[1] = 0;
                break;
            case 2:
                Array.Fill(bytes, (byte)0xFF);
                break;
        }

        var n = new System.Numerics.BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var chars = new StringBuilder();
        while (n > 0)
        {
            chars.Insert(0, "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"[(int)(n % 58)]);
            n /= 58;
        }

        int zeros = bytes.TakeWhile(b => b == 0).Count();
        return new string('1', zeros) + chars;
    }

    /// <summary>A valid H3 cell of resolution 9 (15 lowercase hex digits).</summary>
    public string H3Cell()
    {
        ulong index = (1UL << 59) | (9UL << 52) | ((ulong)random.Next(122) << 45);
        for (int digit = 1; digit <= 15; digit++)
        {
            ulong d = digit <= 9 ? (ulong)random.Next(7) : 7UL;
            index |= d << ((15 - digit) * 3);
        }

        return index.ToString("x15", CultureInfo.InvariantCulture);
    }
}
