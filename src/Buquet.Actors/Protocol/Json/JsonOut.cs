using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Buquet.Actors.Protocol.Json;

/// <summary>
/// A compact JSON writer that produces what serde_json produces: no spaces, non-ASCII written raw, only <c>"</c>,
/// <c>\</c> and control characters escaped (short forms for \b \f \n \r \t, else lowercase <c>\u00xx</c>), floats
/// formatted like ryu (<c>2.0</c>, <c>1e20</c>). System.Text.Json's encoders escape HTML characters and astral
/// code points, which a peer would hash differently, so this writer is hand-rolled.
/// </summary>
internal sealed class JsonOut
{
    private readonly StringBuilder _sb = new(256);
    private bool _needComma;

    public JsonOut BeginObject()
    {
        Separator();
        _sb.Append('{');
        _needComma = false;
        return this;
    }

    public JsonOut EndObject()
    {
        _sb.Append('}');
        _needComma = true;
        return this;
    }

    public JsonOut BeginArray()
    {
        Separator();
        _sb.Append('[');
        _needComma = false;
        return this;
    }

    public JsonOut EndArray()
    {
        _sb.Append(']');
        _needComma = true;
        return this;
    }

    public JsonOut Name(string name)
    {
        Separator();
        AppendString(_sb, name);
        _sb.Append(':');
        _needComma = false;
        return this;
    }

    public JsonOut String(string? value)
    {
        Separator();
        if (value is null)
        {
            _sb.Append("null");
        }
        else
        {
            AppendString(_sb, value);
        }

        _needComma = true;
        return this;
    }

    public JsonOut Null() => Raw("null");

    public JsonOut Bool(bool value) => Raw(value ? "true" : "false");

    public JsonOut Int(long value) => Raw(value.ToString(CultureInfo.InvariantCulture));

    public JsonOut Float(double value) => Raw(FormatFloat(value));

    public JsonOut Time(DateTimeOffset? value) => value is null ? Null() : String(Rfc3339.Format(value.Value));

    /// <summary>Writes a JSON element, keeping member order and number text as they are.</summary>
    public JsonOut Element(JsonElement? element)
    {
        if (element is null)
        {
            return Null();
        }

        var e = element.Value;
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                BeginObject();
                foreach (var p in e.EnumerateObject())
                {
                    Name(p.Name).Element(p.Value);
                }

                return EndObject();
            case JsonValueKind.Array:
                BeginArray();
                foreach (var item in e.EnumerateArray())
                {
                    Element(item);
                }

                return EndArray();
            case JsonValueKind.String:
                return String(e.GetString());
            case JsonValueKind.Number:
                return Raw(e.GetRawText());
            case JsonValueKind.True:
                return Bool(true);
            case JsonValueKind.False:
                return Bool(false);
            default:
                return Null();
        }
    }

    /// <summary>Appends pre-formatted JSON.</summary>
    public JsonOut Raw(string json)
    {
        Separator();
        _sb.Append(json);
        _needComma = true;
        return this;
    }

    public override string ToString() => _sb.ToString();

    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(_sb.ToString());

    private void Separator()
    {
        if (_needComma)
        {
            _sb.Append(',');
        }
    }

    /// <summary>A JSON string as serde_json writes it; <paramref name="asciiOnly"/>: non-ASCII and DEL as <c>\uXXXX</c> too (Python's <c>ensure_ascii</c>).</summary>
    internal static void AppendString(StringBuilder sb, string value, bool asciiOnly = false)
    {
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || (asciiOnly && c > 0x7e))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>Formats a finite double the way ryu (serde_json) does: shortest round-trip digits.</summary>
    internal static string FormatFloat(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON has no representation for NaN or infinity.");
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }

        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = r[0] == '-';
        if (negative)
        {
            r = r[1..];
        }

        var exp = 0;
        var ePos = r.IndexOfAny(['E', 'e']);
        if (ePos >= 0)
        {
            exp = int.Parse(r[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..ePos];
        }

        var dot = r.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            exp -= r.Length - dot - 1;
            r = r.Remove(dot, 1);
        }

        // r is now an integer digit string and value = r * 10^exp; normalise away leading and trailing zeros.
        r = r.TrimStart('0');
        var trimmed = r.TrimEnd('0');
        exp += r.Length - trimmed.Length;
        var digits = trimmed;
        var length = digits.Length;
        var kk = length + exp;
        var sb = new StringBuilder(32);
        if (negative)
        {
            sb.Append('-');
        }

        if (exp >= 0 && kk <= 16)
        {
            sb.Append(digits).Append('0', exp).Append(".0");
        }
        else if (kk > 0 && kk <= 16)
        {
            sb.Append(digits, 0, kk).Append('.').Append(digits, kk, length - kk);
        }
        else if (kk > -5 && kk <= 0)
        {
            sb.Append("0.").Append('0', -kk).Append(digits);
        }
        else if (length == 1)
        {
            sb.Append(digits).Append('e').Append((kk - 1).ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            sb.Append(digits[0]).Append('.').Append(digits, 1, length - 1).Append('e').Append((kk - 1).ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }
}
