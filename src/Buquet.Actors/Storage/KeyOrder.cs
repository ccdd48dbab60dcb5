namespace Buquet.Actors.Storage;

/// <summary>
/// S3's key order: ascending UTF-8 bytes, which equals Unicode code-point order. <see cref="StringComparer.Ordinal"/>
/// compares UTF-16 code units and differs for characters above U+FFFF versus U+E000..U+FFFF.
/// </summary>
public sealed class KeyOrder : IComparer<string>
{
    private KeyOrder() { }

    /// <summary>The comparer.</summary>
    public static KeyOrder Instance { get; } = new();

    /// <summary>Compares two keys in UTF-8 byte order.</summary>
    public static int CompareKeys(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var n = Math.Min(x.Length, y.Length);
        for (var i = 0; i < n; i++)
        {
            var a = x[i];
            var b = y[i];
            if (a != b)
            {
                return Fix(a) - Fix(b);
            }
        }

        return x.Length - y.Length;
    }

    /// <inheritdoc />
    public int Compare(string? x, string? y) => CompareKeys(x, y);

    // Moves surrogates (0xD800..0xDFFF) above 0xE000..0xFFFF so that code-unit order becomes code-point order.
    private static int Fix(char c) => c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
}
