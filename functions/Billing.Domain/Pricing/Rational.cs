namespace Billing.Domain.Pricing;

/// <summary>Exact fraction used internally by rating so that no intermediate result is ever rounded.</summary>
internal readonly struct Rational : IComparable<Rational>
{
    public Rational(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero)
        {
            throw new DivideByZeroException();
        }

        if (denominator.Sign < 0)
        {
            numerator = -numerator;
            denominator = -denominator;
        }

        BigInteger gcd = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!gcd.IsOne && !gcd.IsZero)
        {
            numerator /= gcd;
            denominator /= gcd;
        }

        Numerator = numerator;
        _denominator = denominator;
    }

    public BigInteger Numerator { get; }

    public BigInteger Denominator => _denominator.IsZero ? BigInteger.One : _denominator;

    private readonly BigInteger _denominator;

    public static Rational Zero => new(BigInteger.Zero, BigInteger.One);

    public int Sign => Numerator.Sign;

    public static Rational FromLong(long value) => new(value, BigInteger.One);

    public static Rational FromInt128(Int128 value) => new(value, BigInteger.One);

    public static Rational FromDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        // The three words are unsigned: a word of 2^31 or more is a negative int, which a checked cast to uint refuses.
        BigInteger mantissa = ((BigInteger)unchecked((uint)bits[2]) << 64) | ((BigInteger)unchecked((uint)bits[1]) << 32) | unchecked((uint)bits[0]);
        int scale = (bits[3] >> 16) & 0xFF;
        if (bits[3] < 0)
        {
            mantissa = -mantissa;
        }

        return new Rational(mantissa, BigInteger.Pow(10, scale));
    }

    public Rational Ceiling()
    {
        BigInteger q = BigInteger.DivRem(Numerator, Denominator, out BigInteger r);
        return FromBig(r.Sign > 0 ? q + 1 : q);
    }

    public Rational Floor()
    {
        BigInteger q = BigInteger.DivRem(Numerator, Denominator, out BigInteger r);
        return FromBig(r.Sign < 0 ? q - 1 : q);
    }

    /// <summary>Value × 10^<paramref name="decimals"/>, rounded half away from zero to an integer.</summary>
    public BigInteger RoundScaled(int decimals)
    {
        BigInteger scaled = BigInteger.Abs(Numerator) * BigInteger.Pow(10, decimals);
        BigInteger q = BigInteger.DivRem(scaled, Denominator, out BigInteger r);
        if (r * 2 >= Denominator)
        {
            q += 1;
        }

        return Numerator.Sign < 0 ? -q : q;
    }

    /// <summary>Rounded half away from zero to minor units of a currency with <paramref name="exponent"/> decimals.</summary>
    public long RoundToMinorUnits(int exponent) => (long)RoundScaled(exponent); // explicit conversion throws OverflowException

    /// <summary>Rounded half away from zero to at most <paramref name="maxDecimals"/> places, trailing zeros removed.</summary>
    public decimal ToDecimal(int maxDecimals)
    {
        BigInteger scaled = RoundScaled(maxDecimals);
        int scale = maxDecimals;
        while (scale > 0 && (scaled % 10).IsZero)
        {
            scaled /= 10;
            scale--;
        }

        bool negative = scaled.Sign < 0;
        BigInteger magnitude = BigInteger.Abs(scaled);
        if (magnitude.GetBitLength() > 96)
        {
            throw new OverflowException("Value does not fit in a decimal.");
        }

        int lo = unchecked((int)(uint)(magnitude & uint.MaxValue));
        int mid = unchecked((int)(uint)((magnitude >> 32) & uint.MaxValue));
        int hi = unchecked((int)(uint)((magnitude >> 64) & uint.MaxValue));
        return new decimal(lo, mid, hi, negative, (byte)scale);
    }

    public static Rational operator +(Rational a, Rational b) =>
        new((a.Numerator * b.Denominator) + (b.Numerator * a.Denominator), a.Denominator * b.Denominator);

    public static Rational operator -(Rational a, Rational b) =>
        new((a.Numerator * b.Denominator) - (b.Numerator * a.Denominator), a.Denominator * b.Denominator);

    public static Rational operator *(Rational a, Rational b) =>
        new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

    public static Rational operator /(Rational a, long divisor) => new(a.Numerator, a.Denominator * divisor);

    public static bool operator <(Rational a, Rational b) => a.CompareTo(b) < 0;

    public static bool operator >(Rational a, Rational b) => a.CompareTo(b) > 0;

    public static bool operator <=(Rational a, Rational b) => a.CompareTo(b) <= 0;

    public static bool operator >=(Rational a, Rational b) => a.CompareTo(b) >= 0;

    public static Rational Min(Rational a, Rational b) => a <= b ? a : b;

    public static Rational Max(Rational a, Rational b) => a >= b ? a : b;

    public int CompareTo(Rational other) => (Numerator * other.Denominator).CompareTo(other.Numerator * Denominator);

    private static Rational FromBig(BigInteger value) => new(value, BigInteger.One);
}
