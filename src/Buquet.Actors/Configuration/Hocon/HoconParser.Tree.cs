namespace Buquet.Actors.Configuration;

/// <summary>Arrays, substitutions and field assignment with HOCON merge semantics.</summary>
internal sealed partial class HoconParser
{
    private HoconArray ParseArray(IReadOnlyList<string> key)
    {
        var array = new HoconArray(Here);
        Advance();
        while (true)
        {
            SkipBlank(commas: true);
            if (AtEnd)
            {
                throw Here.Error($"expected ']' to close the array of key '{string.Join('.', key)}' but found end of input");
            }

            if (Current == ']')
            {
                Advance();
                return array;
            }

            array.Items.Add(ParseValue([.. key, array.Items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
            SkipInlineWhitespaceAndComment();
            if (!AtEnd && Current is not ('\n' or ',' or ']'))
            {
                throw Here.Error($"expected ',', a newline or ']' in the array of key '{string.Join('.', key)}' but found {Describe()}");
            }
        }
    }

    private HoconSubstitution ParseSubstitution()
    {
        var at = Here;
        Advance(2);
        var optional = false;
        if (Current == '?')
        {
            optional = true;
            Advance();
        }

        while (IsInlineWhitespace(Current))
        {
            Advance();
        }

        var path = ReadKeyPath();
        while (IsInlineWhitespace(Current))
        {
            Advance();
        }

        if (Current != '}')
        {
            throw Here.Error($"expected '}}' to close the substitution ${{{(optional ? "?" : string.Empty)}{string.Join('.', path)} but found {Describe()}");
        }

        Advance();
        return new HoconSubstitution(at, path, optional);
    }

    private static void SetPath(HoconObject target, IReadOnlyList<string> path, HoconNode value)
    {
        var obj = target;
        for (var i = 0; i < path.Count - 1; i++)
        {
            if (obj.Fields.TryGetValue(path[i], out var existing) && existing is HoconObject child)
            {
                obj = child;
                continue;
            }

            var created = new HoconObject(value.Position);
            obj.Fields[path[i]] = created;
            obj = created;
        }

        Assign(obj, path[^1], value);
    }

    /// <summary>Assigns a field with HOCON semantics: objects merge into objects; anything else replaces.</summary>
    internal static void Assign(HoconObject obj, string key, HoconNode value)
    {
        obj.Fields.TryGetValue(key, out var existing);
        switch (value)
        {
            case HoconObject incoming when existing is HoconObject current:
                foreach (var (k, v) in incoming.Fields)
                {
                    Assign(current, k, v);
                }

                return;
            case HoconSubstitution or HoconConcatenation:
                obj.Fields[key] = new HoconDeferred(value, existing);
                return;
            case HoconDeferred deferred:
                deferred.Previous ??= existing;
                obj.Fields[key] = deferred;
                return;
            default:
                obj.Fields[key] = value;
                return;
        }
    }

    /// <summary>Raw unquoted text inside a value, before concatenation is decided.</summary>
    private sealed class UnquotedText(HoconPosition position, string text) : HoconNode(position)
    {
        public string Text { get; } = text;
    }
}
