using System.Security.Cryptography;

namespace Buquet.Actors.Storage;

/// <summary>ETag helpers: S3's quoted-MD5 form for single-part objects.</summary>
public static class ETags
{
    /// <summary>The quoted MD5 hex of <paramref name="body"/>, as S3 returns it.</summary>
    public static string ForBody(ReadOnlySpan<byte> body) => Quote(Convert.ToHexStringLower(MD5.HashData(body)));

    /// <summary>Adds quotes unless present.</summary>
    public static string Quote(string etag) =>
        etag.Length >= 2 && etag[0] == '"' && etag[^1] == '"' ? etag : "\"" + etag + "\"";

    /// <summary>Removes surrounding quotes if present.</summary>
    public static string Unquote(string etag) =>
        etag.Length >= 2 && etag[0] == '"' && etag[^1] == '"' ? etag[1..^1] : etag;

    /// <summary>True when two ETags are equal, ignoring quoting.</summary>
    public static bool Equal(string? a, string? b) =>
        a is not null && b is not null && string.Equals(Unquote(a), Unquote(b), StringComparison.Ordinal);
}
