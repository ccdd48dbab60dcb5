using System.Globalization;
using System.Text.Json;

namespace Buquet.Actors.Protocol.Json;

/// <summary>
/// Field access over a parsed JSON object with the protocol's read rules: absent and <c>null</c> are both "none",
/// integers must be JSON integers, timestamps RFC 3339 with offset. Every problem throws
/// <see cref="MalformedObjectException"/> naming the key and field.
/// </summary>
internal readonly struct JsonIn
{
    private readonly JsonElement _root;

    private JsonIn(JsonElement root, string key)
    {
        _root = root;
        Key = key;
    }

    public string Key { get; }

    /// <summary>Parses <paramref name="utf8"/> as a JSON object; the returned reader owns a cloned root.</summary>
    public static JsonIn Parse(ReadOnlyMemory<byte> utf8, string key)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 256 });
            root = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new MalformedObjectException(key, "not valid JSON: " + ex.Message, ex);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedObjectException(key, $"expected a JSON object, found {root.ValueKind}");
        }

        return new JsonIn(root, key);
    }

    public static JsonIn Of(JsonElement element, string key, string field) =>
        element.ValueKind == JsonValueKind.Object ? new JsonIn(element, key) : throw new MalformedObjectException(key, $"field '{field}' must be an object");

    public JsonElement Root => _root;

    public bool Has(string name) => _root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public JsonElement? Element(string name) => _root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    /// <summary>A required member that may itself be JSON null (e.g. task <c>input</c>).</summary>
    public JsonElement? RequiredNullable(string name) =>
        _root.TryGetProperty(name, out var v) ? (v.ValueKind == JsonValueKind.Null ? null : v) : throw Missing(name);

    public string RequiredString(string name) => OptionalString(name) ?? throw Missing(name);

    public string? OptionalString(string name)
    {
        var v = Element(name);
        return v is null ? null : v.Value.ValueKind == JsonValueKind.String ? v.Value.GetString() : throw Wrong(name, "a string");
    }

    public long RequiredInt(string name, long max = long.MaxValue) => OptionalInt(name, max) ?? throw Missing(name);

    public long Int(string name, long defaultValue, long max = long.MaxValue) => OptionalInt(name, max) ?? defaultValue;

    public long? OptionalInt(string name, long max = long.MaxValue)
    {
        var v = Element(name);
        if (v is null)
        {
            return null;
        }

        if (v.Value.ValueKind != JsonValueKind.Number)
        {
            throw Wrong(name, "an integer");
        }

        var raw = v.Value.GetRawText();
        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') >= 0 || !long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n < 0 || n > max)
        {
            throw Wrong(name, $"a non-negative integer up to {max}, was {raw}");
        }

        return n;
    }

    public double RequiredFloat(string name)
    {
        var v = Element(name) ?? throw Missing(name);
        return v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) ? d : throw Wrong(name, "a number");
    }

    public bool Bool(string name, bool defaultValue)
    {
        var v = Element(name);
        return v is null ? defaultValue : v.Value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Wrong(name, "a boolean"),
        };
    }

    public DateTimeOffset RequiredTime(string name, RawTimes? raw = null) => OptionalTime(name, raw) ?? throw Missing(name);

    public DateTimeOffset? OptionalTime(string name, RawTimes? raw = null)
    {
        var text = OptionalString(name);
        if (text is null)
        {
            return null;
        }

        if (!Rfc3339.TryParse(text, out var t))
        {
            throw Wrong(name, $"an RFC 3339 timestamp with offset, was '{text}'");
        }

        raw?.Remember(name, t, text);
        return t;
    }

    public Guid RequiredGuid(string name) => OptionalGuid(name) ?? throw Missing(name);

    public Guid? OptionalGuid(string name)
    {
        var text = OptionalString(name);
        if (text is null)
        {
            return null;
        }

        return Guid.TryParse(text, out var g) ? g : throw Wrong(name, $"a UUID, was '{text}'");
    }

    public IReadOnlyList<string> StringArray(string name) => OptionalStringArray(name) ?? throw Missing(name);

    public IReadOnlyList<string>? OptionalStringArray(string name)
    {
        if (Element(name) is not { } v)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            throw Wrong(name, "an array of strings");
        }

        var list = new List<string>();
        foreach (var item in v.EnumerateArray())
        {
            list.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Wrong(name, "an array of strings"));
        }

        return list;
    }

    /// <summary>Members whose names are not in <paramref name="known"/>, in document order (preserved on re-write).</summary>
    public IReadOnlyList<KeyValuePair<string, JsonElement>>? Unknown(HashSet<string> known)
    {
        List<KeyValuePair<string, JsonElement>>? extra = null;
        foreach (var p in _root.EnumerateObject())
        {
            if (!known.Contains(p.Name))
            {
                (extra ??= []).Add(new(p.Name, p.Value));
            }
        }

        return extra;
    }

    public MalformedObjectException Missing(string name) => new(Key, $"required field '{name}' is missing or null");

    public MalformedObjectException Wrong(string name, string expected) => new(Key, $"field '{name}' must be {expected}");
}

/// <summary>
/// The original text of timestamps read from a peer's object. .NET keeps 100 ns; a peer may write 9 fractional
/// digits. When a field still holds the value that was read, the writer reuses the original text, so an unchanged
/// timestamp round-trips byte for byte.
/// </summary>
internal sealed class RawTimes
{
    private readonly Dictionary<string, (DateTimeOffset Value, string Text)> _map = new(StringComparer.Ordinal);

    public void Remember(string field, DateTimeOffset value, string text) => _map[field] = (value, text);

    public string Format(string field, DateTimeOffset value) =>
        _map.TryGetValue(field, out var raw) && raw.Value == value ? raw.Text : Rfc3339.Format(value);
}
