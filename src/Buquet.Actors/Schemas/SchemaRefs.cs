using System.Text.Json;

namespace Buquet.Actors.Schemas;

/// <summary>
/// The <c>$ref</c> checks JsonSchema.Net leaves to evaluation time, made when a schema is set: a schema part is
/// self-contained, so a <c>#/...</c> pointer must lead somewhere inside it and a reference to another document is refused
/// (nothing is fetched). Parts with nested <c>$id</c>s are left to the library.
/// </summary>
internal static class SchemaRefs
{
    /// <summary>The first reference that cannot resolve inside <paramref name="root"/>, described; null when all can.</summary>
    public static string? FindUnresolvable(JsonElement root)
    {
        var refs = new List<string>();
        var nestedIds = false;
        Collect(root, refs, ref nestedIds, depth: 0);
        if (nestedIds)
        {
            return null;
        }

        foreach (var r in refs)
        {
            if (!r.StartsWith('#'))
            {
                return $"$ref '{r}' points outside the schema; a task schema must be self-contained (put shared parts under $defs and use '#/$defs/...')";
            }

            if (r.StartsWith("#/", StringComparison.Ordinal) && !Resolves(root, r[1..]))
            {
                return $"$ref '{r}' does not resolve: nothing is at that JSON Pointer in this schema";
            }
        }

        return null;
    }

    private static void Collect(JsonElement e, List<string> refs, ref bool nestedIds, int depth)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in e.EnumerateObject())
            {
                if (p.Name == "$ref" && p.Value.ValueKind == JsonValueKind.String)
                {
                    refs.Add(p.Value.GetString()!);
                }
                else if (p.Name == "$id" && depth > 0)
                {
                    nestedIds = true;
                }

                Collect(p.Value, refs, ref nestedIds, depth + 1);
            }
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray())
            {
                Collect(item, refs, ref nestedIds, depth + 1);
            }
        }
    }

    private static bool Resolves(JsonElement root, string pointer)
    {
        var at = root;
        foreach (var raw in pointer.Split('/').Skip(1))
        {
            var token = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (at.ValueKind == JsonValueKind.Object && at.TryGetProperty(token, out var next))
            {
                at = next;
            }
            else if (at.ValueKind == JsonValueKind.Array && int.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) && i < at.GetArrayLength())
            {
                at = at[i];
            }
            else
            {
                return false;
            }
        }

        return true;
    }
}
