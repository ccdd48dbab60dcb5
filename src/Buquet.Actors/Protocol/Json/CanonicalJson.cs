using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Buquet.Actors.Protocol.Json;

/// <summary>
/// Canonical JSON for idempotency input hashes (protocol §2.6): object keys sorted recursively by UTF-8 byte order,
/// arrays in order, compact, non-ASCII raw, serde_json string escaping and float formatting (ryu: <c>2.0</c>,
/// <c>0.00001</c>, <c>1e16</c>, <c>1.5e-7</c>; Python's <c>json.dumps</c> writes <c>1e+16</c> and <c>1e-05</c>, but
/// buquet's Python package hashes through the same Rust core, protocol §2.6).
/// </summary>
internal static class CanonicalJson
{
    private static readonly Utf8ByteOrderComparer KeyOrder = new();

    /// <summary>Canonical text of a JSON value (<c>null</c> for a missing value).</summary>
    public static string Serialize(JsonElement? value)
    {
        var sb = new StringBuilder(128);
        Write(sb, value);
        return sb.ToString();
    }

    /// <summary><c>"sha256:" + hex</c> of the canonical UTF-8 bytes.</summary>
    public static string InputHash(JsonElement? value) => Hashes.Sha256Prefixed(Encoding.UTF8.GetBytes(Serialize(value)));

    /// <summary>
    /// Canonical text of a submitted input as a peer would hash it: a <see cref="JsonElement"/> or
    /// <see cref="JsonDocument"/> by its text (a fraction or exponent makes a float, <c>2.0</c>; <c>2</c> stays an
    /// integer); any other object serialized with <paramref name="options"/>, except that <see cref="double"/>,
    /// <see cref="float"/> and <see cref="decimal"/> values are floats (<c>2.0</c>, as serde_json writes an f64, where
    /// System.Text.Json writes <c>2</c>) while integer types stay integers.
    /// </summary>
    /// <exception cref="ArgumentException">The input holds NaN or an infinity.</exception>
    public static string Serialize(object? input, JsonSerializerOptions? options) => Serialize(ElementOf(input, options));

    /// <summary><c>"sha256:" + hex</c> of <see cref="Serialize(object?, JsonSerializerOptions?)"/>: the idempotency <c>input_hash</c>.</summary>
    public static string InputHash(object? input, JsonSerializerOptions? options) =>
        Hashes.Sha256Prefixed(Encoding.UTF8.GetBytes(Serialize(input, options)));

    private static JsonElement? ElementOf(object? input, JsonSerializerOptions? options) => input switch
    {
        null => null,
        JsonElement e => e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : e,
        JsonDocument d => d.RootElement.ValueKind == JsonValueKind.Null ? null : d.RootElement,
        _ => JsonSerializer.SerializeToElement(input, BuquetJson.TypeInfo(PeerFloats.With(options), input.GetType())),
    };

    private static void Write(StringBuilder sb, JsonElement? element)
    {
        if (element is null)
        {
            sb.Append("null");
            return;
        }

        var e = element.Value;
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                // serde_json's Map is a BTreeMap: a duplicate key keeps the last value.
                var members = new SortedDictionary<string, JsonElement>(KeyOrder);
                foreach (var p in e.EnumerateObject())
                {
                    members[p.Name] = p.Value;
                }

                sb.Append('{');
                var first = true;
                foreach (var (name, value) in members)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    JsonOut.AppendString(sb, name);
                    sb.Append(':');
                    Write(sb, value);
                }

                sb.Append('}');
                return;
            case JsonValueKind.Array:
                sb.Append('[');
                var firstItem = true;
                foreach (var item in e.EnumerateArray())
                {
                    if (!firstItem)
                    {
                        sb.Append(',');
                    }

                    firstItem = false;
                    Write(sb, item);
                }

                sb.Append(']');
                return;
            case JsonValueKind.String:
                JsonOut.AppendString(sb, e.GetString()!);
                return;
            case JsonValueKind.Number:
                sb.Append(Number(e.GetRawText()));
                return;
            case JsonValueKind.True:
                sb.Append("true");
                return;
            case JsonValueKind.False:
                sb.Append("false");
                return;
            default:
                sb.Append("null");
                return;
        }
    }

    /// <summary>
    /// serde_json number text: integers that fit i64/u64 stay integers; anything with a fraction or exponent (or too
    /// big) is an f64 written like ryu. A .NET double that System.Text.Json wrote as <c>2</c> is an integer here, as it
    /// would be for a peer reading the same text.
    /// </summary>
    internal static string Number(string raw)
    {
        var isInteger = raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0;
        if (isInteger)
        {
            if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            {
                return l.ToString(CultureInfo.InvariantCulture);
            }

            if (ulong.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var u))
            {
                return u.ToString(CultureInfo.InvariantCulture);
            }
        }

        return JsonOut.FormatFloat(double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    /// <summary>Orders strings by their UTF-8 bytes (equivalently by Unicode code point), not by UTF-16 units.</summary>
    private sealed class Utf8ByteOrderComparer : IComparer<string>
    {
        public int Compare(string? x, string? y)
        {
            var a = x.AsSpan();
            var b = y.AsSpan();
            int i = 0, j = 0;
            while (i < a.Length && j < b.Length)
            {
                var ra = Rune.DecodeFromUtf16(a[i..], out var ruA, out var na) == System.Buffers.OperationStatus.Done ? ruA.Value : a[i];
                var rb = Rune.DecodeFromUtf16(b[j..], out var ruB, out var nb) == System.Buffers.OperationStatus.Done ? ruB.Value : b[j];
                if (ra != rb)
                {
                    return ra.CompareTo(rb);
                }

                i += Math.Max(na, 1);
                j += Math.Max(nb, 1);
            }

            return (a.Length - i).CompareTo(b.Length - j);
        }
    }
}

/// <summary>SHA-256 helpers for idempotency keys and inputs.</summary>
internal static class Hashes
{
    /// <summary><c>"sha256:" + 64 lowercase hex</c>.</summary>
    public static string Sha256Prefixed(ReadOnlySpan<byte> data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>The idempotency <c>key_hash</c>: SHA-256 of UTF-8 <c>scope + ":" + key</c>.</summary>
    public static string IdempotencyKeyHash(string scope, string key) => Sha256Prefixed(Encoding.UTF8.GetBytes(scope + ":" + key));

    /// <summary>The hex part of a prefixed hash.</summary>
    public static string Hex(string prefixedHash) => prefixedHash.StartsWith("sha256:", StringComparison.Ordinal) ? prefixedHash[7..] : prefixedHash;
}
