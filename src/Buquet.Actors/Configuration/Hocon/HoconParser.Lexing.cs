using System.Globalization;
using System.Text;

namespace Buquet.Actors.Configuration;

/// <summary>Character-level reading: position tracking, whitespace, comments, strings and keys.</summary>
internal sealed partial class HoconParser
{
    private bool AtEnd => _pos >= _text.Length;

    private char Current => _pos < _text.Length ? _text[_pos] : '\0';

    private HoconPosition Here => new(_sourceName, _line, _column);

    private char PeekAt(int offset) => _pos + offset < _text.Length ? _text[_pos + offset] : '\0';

    private bool LookingAt(string s) => string.CompareOrdinal(_text, _pos, s, 0, s.Length) == 0;

    private void Advance(int count = 1)
    {
        for (var i = 0; i < count && _pos < _text.Length; i++)
        {
            if (_text[_pos] == '\n')
            {
                _line++;
                _column = 1;
            }
            else
            {
                _column++;
            }

            _pos++;
        }
    }

    private static bool IsInlineWhitespace(char c) => c != '\n' && (char.IsWhiteSpace(c) || c == '\uFEFF');

    private bool AtComment => Current == '#' || LookingAt("//");

    /// <summary>Skips spaces and tabs and a trailing comment, stopping before the newline.</summary>
    private void SkipInlineWhitespaceAndComment()
    {
        while (!AtEnd && IsInlineWhitespace(Current))
        {
            Advance();
        }

        if (AtComment)
        {
            while (!AtEnd && Current != '\n')
            {
                Advance();
            }
        }
    }

    /// <summary>Skips whitespace, newlines and comments; with <paramref name="commas"/>, single commas too.</summary>
    private void SkipBlank(bool commas)
    {
        while (!AtEnd)
        {
            SkipInlineWhitespaceAndComment();
            if (Current == '\n' || (commas && Current == ','))
            {
                Advance();
                continue;
            }

            return;
        }
    }

    private string Describe() => AtEnd ? "end of input" : Current == '\n' ? "end of line" : $"'{Current}'";

    private string ReadQuoted()
    {
        var start = Here;
        if (LookingAt("\"\"\""))
        {
            Advance(3);
            var raw = new StringBuilder();
            while (!LookingAt("\"\"\"") || PeekAt(3) == '"')
            {
                if (AtEnd)
                {
                    throw start.Error("unterminated triple-quoted string: expected closing \"\"\"");
                }

                raw.Append(Current);
                Advance();
            }

            Advance(3);
            return raw.ToString();
        }

        Advance();
        var sb = new StringBuilder();
        while (Current != '"')
        {
            if (AtEnd || Current == '\n')
            {
                throw start.Error("unterminated string: expected a closing '\"' on the same line");
            }

            if (Current == '\\')
            {
                Advance();
                sb.Append(ReadEscape());
                continue;
            }

            sb.Append(Current);
            Advance();
        }

        Advance();
        return sb.ToString();
    }

    private string ReadEscape()
    {
        var at = Here;
        var c = Current;
        Advance();
        switch (c)
        {
            case '"': return "\"";
            case '\\': return "\\";
            case '/': return "/";
            case 'b': return "\b";
            case 'f': return "\f";
            case 'n': return "\n";
            case 'r': return "\r";
            case 't': return "\t";
            case 'u':
                var hex = _pos + 4 <= _text.Length ? _text.Substring(_pos, 4) : string.Empty;
                if (!int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                {
                    throw at.Error($"invalid unicode escape '\\u{hex}': expected four hex digits");
                }

                Advance(4);
                return ((char)code).ToString();
            default:
                throw at.Error($"invalid escape '\\{c}' in string: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
        }
    }

    private static bool EndsUnquotedKey(char c) =>
        char.IsWhiteSpace(c) || c is '.' or '=' or ':' or '{' or '}' or '[' or ']' or ',' or '#' or '"' or '$' or '+' or '\0';

    /// <summary>Reads a path expression such as <c>a.b."c.d"</c> into its segments.</summary>
    private List<string> ReadKeyPath()
    {
        var start = Here;
        var segments = new List<string>();
        var segment = new StringBuilder();
        var any = false;
        while (true)
        {
            if (Current == '"')
            {
                var at = Here;
                var quoted = ReadQuoted();
                if (quoted.Contains(':', StringComparison.Ordinal))
                {
                    throw at.Error($"key \"{quoted}\" contains ':', which configuration keys use as their separator");
                }

                segment.Append(quoted);
                any = true;
            }
            else if (!AtEnd && !EndsUnquotedKey(Current) && !LookingAt("//"))
            {
                segment.Append(Current);
                any = true;
                Advance();
            }
            else if (Current == '.' && any)
            {
                segments.Add(segment.ToString());
                segment.Clear();
                any = false;
                Advance();
            }
            else
            {
                break;
            }
        }

        if (!any)
        {
            throw (segments.Count == 0 ? start : Here).Error($"expected a key but found {Describe()}");
        }

        segments.Add(segment.ToString());
        return segments;
    }

    /// <summary>Reads unquoted text up to a character that ends a value; trailing whitespace is kept for concatenation.</summary>
    private string ReadUnquoted()
    {
        var sb = new StringBuilder();
        while (!AtEnd && Current != '\n' && !AtComment && !(Current == '$' && PeekAt(1) == '{')
               && Current is not ('"' or '{' or '}' or '[' or ']' or ',' or ':' or '=' or '\\'))
        {
            sb.Append(Current);
            Advance();
        }

        if (Current is ':' or '=' or '\\')
        {
            throw Here.Error($"'{Current}' cannot appear in an unquoted value (after '{sb.ToString().Trim()}'): quote the value, e.g. \"http://host:9000\"");
        }

        return sb.ToString();
    }
}
