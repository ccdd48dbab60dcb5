namespace Buquet.Actors.Configuration;

/// <summary>
/// Recursive-descent parser for the HOCON subset Buquet reads: objects, dotted keys, merging, arrays, quoted,
/// triple-quoted and unquoted strings, comments, <c>include</c>, <c>${path}</c>/<c>${?path}</c> and value concatenation.
/// </summary>
internal sealed partial class HoconParser
{
    private const int MaxIncludeDepth = 16;
    private readonly string _text;
    private readonly string _sourceName;
    private readonly string? _baseDirectory;
    private readonly IReadOnlyList<string> _includeChain;
    private int _pos;
    private int _line = 1;
    private int _column = 1;

    private HoconParser(string text, string sourceName, string? baseDirectory, IReadOnlyList<string> includeChain)
    {
        _text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        _sourceName = sourceName;
        _baseDirectory = baseDirectory;
        _includeChain = includeChain;
    }

    /// <summary>Parses a document into an unresolved tree (substitutions are resolved by <see cref="HoconResolver"/>).</summary>
    public static HoconObject Parse(string text, string sourceName, string? baseDirectory) =>
        new HoconParser(text, sourceName, baseDirectory, [sourceName]).ParseDocument();

    private HoconObject ParseDocument()
    {
        SkipBlank(commas: false);
        var root = new HoconObject(Here);
        if (Current == '{')
        {
            Advance();
            ParseFields(root, '}');
            SkipBlank(commas: false);
            if (!AtEnd)
            {
                throw Here.Error($"expected end of input after the closing '}}' of the root object but found {Describe()}");
            }
        }
        else
        {
            ParseFields(root, null);
        }

        return root;
    }

    private void ParseFields(HoconObject target, char? closing)
    {
        while (true)
        {
            SkipBlank(commas: true);
            if (AtEnd)
            {
                if (closing is not null)
                {
                    throw Here.Error($"expected '{closing}' to close the object but found end of input");
                }

                return;
            }

            if (Current == closing)
            {
                Advance();
                return;
            }

            if (Current is '}' or ']')
            {
                throw Here.Error($"unexpected '{Current}': expected a key");
            }

            if (AtIncludeDirective())
            {
                ParseInclude(target);
            }
            else
            {
                ParseField(target);
            }

            SkipInlineWhitespaceAndComment();
            if (!AtEnd && Current != '\n' && Current != ',' && Current != closing)
            {
                var expected = closing is null ? "a newline or ','" : $"a newline, ',' or '{closing}'";
                throw Here.Error($"expected {expected} after a field but found {Describe()}");
            }
        }
    }

    /// <summary><c>include</c> followed by a quoted name or <c>required(</c>/<c>file(</c>/...; a key named include is not one.</summary>
    private bool AtIncludeDirective()
    {
        if (!LookingAt("include") || !IsInlineWhitespace(PeekAt(7)))
        {
            return false;
        }

        var i = 7;
        while (IsInlineWhitespace(PeekAt(i)))
        {
            i++;
        }

        var rest = _text.AsSpan(Math.Min(_pos + i, _text.Length));
        return rest.StartsWith("\"") || rest.StartsWith("required(") || rest.StartsWith("file(") || rest.StartsWith("url(") || rest.StartsWith("classpath(");
    }

    private void ParseField(HoconObject target)
    {
        var path = ReadKeyPath();
        SkipInlineWhitespaceAndComment();
        HoconNode value;
        if (Current == '{')
        {
            value = ParseValue(path);
        }
        else if (Current is '=' or ':')
        {
            Advance();
            SkipInlineWhitespaceAndComment();
            value = ParseValue(path);
        }
        else if (LookingAt("+="))
        {
            throw Here.Error($"'+=' is not supported (key '{string.Join('.', path)}'): write the whole array");
        }
        else
        {
            throw Here.Error($"expected '=', ':' or '{{' after key '{string.Join('.', path)}' but found {Describe()}");
        }

        SetPath(target, path, value);
    }

    /// <summary>Reads one value: a single object/array/string/substitution or a same-line concatenation of them.</summary>
    private HoconNode ParseValue(IReadOnlyList<string> key)
    {
        var start = Here;
        var parts = new List<HoconNode>();
        while (!AtEnd && Current != '\n' && Current != ',' && Current != '}' && Current != ']' && !AtComment)
        {
            var at = Here;
            if (Current == '{')
            {
                Advance();
                var obj = new HoconObject(at);
                ParseFields(obj, '}');
                parts.Add(obj);
            }
            else if (Current == '[')
            {
                parts.Add(ParseArray(key));
            }
            else if (Current == '"')
            {
                parts.Add(new HoconScalar(at, ReadQuoted()));
            }
            else if (Current == '$' && PeekAt(1) == '{')
            {
                parts.Add(ParseSubstitution());
            }
            else
            {
                var text = ReadUnquoted();
                parts.Add(new UnquotedText(at, text));
            }
        }

        // Trailing whitespace is not part of the value.
        if (parts.Count > 0 && parts[^1] is UnquotedText last)
        {
            parts[^1] = new UnquotedText(last.Position, last.Text.TrimEnd());
            if (((UnquotedText)parts[^1]).Text.Length == 0)
            {
                parts.RemoveAt(parts.Count - 1);
            }
        }

        if (parts.Count == 0)
        {
            throw start.Error($"expected a value for key '{string.Join('.', key)}' but found {Describe()}");
        }

        if (parts.Count == 1)
        {
            return parts[0] is UnquotedText u ? new HoconScalar(u.Position, u.Text == "null" ? null : u.Text) : parts[0];
        }

        foreach (var part in parts)
        {
            if (part is HoconObject or HoconArray)
            {
                throw part.Position.Error($"cannot concatenate an object or array with other values (key '{string.Join('.', key)}')");
            }
        }

        var normalized = parts.Select(p => p is UnquotedText u ? new HoconScalar(u.Position, u.Text) : p).ToList();
        return normalized.All(p => p is HoconScalar)
            ? new HoconScalar(start, string.Concat(normalized.Select(p => ((HoconScalar)p).Value)))
            : new HoconConcatenation(start, normalized);
    }
}
